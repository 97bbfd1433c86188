// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/host_decoder.h"

#include "model/fused_gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

namespace mor::seq {

namespace host_step {

namespace fused = mor::model::fused;

/// out = in W^T + b for one row, over weights copied (and packed) at the snapshot.
struct Linear {
    int64_t outputs = 0, inputs = 0;
    std::vector<float> weight, bias; ///< [outputs][inputs], [outputs]
    std::unique_ptr<float[]> storage;
    fused::PackedDense packed;

    void apply(const float* in, float* out) const {
        if (packed.isa != fused::GemmIsa::None) {
            fused::packedProduct(packed, in, inputs, 1, out, outputs);
            return;
        }
        for (int64_t j = 0; j < outputs; ++j) {
            const float* w = weight.data() + j * inputs;
            float acc = 0.0f;
            for (int64_t i = 0; i < inputs; ++i) {
                acc += w[i] * in[i];
            }
            out[j] = acc + bias[static_cast<size_t>(j)];
        }
    }
};

struct Norm {
    std::vector<float> gamma, beta;
    double eps = 1e-5;

    /// LayerNorm over d floats, mean and variance accumulated in double.
    void apply(const float* x, float* out) const {
        const auto d = static_cast<int64_t>(gamma.size());
        double mean = 0.0;
        for (int64_t i = 0; i < d; ++i) {
            mean += x[i];
        }
        mean /= static_cast<double>(d);
        double var = 0.0;
        for (int64_t i = 0; i < d; ++i) {
            const double c = x[i] - mean;
            var += c * c;
        }
        var /= static_cast<double>(d);
        const double rstd = 1.0 / std::sqrt(var + eps);
        for (int64_t i = 0; i < d; ++i) {
            out[i] = static_cast<float>((x[i] - mean) * rstd) * gamma[static_cast<size_t>(i)] +
                     beta[static_cast<size_t>(i)];
        }
    }
};

struct Layer {
    Norm ln1, ln2;
    Linear qkv, out, ff1, ff2;
};

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

Linear linearOf(const torch::OrderedDict<std::string, torch::Tensor>& parameters,
                const std::string& name, fused::GemmIsa isa) {
    const auto weight = parameterOf(parameters, name + ".weight");
    const auto bias = parameterOf(parameters, name + ".bias");
    if (weight.dim() != 2 || bias.numel() != weight.size(0)) {
        throw std::invalid_argument("unexpected shape of " + name);
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
    return {normOf(layer, p, "ln1"), normOf(layer, p, "ln2"), linearOf(p, "qkv", isa),
            linearOf(p, "out", isa), linearOf(p, "ff1", isa), linearOf(p, "ff2", isa)};
}

/// What stale() compares: a tensor of the model and what it was at the snapshot.
struct Watched {
    torch::Tensor tensor;
    int64_t version = 0;
    const void* data = nullptr;
    bool cpu = true;
    torch::ScalarType dtype = torch::kFloat;
};

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

float sigmoid(float x) {
    return 1.0f / (1.0f + std::exp(-x));
}

/// softmax in place: the maximum subtracted, the sum in double.
inline void softmaxInPlace(float* x, int64_t n) {
    const float top = *std::max_element(x, x + n);
    double sum = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        x[j] = std::exp(x[j] - top);
        sum += x[j];
    }
    const auto inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < n; ++j) {
        x[j] *= inv;
    }
}

// The attention loops are compiled twice, for AVX2 and for the baseline, and the loader picks
// one (function multi-versioning, as model/fused_reflect.cpp's elementwise loops).
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define MOR_HOST_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MOR_HOST_CLONES
#endif

/// Causal attention of the new token (qkv's queries) over n cached keys kT [d][maxLen] and
/// values v [maxLen][d], head by head: softmax of q.k * scale (the maximum subtracted, the sum
/// in double) -> att [d]. scores: maxLen floats of work space.
MOR_HOST_CLONES
void attendHeads(const float* qkv, const float* kT, const float* v, int64_t n, int64_t maxLen,
                 int64_t heads, int64_t dh, float* scores, float* att) {
    const int64_t d = heads * dh;
    const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(dh)));
    for (int64_t hd = 0; hd < heads; ++hd) {
        const float* q = qkv + hd * dh;
        const float* K = kT + hd * dh * maxLen;
        const float* V = v + hd * dh;
        std::fill(scores, scores + n, 0.0f);
        for (int64_t i = 0; i < dh; ++i) {
            const float qi = q[i];
            const float* row = K + i * maxLen;
            for (int64_t j = 0; j < n; ++j) {
                scores[j] += qi * row[j];
            }
        }
        for (int64_t j = 0; j < n; ++j) {
            scores[j] *= scale;
        }
        softmaxInPlace(scores, n);
        float* o = att + hd * dh;
        std::fill(o, o + dh, 0.0f);
        for (int64_t j = 0; j < n; ++j) {
            const float p = scores[j];
            const float* vj = V + j * d;
            for (int64_t i = 0; i < dh; ++i) {
                o[i] += p * vj[i];
            }
        }
    }
}

