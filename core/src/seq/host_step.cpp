// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/host_step.h"

#include <cmath>
#include <map>
#include <stdexcept>

namespace mor::seq::host_step {

namespace fused = mor::model::fused;

void Linear::apply(const float* in, float* out, int64_t m) const {
    if (packed.isa != fused::GemmIsa::None) {
        fused::packedProduct(packed, in, inputs, m, out, outputs);
        return;
    }
    for (int64_t row = 0; row < m; ++row) {
        const float* x = in + row * inputs;
        float* o = out + row * outputs;
        for (int64_t j = 0; j < outputs; ++j) {
            const float* w = weight.data() + j * inputs;
            float acc = 0.0f;
            for (int64_t i = 0; i < inputs; ++i) {
                acc += w[i] * x[i];
            }
            o[j] = acc + bias[static_cast<size_t>(j)];
        }
    }
}

void Norm::apply(const float* in, float* result, int64_t m) const {
    // The mean and the variance in double, four running sums each (independent additions
    // that the compiler keeps in vector lanes) added at the end.
    const auto d = static_cast<int64_t>(gamma.size());
    const int64_t d4 = d / 4 * 4;
    for (int64_t row = 0; row < m; ++row) {
        const float* x = in + row * d;
        float* out = result + row * d;
        double s[4] = {0.0, 0.0, 0.0, 0.0};
        for (int64_t i = 0; i < d4; i += 4) {
            for (int k = 0; k < 4; ++k) {
                s[k] += x[i + k];
            }
        }
        for (int64_t i = d4; i < d; ++i) {
            s[0] += x[i];
        }
        const double mean = (s[0] + s[1] + s[2] + s[3]) / static_cast<double>(d);
        double c2[4] = {0.0, 0.0, 0.0, 0.0};
        for (int64_t i = 0; i < d4; i += 4) {
            for (int k = 0; k < 4; ++k) {
                const double c = x[i + k] - mean;
                c2[k] += c * c;
            }
        }
        for (int64_t i = d4; i < d; ++i) {
            const double c = x[i] - mean;
            c2[0] += c * c;
        }
        const double var = (c2[0] + c2[1] + c2[2] + c2[3]) / static_cast<double>(d);
        const double rstd = 1.0 / std::sqrt(var + eps);
        for (int64_t i = 0; i < d; ++i) {
            out[i] = static_cast<float>((x[i] - mean) * rstd) * gamma[static_cast<size_t>(i)] +
                     beta[static_cast<size_t>(i)];
        }
    }
}

namespace {

/// A float32 CPU tensor's values, contiguous.
std::vector<float> copyOf(const torch::Tensor& t) {
    if (!t.defined() || !t.is_cpu() || t.scalar_type() != torch::kFloat) {
        throw std::invalid_argument("not a float32 CPU tensor");
    }
    const auto c = t.detach().contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor parameterOf(const torch::OrderedDict<std::string, torch::Tensor>& parameters,
                          const std::string& name) {
    const auto* found = parameters.find(name);
    if (found == nullptr) {
        throw std::invalid_argument("no parameter " + name);
    }
    return *found;
}

/// The Linear `name`, or its first `outputs` outputs where that is given (> 0).
Linear linearOf(const torch::OrderedDict<std::string, torch::Tensor>& parameters,
                const std::string& name, fused::GemmIsa isa, int64_t outputs = 0) {
    auto weight = parameterOf(parameters, name + ".weight");
    auto bias = parameterOf(parameters, name + ".bias");
    if (weight.dim() != 2 || bias.numel() != weight.size(0) || outputs > weight.size(0)) {
        throw std::invalid_argument("unexpected shape of " + name);
    }
    if (outputs > 0) {
        weight = weight.narrow(0, 0, outputs);
        bias = bias.narrow(0, 0, outputs);
    }
    Linear l;
    l.outputs = weight.size(0);
    l.inputs = weight.size(1);
    l.weight = copyOf(weight);
    l.bias = copyOf(bias);
    if (isa != fused::GemmIsa::None) {
        const size_t floats = fused::packedFloats(l.outputs, l.inputs, isa);
        l.storage.reset(new float[floats + 16]);
        const auto address = reinterpret_cast<uintptr_t>(l.storage.get());
        auto* aligned = reinterpret_cast<float*>((address + 63) & ~uintptr_t(63));
        l.packed = fused::packWeightRows(l.weight.data(), l.inputs, l.outputs, l.inputs,
                                         l.bias.data(), isa, aligned);
    }
    return l;
}

Norm normOf(torch::nn::Module& owner,
            const torch::OrderedDict<std::string, torch::Tensor>& parameters,
            const std::string& name) {
    Norm n;
    n.gamma = copyOf(parameterOf(parameters, name + ".weight"));
    n.beta = copyOf(parameterOf(parameters, name + ".bias"));
    for (const auto& child : owner.named_children()) {
        if (child.key() == name) {
            const auto ln = std::dynamic_pointer_cast<torch::nn::LayerNormImpl>(child.value());
            if (!ln || ln->options.normalized_shape().size() != 1 ||
                !ln->options.elementwise_affine()) {
                throw std::invalid_argument(name + " is not a LayerNorm over the last dimension");
            }
            n.eps = ln->options.eps();
        }
    }
    return n;
}

Layer layerOf(AttentionLayerImpl& layer, fused::GemmIsa isa) {
    const auto p = layer.named_parameters();
    Layer l{normOf(layer, p, "ln1"), normOf(layer, p, "ln2"), linearOf(p, "qkv", isa),
            linearOf(p, "out", isa),   linearOf(p, "ff1", isa), linearOf(p, "ff2", isa),
            Linear{}};
    if (l.qkv.outputs % 3 != 0) {
        throw std::invalid_argument("unexpected shape of qkv");
    }
    l.q = linearOf(p, "qkv", isa, l.qkv.outputs / 3);
    return l;
}

bool changed(const Watched& w) {
    const auto& t = w.tensor;
    return t._version() != w.version || t.data_ptr() != w.data || t.is_cpu() != w.cpu ||
           t.scalar_type() != w.dtype;
}

/// Every parameter and buffer of the model, in the module order.
std::vector<torch::Tensor> tensorsOf(const RecursionModelImpl& model) {
    auto all = model.parameters();
    const auto buffers = model.buffers();
    all.insert(all.end(), buffers.begin(), buffers.end());
    return all;
}

} // namespace

std::unique_ptr<Weights> snapshotOf(RecursionModelImpl& model) {
    torch::NoGradGuard noGrad;
    for (const auto& m : model.modules()) {
        if (m->is_training()) {
            return nullptr;
        }
    }
    auto w = std::make_unique<Weights>();
    for (const auto& t : tensorsOf(model)) {
        if (!t.is_cpu() || (t.scalar_type() != torch::kFloat && t.scalar_type() != torch::kLong)) {
            return nullptr;
        }
        w->watched.push_back({t, t._version(), t.data_ptr(), t.is_cpu(), t.scalar_type()});
    }
    const auto& c = model.config();
    const auto isa = fused::packedGemmIsa();
    try {
        w->d = c.dModel;
        w->heads = c.heads;
        w->dh = c.dModel / c.heads;
        w->ffn = c.ffn;
        w->vocab = model.vocab();
        w->maxLen = model.maxLen();
        w->recursions = c.recursions;
        const auto all = model.named_parameters();
        w->tok = copyOf(parameterOf(all, "tok.weight"));
        w->pos = copyOf(parameterOf(all, "pos.weight"));
        std::map<const AttentionLayerImpl*, int64_t> index;
        auto layerIndex = [&](AttentionLayer& layer) {
            const auto [it, added] =
                index.emplace(layer.get(), static_cast<int64_t>(w->layers.size()));
            if (added) {
                w->layers.push_back(layerOf(*layer, isa));
            }
            return it->second;
        };
        if (model.hasEdgeLayers()) {
            w->first = layerIndex(model.firstLayer());
            w->last = layerIndex(model.lastLayer());
        }
        for (int64_t r = 0; r < c.recursions; ++r) {
            std::vector<int64_t> block;
            for (auto& layer : model.layers(r)) {
                block.push_back(layerIndex(layer));
            }
            w->blocks.push_back(std::move(block));
            w->depthRouted.push_back(model.depthRouted(r));
        }
        w->lnf = normOf(model, all, "lnf");
        w->head = linearOf(all, "head", isa);
        w->routing = c.routing;
        if (c.routing == RecursionRouting::ExpertChoice) {
            const int64_t routers = c.routerPerStep ? c.recursions : 1;
            for (int64_t r = 0; r < routers; ++r) {
                w->routers.push_back(linearOf(
                    all, c.routerPerStep ? "expert_router" + std::to_string(r) : "expert_router",
                    isa));
            }
        } else if (c.routing == RecursionRouting::TokenChoice) {
            w->routers.push_back(linearOf(all, "token_router", isa));
        } else if (c.routing == RecursionRouting::MixtureOfDepths) {
            for (int64_t r = 0; r < c.recursions; ++r) {
                w->routers.push_back(w->depthRouted[static_cast<size_t>(r)]
                                         ? linearOf(all, "depth_router" + std::to_string(r), isa)
                                         : Linear());
            }
        }
        w->kvSharing = c.kvSharing;
        w->routerPerStep = c.routerPerStep;
        w->softmaxGate = c.gate == RecursionGate::Softmax;
        w->alpha = static_cast<float>(c.gateAlpha);
        w->threshold = c.threshold;
        w->capacity = model.capacities();
        w->depthLimit = c.routing == RecursionRouting::TokenChoice ? model.tokenDepthLimit()
                                                                   : c.recursions;
        if (w->tok.size() != static_cast<size_t>(w->vocab * w->d) ||
            w->pos.size() != static_cast<size_t>(w->maxLen * w->d) ||
            w->head.outputs != w->vocab || w->dh * w->heads != w->d) {
            return nullptr;
        }
    } catch (const std::invalid_argument&) {
        return nullptr; // a layout this step does not know: the reference path runs it
    }
    return w;
}

bool staleSnapshot(const Weights& w, const RecursionModelImpl& model, bool deep) {
    for (const Watched& watched : w.watched) {
        if (changed(watched)) {
            return true;
        }
    }
    if (deep) {
        const auto now = tensorsOf(model);
        if (now.size() != w.watched.size()) {
            return true;
        }
        for (size_t i = 0; i < now.size(); ++i) {
            if (!now[i].is_same(w.watched[i].tensor)) {
                return true;
            }
        }
    }
    return false;
}

void SequenceCache::reset(const Weights& w) {
    const auto entries = static_cast<size_t>(w.maxLen * w.d);
    auto fresh = [entries] {
        Cache cache;
        cache.k.assign(entries, 0.0f);
        cache.v.assign(entries, 0.0f);
        return cache;
    };
    if (blocks.empty()) {
        blocks.assign(static_cast<size_t>(w.recursions), {});
        for (size_t r = 0; r < blocks.size(); ++r) {
            // KV sharing: every recursion after the first attends to the first one's keys and
            // values (host_rows.cpp), so only recursion 0 holds storage; the others' caches
            // stay empty (a quarter of the memory, and of the zero-filling, at 4 recursions).
            const bool own = r == 0 || !w.kvSharing;
            for (size_t l = 0; l < w.blocks[r].size(); ++l) {
                blocks[r].push_back(own ? fresh() : Cache{});
            }
        }
        if (w.first >= 0) {
            edge = {fresh(), fresh()};
        }
    }
    for (auto& perLayer : blocks) {
        for (Cache& cache : perLayer) {
            cache.n = 0;
        }
    }
    for (Cache& cache : edge) {
        cache.n = 0;
    }
}

int64_t SequenceCache::entries() const {
    int64_t n = 0;
    for (const auto& perLayer : blocks) {
        for (const Cache& cache : perLayer) {
            n += cache.n;
        }
    }
    for (const Cache& cache : edge) {
        n += cache.n;
    }
    return n;
}

} // namespace mor::seq::host_step
