// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_decoder.h"

#include <cmath>

namespace mor::seq {

RecursionDecoder::RecursionDecoder(RecursionModel model) : m_model(std::move(model)) {
    reset();
}

void RecursionDecoder::reset() {
    const auto& c = m_model->config();
    const int64_t dh = c.dModel / c.heads;
    const auto options = m_model->parameters().front().options();
    auto fresh = [&] {
        Cache cache;
        cache.k = torch::zeros({1, c.heads, m_model->maxLen(), dh}, options);
        cache.v = torch::zeros({1, c.heads, m_model->maxLen(), dh}, options);
        return cache;
    };
    m_cache.assign(static_cast<size_t>(c.recursions), {});
    for (auto& perLayer : m_cache) {
        for (int64_t l = 0; l < c.layersPerBlock; ++l) {
            perLayer.push_back(fresh());
        }
    }
    m_edgeCache.clear();
    if (m_model->hasEdgeLayers()) {
        m_edgeCache = {fresh(), fresh()};
    }
    m_length = 0;
}

int64_t RecursionDecoder::cachedEntries() const {
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

torch::Tensor RecursionDecoder::step(int64_t token, int* depth) {
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
