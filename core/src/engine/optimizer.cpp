// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/optimizer.h"

#include "compat/torch_compat.h"
#include "engine/optimizer_kernel.h"

#include <cmath>

namespace mor::engine {

namespace {

/// A float CPU tensor whose values can be read as one array of n.
bool flatFloat(const torch::Tensor& t, int64_t n)
{
    return t.defined() && t.is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous()
           && !t.is_sparse() && t.numel() == n;
}

/// The closure's loss, computed with gradients on as torch's optimizers do (undefined without a
/// closure).
torch::Tensor closureLoss(const torch::optim::Optimizer::LossClosure& closure)
{
    if (closure == nullptr) {
        return {};
    }
    at::AutoGradMode enableGrad(true);
    return closure();
}

/// What a fused step wrote: their versions move on, as torch's in-place operations move them,
/// so that caches keyed by a tensor's version (segment weight packs, the host decoder's weight
/// snapshot) see the change.
void bumpVersions(const std::vector<c10::TensorImpl*>& written)
{
    for (auto* impl : written) {
        impl->bump_version();
    }
}

} // namespace

torch::Tensor FusedAdamW::step(LossClosure closure)
{
    torch::NoGradGuard noGrad;
    const auto loss = closureLoss(closure);
    using State = torch::optim::AdamWParamState;
    std::vector<kernel::AdamWTensor> flat; // the float CPU parameters: one pass each, together
    std::vector<c10::TensorImpl*> written;  // what the pass writes: their versions move on
    for (auto& group : param_groups_) {
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
        const double lr = options.lr();
        const double beta1 = std::get<0>(options.betas());
        const double beta2 = std::get<1>(options.betas());
        for (auto& p : group.params()) {
            if (!p.grad().defined()) {
                continue;
            }
            const auto& grad = p.grad();
            TORCH_CHECK(!grad.is_sparse(), "AdamW does not support sparse gradients");
            const auto key = compat::optimizerStateKey<decltype(state_)>(p);
            auto found = state_.find(key);
            if (found == state_.end()) {
                auto fresh = std::make_unique<State>();
                fresh->step(0);
                fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                if (options.amsgrad()) {
                    fresh->max_exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
                }
                found = state_.emplace(key, std::move(fresh)).first;
            }
            auto& state = static_cast<State&>(*found->second);
            state.step(state.step() + 1);
            const double correction1 = 1.0 - std::pow(beta1, double(state.step()));
            const double correction2 = 1.0 - std::pow(beta2, double(state.step()));
            const double stepSize = lr / correction1;
            auto& expAvg = state.exp_avg();
            auto& expAvgSq = state.exp_avg_sq();
            auto& maxExpAvgSq = state.max_exp_avg_sq();
            const int64_t n = p.numel();
            if (flatFloat(p, n) && flatFloat(grad, n) && flatFloat(expAvg, n)
                && flatFloat(expAvgSq, n) && (!options.amsgrad() || flatFloat(maxExpAvgSq, n))) {
                kernel::AdamWTensor k;
                k.p = p.data_ptr<float>();
                k.g = grad.data_ptr<float>();
                k.m = expAvg.data_ptr<float>();
                k.v = expAvgSq.data_ptr<float>();
                k.vMax = options.amsgrad() ? maxExpAvgSq.data_ptr<float>() : nullptr;
                k.n = n;
                k.decay = options.weight_decay() != 0.0;
                k.decayFactor = float(1.0 - lr * options.weight_decay());
                k.beta1 = float(beta1);
                k.oneMinusBeta1 = float(1.0 - beta1);
                k.beta2 = float(beta2);
                k.oneMinusBeta2 = float(1.0 - beta2);
                k.rootCorrection2 = float(std::sqrt(correction2));
                k.eps = float(options.eps());
                k.negStepSize = float(-stepSize);
                flat.push_back(k);
                for (const auto* t : {&p, &expAvg, &expAvgSq}) {
                    written.push_back(t->unsafeGetTensorImpl());
                }
                if (options.amsgrad()) {
                    written.push_back(maxExpAvgSq.unsafeGetTensorImpl());
                }
                continue;
            }
            // torch::optim::AdamW's operations.
            if (options.weight_decay() != 0.0) {
                p.mul_(1.0 - lr * options.weight_decay());
            }
            expAvg.mul_(beta1).add_(grad, 1.0 - beta1);
            expAvgSq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
            torch::Tensor denom;
            if (options.amsgrad()) {
                torch::max_out(maxExpAvgSq, expAvgSq, maxExpAvgSq);
                denom = (maxExpAvgSq.sqrt() / std::sqrt(correction2)).add_(options.eps());
            } else {
                denom = (expAvgSq.sqrt() / std::sqrt(correction2)).add_(options.eps());
            }
            p.addcdiv_(expAvg, denom, -stepSize);
        }
    }
    kernel::adamw(flat, at::get_num_threads());
    bumpVersions(written);
    return loss;
}

torch::Tensor FusedSGD::step(LossClosure closure)
{
    torch::NoGradGuard noGrad;
    const auto loss = closureLoss(closure);
    using State = torch::optim::SGDParamState;
    std::vector<kernel::SgdTensor> flat;
    std::vector<c10::TensorImpl*> written;
    for (auto& group : param_groups_) {
        const auto& options = static_cast<const torch::optim::SGDOptions&>(group.options());
        const double decay = options.weight_decay();
        const double momentum = options.momentum();
        const double dampening = options.dampening();
        const bool nesterov = options.nesterov();
        for (auto& p : group.params()) {
            if (!p.grad().defined()) {
                continue;
            }
            const auto& grad = p.grad();
            const int64_t n = p.numel();
            torch::Tensor buffer;
            bool first = false;
            if (momentum != 0.0) {
                const auto key = compat::optimizerStateKey<decltype(state_)>(p);
                auto found = state_.find(key);
                if (found == state_.end()) {
                    // torch: the buffer starts as a copy of the first step's d.
                    auto fresh = std::make_unique<State>();
                    fresh->momentum_buffer(torch::empty_like(p, torch::MemoryFormat::Contiguous));
                    found = state_.emplace(key, std::move(fresh)).first;
                    first = true;
                }
                buffer = static_cast<State&>(*found->second).momentum_buffer();
            }
            if (flatFloat(p, n) && flatFloat(grad, n)
                && (momentum == 0.0 || flatFloat(buffer, n))) {
                kernel::SgdTensor k;
                k.p = p.data_ptr<float>();
                k.g = grad.data_ptr<float>();
                k.buf = momentum != 0.0 ? buffer.data_ptr<float>() : nullptr;
                k.n = n;
                k.first = first;
                k.nesterov = nesterov;
                k.weightDecay = float(decay);
                k.momentum = float(momentum);
                k.oneMinusDampening = float(1.0 - dampening);
                k.negLr = float(-options.lr());
                flat.push_back(k);
                written.push_back(p.unsafeGetTensorImpl());
                if (momentum != 0.0) {
                    written.push_back(buffer.unsafeGetTensorImpl());
                }
                continue;
            }
            // torch::optim::SGD's operations.
            auto d = grad;
            if (decay != 0.0) {
                d = d.add(p, decay);
            }
            if (momentum != 0.0) {
                if (first) {
                    buffer.copy_(d);
                } else {
                    buffer.mul_(momentum).add_(d, 1.0 - dampening);
                }
                d = nesterov ? d.add(buffer, momentum) : buffer;
            }
            p.add_(d, -options.lr());
        }
    }
    kernel::sgd(flat, at::get_num_threads());
    bumpVersions(written);
    return loss;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& t,
                                                       const std::vector<torch::Tensor>& params,
                                                       std::string* name) {
    if (t.optimizer == OptimizerKind::Sgd) {
        *name = "sgd";
        return std::make_unique<FusedSGD>(
            params, torch::optim::SGDOptions(t.learningRate).momentum(0.9).weight_decay(t.weightDecay));
    }
    // adam = AdamW without decoupled decay
    *name = t.optimizer == OptimizerKind::Adam ? "adam" : "adamw";
    return std::make_unique<FusedAdamW>(
        params, torch::optim::AdamWOptions(t.learningRate)
                    .weight_decay(t.optimizer == OptimizerKind::Adam ? 0.0 : t.weightDecay));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) {
        group.options().set_lr(lr);
    }
}

