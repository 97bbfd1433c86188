#pragma once
// The one place for differences between the LibTorch versions the core builds against:
// 1.13 (Debian, CI) and 2.x (CUDA machines, e.g. the LibTorch inside an installed PyTorch).
// Header-only; include it instead of calling a version-dependent API directly.
#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/variable.h>

#include <sstream>
#include <string>
#include <type_traits>

#define MOR_TORCH_AT_LEAST(major, minor)                                                        \
    (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace mor::compat {

/// "1.13.0", "2.5.1", ...: the LibTorch the binary was built against.
inline std::string torchVersion()
{
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "."
           + std::to_string(TORCH_VERSION_PATCH);
}

/// Waits for the device's queued work (timing on CUDA); a no-op on the CPU.
inline void synchronize(const torch::Device& device)
{
    if (device.is_cuda()) {
        torch::cuda::synchronize(device.has_index() ? device.index() : -1);
    }
}

/// Whether autocast to `dtype` is available on `device` in this LibTorch: CUDA takes fp16 and
/// bf16; the CPU takes bf16 (autocast on the CPU exists since 1.10).
inline bool autocastSupported(const torch::Device& device, torch::ScalarType dtype)
{
    if (device.is_cuda()) {
        return dtype == torch::kBFloat16 || dtype == torch::kHalf;
    }
    return device.is_cpu() && dtype == torch::kBFloat16;
}

/// Mixed precision for the scope: ops eligible for autocast run in `dtype` on `device`.
/// Restores the previous state (enabled flag, dtype) on destruction; nests.
class AutocastGuard {
public:
    AutocastGuard(const torch::Device& device, torch::ScalarType dtype)
        : m_type(device.type()), m_dtype(dtype)
    {
        m_wasEnabled = enabled(m_type);
        m_oldDtype = currentDtype(m_type);
        set(m_type, true, dtype);
        at::autocast::increment_nesting();
    }
    ~AutocastGuard()
    {
        if (at::autocast::decrement_nesting() == 0) {
            at::autocast::clear_cache();
        }
        set(m_type, m_wasEnabled, m_oldDtype);
    }
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

    static bool enabled(c10::DeviceType type)
    {
#if MOR_TORCH_AT_LEAST(2, 4)
        return at::autocast::is_autocast_enabled(type);
#else
        return type == c10::DeviceType::CUDA ? at::autocast::is_enabled()
                                             : at::autocast::is_cpu_enabled();
#endif
    }

private:
    static torch::ScalarType currentDtype(c10::DeviceType type)
    {
#if MOR_TORCH_AT_LEAST(2, 4)
        return at::autocast::get_autocast_dtype(type);
#else
        return type == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype()
                                             : at::autocast::get_autocast_cpu_dtype();
#endif
    }
    static void set(c10::DeviceType type, bool on, torch::ScalarType dtype)
    {
#if MOR_TORCH_AT_LEAST(2, 4)
        at::autocast::set_autocast_dtype(type, dtype);
        at::autocast::set_autocast_enabled(type, on);
#else
        if (type == c10::DeviceType::CUDA) {
            at::autocast::set_autocast_gpu_dtype(dtype);
            at::autocast::set_enabled(on);
        } else {
            at::autocast::set_autocast_cpu_dtype(dtype);
            at::autocast::set_cpu_enabled(on);
        }
#endif
    }

    c10::DeviceType m_type;
    torch::ScalarType m_dtype;
    bool m_wasEnabled = false;
    torch::ScalarType m_oldDtype = torch::kFloat;
};

/// Whether the autograd engine would do no more with leaf t's gradient than accumulate it into
/// t.grad() (its AccumulateGrad node without a hook: none registered on the tensor, none on the
/// node, and from LibTorch 2.1 no post-accumulate hook), so that a gradient node may add it
/// there itself (grouped_linear.cpp). False for tensors that want no gradient.
inline bool plainLeafGradient(const torch::Tensor& t)
{
    namespace impl = torch::autograd::impl;
    if (!t.defined() || !t.requires_grad() || !t.is_leaf() || !impl::hooks(t).empty()) {
        return false;
    }
#if MOR_TORCH_AT_LEAST(2, 1)
    if (impl::post_acc_grad_hooks(t) != nullptr) {
        return false;
    }
#endif
    const auto node = impl::try_get_grad_accumulator(t);
    return !node || (node->pre_hooks().empty() && node->post_hooks().empty());
}

/// The key of parameter p in a torch::optim::Optimizer's state map `StateMap`: LibTorch 1.13
/// keys it by the parameter's TensorImpl address as text ("0x55..."; what its optimizers and
/// their load() use), 2.x by the address itself. Chosen from the map's key type.
template <typename StateMap>
typename StateMap::key_type optimizerStateKey(const torch::Tensor& p)
{
    using Key = typename StateMap::key_type;
    void* impl = p.unsafeGetTensorImpl();
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream text; // as c10::guts::to_string streams the TensorImpl pointer
        text << impl;
        return text.str();
    } else {
        return Key(impl);
    }
}

} // namespace mor::compat