#undef MOR_HOST_CLONES

/// The step's work arrays, one allocation (offsets into HostDecoder::m_scratch).
struct Scratch {
    int64_t xn, qkv, att, tmp, ff, scores, h, h0, y, logits, routed, total;

    Scratch(int64_t d, int64_t ffn, int64_t maxLen, int64_t vocab, int64_t recursions) {
        int64_t at = 0;
        auto take = [&at](int64_t n) {
            const int64_t start = at;
            at += (n + 15) / 16 * 16; // 64-byte steps
            return start;
        };
        xn = take(d);
        qkv = take(3 * d);
        att = take(d);
        tmp = take(d);
        ff = take(ffn);
        scores = take(maxLen);
        h = take(d);
        h0 = take(d);
        y = take(d);
        logits = take(vocab);
        routed = take(std::max<int64_t>(recursions, 1));
        total = at;
    }
};

} // namespace host_step

using namespace host_step;

struct HostDecoder::Weights {
    int64_t d = 0, heads = 0, dh = 0, ffn = 0, vocab = 0, maxLen = 0, recursions = 0;
    std::vector<float> tok, pos; ///< [vocab][d], [maxLen][d]
    std::vector<Layer> layers;   ///< every distinct layer
    std::vector<std::vector<int64_t>> blocks; ///< per recursion: its layers (indices)
    int64_t first = -1, last = -1;            ///< middle_cycle's edge layers
    std::vector<Linear> routers; ///< expert/depth: per router (outputs 0: none); token: one
    Norm lnf;
    Linear head;
    RecursionRouting routing = RecursionRouting::Fixed;
    bool kvSharing = false, routerPerStep = true, softmaxGate = false;
    float alpha = 1.0f;
    double threshold = 0.5;
    std::vector<double> capacity;
    std::vector<bool> depthRouted;
    int64_t depthLimit = 0; ///< token_choice: tokenDepthLimit() at the snapshot
    std::vector<Watched> watched;
};

