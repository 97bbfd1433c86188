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
    m_cache.assign(static_cast<size_t>(c.recursions), {});
    for (auto& perLayer : m_cache) {
        perLayer.resize(static_cast<size_t>(c.layersPerBlock));
        for (Cache& cache : perLayer) {
            cache.k = torch::zeros({1, c.heads, m_model->maxLen(), dh}, options);
            cache.v = torch::zeros({1, c.heads, m_model->maxLen(), dh}, options);
        }
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
    return n;
}

torch::Tensor RecursionDecoder::step(int64_t token, int* depth) {
    torch::NoGradGuard noGrad;
    const auto& c = m_model->config();
    const auto device = m_model->parameters().front().device();
    const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
    auto h = m_model->embed(torch::full({1, 1}, token, longs),
                            torch::full({1, 1}, m_length, longs));
    const int64_t dh = c.dModel / c.heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
    int64_t tcDepth = c.recursions;
    torch::Tensor tcGate;
    const int64_t tokenRouteAt = m_model->tokenChoiceRecursion();
    int received = 0;
    for (int64_t r = 0; r < c.recursions; ++r) {
        torch::Tensor gate;
        if (c.routing == "expert_choice" && m_model->capacities()[static_cast<size_t>(r)] < 1.0) {
            gate = torch::sigmoid(m_model->expertRouterLogit(h));
            if (!(gate.item<double>() > c.threshold)) {
                break;
            }
        } else if (c.routing == "token_choice" && r >= tokenRouteAt) {
            if (r == tokenRouteAt) {
                auto probs = m_model->tokenRouterProbs(h).view({-1});
                tcDepth = probs.argmax().item<int64_t>() + 1;
                tcGate = probs[tcDepth - 1];
            }
            if (tcDepth <= r) {
                break;
            }
            gate = tcGate;
        }
        auto y = h;
        auto& block = m_model->layers(r);
        for (size_t l = 0; l < block.size(); ++l) {
            auto [q, k, v] = block[l]->project(y);
            const bool share = c.kvSharing && r > 0;
            Cache& cache = m_cache[static_cast<size_t>(share ? 0 : r)][l];
            if (!share) {
                cache.k.narrow(2, cache.n, 1).copy_(k);
                cache.v.narrow(2, cache.n, 1).copy_(v);
                ++cache.n;
            }
            auto K = cache.k.narrow(2, 0, cache.n);
            auto V = cache.v.narrow(2, 0, cache.n);
            auto att = torch::softmax(torch::matmul(q, K.transpose(-2, -1)) * scale, -1);
            auto out = torch::matmul(att, V).transpose(1, 2).reshape({1, 1, c.dModel});
            y = block[l]->finish(y, out);
        }
        h = gate.defined() ? h + gate * (y - h) : y;
        ++received;
    }
    ++m_length;
    if (depth) {
        *depth = received;
    }
    return m_model->headLogits(h).view({-1});
}

} // namespace mor::seq
