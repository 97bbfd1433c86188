// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_decoder.h"

#include "seq/host_batched_decoder.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace mor::seq {

namespace {

thread_local bool t_referenceForced = false;

bool referenceByEnvironment() {
    static const bool forced = [] {
        const char* value = std::getenv("MOR_DECODER_REFERENCE");
        return value != nullptr && std::strcmp(value, "1") == 0;
    }();
    return forced;
}

} // namespace

DecoderReferenceGuard::DecoderReferenceGuard() : m_previous(t_referenceForced) {
    t_referenceForced = true;
}

DecoderReferenceGuard::~DecoderReferenceGuard() {
    t_referenceForced = m_previous;
}

bool decoderReferenceForced() {
    return t_referenceForced || referenceByEnvironment();
}

RecursionDecoder::RecursionDecoder(RecursionModel model) : m_model(std::move(model)) {
    reset();
}

RecursionDecoder::~RecursionDecoder() = default;
RecursionDecoder::RecursionDecoder(RecursionDecoder&&) noexcept = default;
RecursionDecoder& RecursionDecoder::operator=(RecursionDecoder&&) noexcept = default;

void RecursionDecoder::reset() {
    // The reference path's caches are made when it first runs (resetReference); the host
    // path keeps its arrays and checks its snapshot here too (a parameter replaced, not only
    // written, shows only in the deep check).
    m_cache.clear();
    m_edgeCache.clear();
    m_length = 0;
    m_tokens.clear();
    m_hostLogits = nullptr;
    m_host.restart();
}

void RecursionDecoder::resetReference() {
    const auto fresh = [&] {
        Cache cache;
        cache.k = emptyCacheTensor(*m_model, 1);
        cache.v = emptyCacheTensor(*m_model, 1);
        return cache;
    };
    makeReferenceCaches(*m_model, fresh, &m_cache, &m_edgeCache);
}

bool RecursionDecoder::hostApplies() {
    return m_host.forStep(m_model, decoderReferenceForced()) != nullptr;
}

torch::Tensor RecursionDecoder::step(int64_t token, int* depth) {
    torch::Tensor logits;
    if (const float* host = stepLogits(token, depth, &logits)) {
        return torch::from_blob(const_cast<float*>(host), {m_model->vocab()}, torch::kFloat)
            .clone();
    }
    return logits;
}

const float* RecursionDecoder::stepLogits(int64_t token, int* depth, torch::Tensor* logits) {
    const bool host = hostApplies();
    if (host != m_onHost || (!host && m_cache.empty())) {
        // The other path holds the cached tokens (the guard changed, or the host step stopped
        // applying): this path starts again and is fed them first.
        std::vector<int64_t> history;
        history.swap(m_tokens);
        m_length = 0;
        m_onHost = host;
        if (host) {
            m_host->reset();
        } else {
            resetReference();
        }
        for (int64_t t : history) {
            stepLogits(t, nullptr, nullptr);
        }
    }
    m_tokens.push_back(token);
    if (!host) {
        m_hostLogits = nullptr;
        auto reference = referenceStep(token, depth);
        if (logits) {
            *logits = std::move(reference);
        }
        return nullptr;
    }
    m_hostLogits = m_host->step(&token, depth);
    m_length = m_host->length();
    return m_hostLogits;
}

int64_t RecursionDecoder::cachedEntries() const {
    if (m_onHost && m_host) {
        return m_host->cachedEntries(0);
    }
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

torch::Tensor RecursionDecoder::attendCached(AttentionLayer& layer, const torch::Tensor& x,
                                             Cache& cache, bool append) {
    const auto& c = m_model->config();
    const double scale = 1.0 / std::sqrt(static_cast<double>(c.dModel / c.heads));
    auto [q, k, v] = layer->project(x);
    if (append) {
        cache.k.narrow(2, cache.n, 1).copy_(k);
        cache.v.narrow(2, cache.n, 1).copy_(v);
        ++cache.n;
    }
    auto K = cache.k.narrow(2, 0, cache.n);
    auto V = cache.v.narrow(2, 0, cache.n);
    auto att = torch::softmax(torch::matmul(q, K.transpose(-2, -1)) * scale, -1);
    auto out = torch::matmul(att, V).transpose(1, 2).reshape({1, 1, c.dModel});
    return layer->finish(x, out);
}

torch::Tensor RecursionDecoder::referenceStep(int64_t token, int* depth) {
    if (m_length >= m_model->maxLen()) {
        throw std::out_of_range("the decoder holds maxLen tokens already");
    }
    torch::NoGradGuard noGrad;
    const auto& c = m_model->config();
    const auto device = m_model->parameters().front().device();
    const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
    auto h = m_model->embed(torch::full({1, 1}, token, longs),
                            torch::full({1, 1}, m_length, longs));
    if (m_model->hasEdgeLayers()) {
        h = attendCached(m_model->firstLayer(), h, m_edgeCache[0], true);
    }
    const auto h0 = h;
    const bool expertChoice = c.routing == RecursionRouting::ExpertChoice;
    const bool tokenChoice = c.routing == RecursionRouting::TokenChoice;
    // Token choice: the depth and its gate are read once, from the state entering the
    // recursions (as forward() does).
    int64_t tcDepth = c.recursions;
    torch::Tensor tcGate;
    if (tokenChoice) {
        auto gates = m_model->tokenRouterGates(h0).view({-1});
        tcGate = gates[gates.argmax().item<int64_t>()];
        tcDepth = m_model->tokenChoiceDepth(gates).item<int64_t>(); // a pruned cap clamps it
    }
    int received = 0;
    for (int64_t r = 0; r < c.recursions; ++r) {
        torch::Tensor gate;
        if (expertChoice) {
            auto logit = m_model->expertRouterLogit(h, r);
            gate = m_model->expertGate(logit);
            if (m_model->capacities()[static_cast<size_t>(r)] < 1.0 &&
                !(torch::sigmoid(logit).item<double>() > c.threshold)) {
                break;
            }
        } else if (tokenChoice && tcDepth <= r) {
            break;
        } else if (m_model->depthRouted(r)) {
            // mixture_of_depths: this block only is skipped (the token stays out of its keys),
            // and a processed token gets x + g (f(x) - x), as forward() does.
            auto logit = m_model->depthRouterLogit(h, r);
            if (!(torch::sigmoid(logit).item<double>() > c.threshold)) {
                continue;
            }
            gate = m_model->expertGate(logit);
        }
        auto y = h;
        auto& block = m_model->layers(r);
        for (size_t l = 0; l < block.size(); ++l) {
            const bool share = c.kvSharing && r > 0;
            y = attendCached(block[l], y, m_cache[static_cast<size_t>(share ? 0 : r)][l], !share);
        }
        if (gate.defined() && !expertChoice) { // mixture_of_depths
            h = h + gate * (y - h);
        } else {
            h = gate.defined() ? h + gate * y : y;
        }
        ++received;
    }
    if (tokenChoice) {
        h = h0 + tcGate * h;
    }
    if (m_model->hasEdgeLayers()) {
        h = attendCached(m_model->lastLayer(), h, m_edgeCache[1], true);
    }
    ++m_length;
    if (depth) {
        *depth = received;
    }
    return m_model->headLogits(h).view({-1});
}

} // namespace mor::seq
