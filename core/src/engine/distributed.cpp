#include "engine/distributed.h"

#include "compat/torch_compat.h"

// Debian's LibTorch is built with Gloo; its c10d headers hide the class behind this switch.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MOR_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

namespace mor::engine {

// LibTorch 2.x splits the backends (Gloo, NCCL) off ProcessGroup into c10d::Backend, which
// keeps the collectives' signatures; 1.13's backends are ProcessGroups.
#if MOR_TORCH_AT_LEAST(2, 0)
using CollectiveGroup = c10d::Backend;
#else
using CollectiveGroup = c10d::ProcessGroup;
#endif

struct DistributedGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<CollectiveGroup> group;
    torch::Device device{torch::kCPU};
};

namespace {

std::string peerLost(const std::string& what, const std::exception& e) {
    // c10 errors carry a C++ backtrace after the first line; the first line says it all.
    std::string message = e.what();
    const auto nl = message.find('\n');
    if (nl != std::string::npos) {
        message.resize(nl);
    }
    return "data-parallel " + what + " failed (a worker died, timed out or cannot be reached): " +
           message;
}

bool isLoopback(const std::string& host) {
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& masterAddr) {
    // GLOO_SOCKET_IFNAME is how torch.distributed users pick the network interface.
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
        return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
    }
    if (isLoopback(masterAddr)) {
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    }
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

DistributedGroup::~DistributedGroup() = default;

std::unique_ptr<DistributedGroup> DistributedGroup::join(const RunOptions& options,
                                                         const torch::Device& device,
                                                         std::string* error) {
    if (options.worldSize < 1 || options.rank < 0 || options.rank >= options.worldSize) {
        *error = "data-parallel rank " + std::to_string(options.rank) +
                 " is not in [0, world size " + std::to_string(options.worldSize) + ")";
        return nullptr;
    }
    if (options.masterPort < 1 || options.masterPort > 65535) {
        *error = "data-parallel master port " + std::to_string(options.masterPort) +
                 " is not in 1..65535";
        return nullptr;
    }
    std::unique_ptr<DistributedGroup> g(new DistributedGroup());
    g->m_impl = std::make_unique<Impl>();
    g->m_rank = options.rank;
    g->m_worldSize = options.worldSize;
    g->m_timeout = std::chrono::milliseconds(
        std::max<int64_t>(1, options.distributedTimeoutSeconds) * 1000);
    g->m_impl->device = device;
    try {
        c10d::TCPStoreOptions so;
        so.port = uint16_t(options.masterPort);
        so.isServer = options.rank == 0;
        so.numWorkers = size_t(options.worldSize);
        so.waitWorkers = true;
        so.timeout = g->m_timeout;
        g->m_impl->store = c10::make_intrusive<c10d::TCPStore>(options.masterAddr, so);
    } catch (const std::exception& e) {
        *error = peerLost("rendezvous at " + options.masterAddr + ":" +
                              std::to_string(options.masterPort),
                          e);
        return nullptr;
    }
    try {
        if (device.is_cuda()) {
#ifdef MOR_WITH_NCCL
            auto opts = c10d::ProcessGroupNCCL::Options::create();
            opts->timeout = g->m_timeout;
            g->m_impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(
                g->m_impl->store, int(options.rank), int(options.worldSize), opts);
            g->m_backend = "nccl";
#else
            *error = "data-parallel training on CUDA needs a LibTorch built with NCCL; "
                     "use train.device = \"cpu\" (Gloo)";
            return nullptr;
#endif
        } else {
            auto opts = c10d::ProcessGroupGloo::Options::create(g->m_timeout);
            opts->devices.push_back(glooDevice(options.masterAddr));
            g->m_impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(
                g->m_impl->store, int(options.rank), int(options.worldSize), opts);
            g->m_backend = "gloo";
        }
    } catch (const std::exception& e) {
        *error = peerLost("process group setup", e);
        return nullptr;
    }
    return g;
}

std::pair<int64_t, int64_t> DistributedGroup::shard(int64_t begin, int64_t end) const {
    const int64_t n = end - begin;
    return {begin + n * m_rank / m_worldSize, begin + n * (m_rank + 1) / m_worldSize};
}

bool DistributedGroup::broadcastTensors(const std::vector<torch::Tensor>& tensors,
                                        std::string* error) {
    if (tensors.empty()) {
        return true;
    }
    try {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> flat;
        for (const auto& t : tensors) {
            flat.push_back(t.detach().reshape(-1).to(torch::kFloat64));
        }
        std::vector<torch::Tensor> buffer{torch::cat(flat)};
        c10d::BroadcastOptions opts;
        opts.rootRank = 0;
        opts.timeout = m_timeout;
        m_impl->group->broadcast(buffer, opts)->wait();
        int64_t offset = 0;
        for (const auto& t : tensors) {
            const int64_t n = t.numel();
            t.detach().copy_(buffer[0].slice(0, offset, offset + n).view(t.sizes()));
            offset += n;
        }
        return true;
    } catch (const std::exception& e) {
        *error = peerLost("broadcast of the parameters", e);
        return false;
    }
}

bool DistributedGroup::averageGradients(const std::vector<torch::Tensor>& parameters,
                                        std::vector<double>* stats, std::string* error) {
    try {
        torch::NoGradGuard noGrad;
        const auto options = parameters.empty()
                                 ? torch::TensorOptions().device(m_impl->device)
                                 : parameters.front().options();
        // One buffer, one collective per step: every synchronisation costs a round trip (and,
        // on a busy machine, a wake-up of the peer), so gradients, the step statistics and
        // "who has a gradient" travel together (statistics in the gradients' float type:
        // counts stay exact below 2^24 inputs per step).
        std::vector<torch::Tensor> flat;
        std::vector<double> extra = *stats;
        for (const auto& p : parameters) {
            const bool defined = p.grad().defined();
            flat.push_back(defined ? p.grad().reshape(-1).to(options.dtype())
                                   : torch::zeros({p.numel()}, options));
            extra.push_back(defined ? 1.0 : 0.0);
        }
        flat.push_back(torch::tensor(extra, torch::TensorOptions().dtype(torch::kFloat64))
                           .to(options.device(), options.dtype()));
        std::vector<torch::Tensor> buffer{torch::cat(flat)};
        c10d::AllreduceOptions opts;
        opts.reduceOp = c10d::ReduceOp::SUM;
        opts.timeout = m_timeout;
        m_impl->group->allreduce(buffer, opts)->wait();

        const int64_t gradients = buffer[0].numel() - int64_t(extra.size());
        const auto summed = buffer[0].slice(0, gradients).to(torch::kCPU, torch::kFloat64);
        const double* s = summed.data_ptr<double>();
        for (size_t i = 0; i < stats->size(); ++i) {
            (*stats)[i] = s[i];
        }
        auto averaged = buffer[0].slice(0, 0, gradients).div_(double(m_worldSize));
        int64_t offset = 0;
        for (size_t i = 0; i < parameters.size(); ++i) {
            auto p = parameters[i];
            const int64_t n = p.numel();
            if (s[stats->size() + i] > 0.0) {
                auto mine = averaged.slice(0, offset, offset + n).view(p.sizes());
                if (p.grad().defined()) {
                    p.mutable_grad().copy_(mine);
                } else {
                    p.mutable_grad() = mine.to(p.dtype()).clone();
                }
            }
            offset += n;
        }
        return true;
    } catch (const std::exception& e) {
        *error = peerLost("gradient all-reduce", e);
        return false;
    }
}

bool DistributedGroup::reduceStep(const std::vector<torch::Tensor>& parameters,
                                  StepStats* stats, std::string* error) {
    if (m_termNames.empty()) {
        std::string names;
        for (const auto& [name, value] : stats->terms) {
            names += name + "\n";
        }
        if (!shareText("loss_terms", &names, error)) {
            return false;
        }
        for (size_t start = 0, nl; (nl = names.find('\n', start)) != std::string::npos;
             start = nl + 1) {
            m_termNames.push_back(names.substr(start, nl - start));
        }
    }
    std::vector<double> v{stats->loss, stats->correct, double(stats->seen),
                          stats->finite ? 0.0 : 1.0, stats->stop ? 1.0 : 0.0};
    for (const auto& name : m_termNames) {
        const auto it = stats->terms.find(name);
        v.push_back(it == stats->terms.end() ? 0.0 : it->second);
    }
    if (!averageGradients(parameters, &v, error)) {
        return false;
    }
    const double world = double(m_worldSize);
    stats->loss = v[0] / world;
    stats->correct = v[1];
    stats->seen = int64_t(v[2] + 0.5);
    stats->finite = v[3] == 0.0;
    stats->stop = v[4] > 0.0;
    stats->terms.clear();
    for (size_t i = 0; i < m_termNames.size(); ++i) {
        stats->terms[m_termNames[i]] = v[5 + i] / world;
    }
    return true;
}

bool DistributedGroup::broadcastValues(std::vector<double>* values,
                                       std::chrono::milliseconds wait, std::string* error) {
    try {
        std::vector<torch::Tensor> buffer{
            torch::tensor(*values, torch::TensorOptions().dtype(torch::kFloat64))
                .to(m_impl->device)};
        c10d::BroadcastOptions opts;
        opts.rootRank = 0;
        opts.timeout = std::max(wait, m_timeout);
        m_impl->group->broadcast(buffer, opts)->wait();
        const auto host = buffer[0].cpu();
        for (size_t i = 0; i < values->size(); ++i) {
            (*values)[i] = host.data_ptr<double>()[i];
        }
        return true;
    } catch (const std::exception& e) {
        *error = peerLost("wait for rank 0", e);
        return false;
    }
}

bool DistributedGroup::shareText(const std::string& key, std::string* text, std::string* error) {
    try {
        const std::string storeKey = "mor/" + key;
        if (m_rank == 0) {
            m_impl->store->set(storeKey, std::vector<uint8_t>(text->begin(), text->end()));
        } else {
            const auto bytes = m_impl->store->get(storeKey);
            text->assign(bytes.begin(), bytes.end());
        }
        return true;
    } catch (const std::exception& e) {
        *error = peerLost("exchange of '" + key + "'", e);
        return false;
    }
}

std::unique_ptr<DistributedGroup> joinForRun(const RunOptions& options, torch::Device* device,
                                             std::string* error) {
    error->clear();
    if (options.worldSize <= 1) {
        return nullptr;
    }
    if (device->is_cuda() && torch::cuda::device_count() > 0) {
        *device = torch::Device(torch::kCUDA,
                                int(options.localRank % int64_t(torch::cuda::device_count())));
    }
    return DistributedGroup::join(options, *device, error);
}

} // namespace mor::engine