std::vector<torch::Tensor> clearGradients(const std::vector<torch::Tensor>& params)
{
    std::vector<torch::Tensor> had;
    for (const auto& p : params) {
        if (p.grad().defined()) {
            had.push_back(p);
            p.mutable_grad() = torch::Tensor();
        }
    }
    return had;
}

void zeroMissingGradients(const std::vector<torch::Tensor>& hadGradient)
{
    torch::NoGradGuard noGrad;
    for (const auto& p : hadGradient) {
        if (!p.grad().defined()) {
            p.mutable_grad() = torch::zeros_like(p, torch::MemoryFormat::Preserve);
        }
    }
}

double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm)
{
    std::vector<torch::Tensor> grads;
    bool flat = true;
    for (const auto& p : params) {
        const auto& g = p.grad();
        if (g.defined()) {
            grads.push_back(g);
            flat = flat && flatFloat(g, g.numel());
        }
    }
    if (grads.empty()) {
        return 0.0;
    }
    if (!flat) {
        return torch::nn::utils::clip_grad_norm_(params, maxNorm);
    }
    torch::NoGradGuard noGrad;
    std::vector<std::pair<const float*, int64_t>> values;
    std::vector<std::pair<float*, int64_t>> targets;
    for (auto& g : grads) {
        values.emplace_back(g.data_ptr<float>(), g.numel());
        targets.emplace_back(g.data_ptr<float>(), g.numel());
    }
    const int threads = at::get_num_threads();
    const double norm = std::sqrt(kernel::sumOfSquares(values, threads));
    // clip_grad_norm_: coefficient maxNorm / (norm + 1e-6) clamped to at most 1, multiplied into
    // every gradient (by 1 when not clipping: skipped here, the same values). A non-finite norm
    // gives a non-finite coefficient, as there.
    const float coefficient = float(std::min(maxNorm / (norm + 1e-6), 1.0));
    if (!(coefficient >= 1.0f)) {
        kernel::scale(targets, coefficient, threads);
        for (auto& g : grads) {
            g.unsafeGetTensorImpl()->bump_version();
        }
    }
    return norm;
}

} // namespace mor::engine