namespace {

std::unique_ptr<HostDecoder::Weights> snapshotOf(RecursionModelImpl& model) {
    torch::NoGradGuard noGrad;
    for (const auto& m : model.modules()) {
        if (m->is_training()) {
            return nullptr;
        }
    }
    auto w = std::make_unique<HostDecoder::Weights>();
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

} // namespace

HostDecoder::HostDecoder(RecursionModel model) : m_model(std::move(model)) {}

HostDecoder::~HostDecoder() = default;

std::unique_ptr<HostDecoder> HostDecoder::create(RecursionModel model) {
    std::unique_ptr<HostDecoder> decoder(new HostDecoder(std::move(model)));
    if (!decoder->snapshot()) {
        return nullptr;
    }
    decoder->reset();
    return decoder;
}

bool HostDecoder::snapshot() {
    auto w = snapshotOf(*m_model);
    if (!w) {
        return false;
    }
    m_w = std::move(w);
    m_vocab = m_w->vocab;
    const Scratch s(m_w->d, m_w->ffn, m_w->maxLen, m_w->vocab, m_w->recursions);
    m_scratch.assign(static_cast<size_t>(s.total), 0.0f);
    return true;
}

bool HostDecoder::stale(bool deep) const {
    for (const Watched& w : m_w->watched) {
        if (changed(w)) {
            return true;
        }
    }
    if (deep) {
        const auto now = tensorsOf(*m_model);
        if (now.size() != m_w->watched.size()) {
            return true;
        }
        for (size_t i = 0; i < now.size(); ++i) {
            if (!now[i].is_same(m_w->watched[i].tensor)) {
                return true;
            }
        }
    }
    return false;
}

void HostDecoder::reset() {
    const auto entries = static_cast<size_t>(m_w->maxLen * m_w->d);
    auto fresh = [entries] {
        Cache cache;
        cache.k.assign(entries, 0.0f);
        cache.v.assign(entries, 0.0f);
        return cache;
    };
    // Made once (a model's shapes do not change); a reset clears the counts.
    if (m_cache.empty()) {
        m_cache.assign(static_cast<size_t>(m_w->recursions), {});
        for (size_t r = 0; r < m_cache.size(); ++r) {
            for (size_t l = 0; l < m_w->blocks[r].size(); ++l) {
                m_cache[r].push_back(fresh());
            }
        }
        if (m_w->first >= 0) {
            m_edgeCache = {fresh(), fresh()};
        }
    }
    for (auto& perLayer : m_cache) {
        for (Cache& cache : perLayer) {
            cache.n = 0;
        }
    }
    for (Cache& cache : m_edgeCache) {
        cache.n = 0;
    }
    m_length = 0;
}

int64_t HostDecoder::cachedEntries() const {
    int64_t n = 0;
    for (const auto& perLayer : m_cache) {
        for (const Cache& cache : perLayer) {
            n += cache.n;
        }
    }
    for (const Cache& cache : m_edgeCache) {
        n += cache.n;
    }
    return n;
}

void HostDecoder::layerStep(int64_t layerIndex, float* x, Cache& cache, bool append) {
    const Weights& w = *m_w;
    const Layer& layer = w.layers[static_cast<size_t>(layerIndex)];
    const Scratch s(w.d, w.ffn, w.maxLen, w.vocab, w.recursions);
    float* base = m_scratch.data();
    float* xn = base + s.xn;
    float* qkv = base + s.qkv;
    float* att = base + s.att;
    float* tmp = base + s.tmp;
    float* ff = base + s.ff;
    float* scores = base + s.scores;
    const int64_t d = w.d, dh = w.dh;
    layer.ln1.apply(x, xn);
    layer.qkv.apply(xn, qkv);
    const int64_t maxLen = w.maxLen;
    if (append) {
        if (cache.n >= maxLen) {
            throw std::out_of_range("the decoder's cache is full");
        }
        // Keys transposed ([d][maxLen]: a query's scores are then axpys over the positions,
        // which vectorise), values by position ([maxLen][d]).
        for (int64_t c = 0; c < d; ++c) {
            cache.k[static_cast<size_t>(c * maxLen + cache.n)] = qkv[d + c];
        }
        std::memcpy(cache.v.data() + cache.n * d, qkv + 2 * d, sizeof(float) * size_t(d));
        ++cache.n;
    }
    attendHeads(qkv, cache.k.data(), cache.v.data(), cache.n, maxLen, w.heads, dh, scores, att);
    layer.out.apply(att, tmp);
    for (int64_t i = 0; i < d; ++i) {
        x[i] += tmp[i];
    }
    layer.ln2.apply(x, xn);
    layer.ff1.apply(xn, ff);
    fused::geluInPlace(ff, w.ffn);
    layer.ff2.apply(ff, tmp);
    for (int64_t i = 0; i < d; ++i) {
        x[i] += tmp[i];
    }
}

const float* HostDecoder::step(int64_t token, int* depth) {
    const Weights& w = *m_w;
    if (m_length >= w.maxLen) {
        throw std::out_of_range("the decoder holds maxLen tokens already");
    }
    if (token < 0 || token >= w.vocab) {
        throw std::out_of_range("token id out of the vocabulary");
    }
    const Scratch s(w.d, w.ffn, w.maxLen, w.vocab, w.recursions);
    float* base = m_scratch.data();
    float* h = base + s.h;
    float* h0 = base + s.h0;
    float* y = base + s.y;
    float* routed = base + s.routed;
    const int64_t d = w.d, N = w.recursions;
    const float* te = w.tok.data() + token * d;
    const float* pe = w.pos.data() + m_length * d;
    for (int64_t i = 0; i < d; ++i) {
        h[i] = te[i] + pe[i];
    }
    if (w.first >= 0) {
        layerStep(w.first, h, m_edgeCache[0], true);
    }
    std::copy(h, h + d, h0);
    const bool expertChoice = w.routing == RecursionRouting::ExpertChoice;
    const bool tokenChoice = w.routing == RecursionRouting::TokenChoice;
    // Token choice: the depth and its gate are read once, from the state entering the
    // recursions: argmax of the gates (the first of equal ones), clamped to the depth cap.
    int64_t tcDepth = N;
    float tcGate = 0.0f;
    if (tokenChoice) {
        w.routers.front().apply(h0, routed);
        if (w.softmaxGate) {
            softmaxInPlace(routed, N);
        }
        for (int64_t r = 0; r < N; ++r) {
            routed[r] = w.alpha * (w.softmaxGate ? routed[r] : sigmoid(routed[r]));
        }
        const int64_t chosen = std::max_element(routed, routed + N) - routed;
        tcGate = routed[chosen];
        tcDepth = std::min(chosen + 1, w.depthLimit);
    }
    int received = 0;
    for (int64_t r = 0; r < N; ++r) {
        bool gated = false;
        float gate = 0.0f;
        if (expertChoice) {
            float logit = 0.0f;
            w.routers[static_cast<size_t>(w.routerPerStep ? r : 0)].apply(h, &logit);
            const float score = sigmoid(logit);
            gate = w.alpha * score;
            gated = true;
            if (w.capacity[static_cast<size_t>(r)] < 1.0 &&
                !(static_cast<double>(score) > w.threshold)) {
                break;
            }
        } else if (tokenChoice && tcDepth <= r) {
            break;
        } else if (w.depthRouted[static_cast<size_t>(r)]) {
            // mixture_of_depths: this block only is skipped; a processed token gets
            // x + g (f(x) - x).
            float logit = 0.0f;
            w.routers[static_cast<size_t>(r)].apply(h, &logit);
            const float score = sigmoid(logit);
            if (!(static_cast<double>(score) > w.threshold)) {
                continue;
            }
            gate = w.alpha * score;
            gated = true;
        }
        std::copy(h, h + d, y);
        const auto& block = w.blocks[static_cast<size_t>(r)];
        const bool share = w.kvSharing && r > 0;
        auto& caches = m_cache[static_cast<size_t>(share ? 0 : r)];
        for (size_t l = 0; l < block.size(); ++l) {
            layerStep(block[l], y, caches[l], !share);
        }
        // expert_choice: h + g f(h); mixture_of_depths: h + g (f(h) - h); else f(h).
        for (int64_t i = 0; i < d; ++i) {
            h[i] = !gated ? y[i] : expertChoice ? h[i] + gate * y[i] : h[i] + gate * (y[i] - h[i]);
        }
        ++received;
    }
    if (tokenChoice) {
        for (int64_t i = 0; i < d; ++i) {
            h[i] = h0[i] + tcGate * h[i];
        }
    }
    if (w.last >= 0) {
        layerStep(w.last, h, m_edgeCache[1], true);
    }
    ++m_length;
    if (depth) {
        *depth = received;
    }
    float* xn = base + s.xn;
    float* logits = base + s.logits;
    w.lnf.apply(h, xn);
    w.head.apply(xn, logits);
    return logits;
}

} // namespace mor::seq
