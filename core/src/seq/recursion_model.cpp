// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_model.h"

#include <cmath>
#include <stdexcept>

namespace mor::seq {

namespace F = torch::nn::functional;

RecursionModelImpl::RecursionModelImpl(const RecursionConfig& config, int64_t vocab,
                                       int64_t maxLen)
    : m_config(config), m_vocab(vocab), m_maxLen(maxLen) {
    std::string error;
    m_capacity = recursionCapacities(config, &error);
    if (m_capacity.empty()) {
        throw std::invalid_argument(error);
    }
    const int64_t d = config.dModel;
    m_tok = register_module("tok", torch::nn::Embedding(vocab, d));
    m_pos = register_module("pos", torch::nn::Embedding(maxLen, d));
    const int64_t blocks = shared() ? 1 : config.recursions;
    for (int64_t b = 0; b < blocks; ++b) {
        std::vector<AttentionLayer> block;
        for (int64_t l = 0; l < config.layersPerBlock; ++l) {
            block.push_back(register_module(
                "block" + std::to_string(b) + "_layer" + std::to_string(l),
                AttentionLayer(d, config.heads, config.ffn, config.dropout)));
        }
        m_blocks.push_back(std::move(block));
    }
    // One router for every recursion (it reads the state, which differs per recursion), so
    // the parameter count does not grow with N_r.
    if (config.routing == "expert_choice") {
        m_expertRouter = register_module("expert_router", torch::nn::Linear(d, 1));
    } else if (config.routing == "token_choice") {
        m_tokenRouter = register_module("token_router", torch::nn::Linear(d, config.recursions));
    }
    m_lnf = register_module("lnf", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    m_head = register_module("head", torch::nn::Linear(d, vocab));
}

torch::Tensor RecursionModelImpl::embed(const torch::Tensor& ids, const torch::Tensor& positions) {
    return m_tok(ids) + m_pos(positions);
}

std::vector<AttentionLayer>& RecursionModelImpl::layers(int64_t recursion) {
    return m_blocks[static_cast<size_t>(shared() ? 0 : recursion)];
}

torch::Tensor RecursionModelImpl::headLogits(const torch::Tensor& h) {
    return m_head(m_lnf(h));
}

torch::Tensor RecursionModelImpl::expertRouterLogit(const torch::Tensor& h) {
    return m_expertRouter(h).squeeze(-1);
}

int64_t RecursionModelImpl::tokenChoiceRecursion() const {
    return m_config.recursions > 1 ? 1 : 0;
}

torch::Tensor RecursionModelImpl::tokenRouterProbs(const torch::Tensor& h) {
    return torch::softmax(m_tokenRouter(h), -1);
}

RecursionPass RecursionModelImpl::forward(const torch::Tensor& inputs, bool training, bool trace) {
    const int64_t B = inputs.size(0), T = inputs.size(1), d = m_config.dModel;
    const int64_t N = m_config.recursions;
    const auto device = inputs.device();
    auto positions = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(device))
                         .unsqueeze(0)
                         .expand({B, T});
    auto h = embed(inputs, positions);
    auto active = torch::ones({B, T}, torch::TensorOptions().dtype(torch::kBool).device(device));
    RecursionPass pass;
    pass.depth = torch::zeros({B, T}, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto aux = torch::zeros({}, h.options());
    const std::string& routing = m_config.routing;

    // Token choice: every token takes recursion 1; the router then reads the state it produced
    // (the token in its causal context, not just its embedding) and picks the total depth.
    torch::Tensor tcProbs, tcDepth, tcGate;
    const int64_t tokenRouteAt = tokenChoiceRecursion();
    auto routeTokens = [&]() {
        auto logits = m_tokenRouter(h);
        tcProbs = torch::softmax(logits, -1);
        tcDepth = tcProbs.argmax(-1) + 1; // [B, T] in 1..N
        tcGate = tcProbs.gather(-1, (tcDepth - 1).unsqueeze(-1)).squeeze(-1);
        // Switch-style balance: N * sum_i f_i * P_i (f: fraction choosing depth i).
        auto f = F::one_hot(tcDepth - 1, N).to(h.scalar_type()).mean(std::vector<int64_t>{0, 1});
        auto P = tcProbs.mean(std::vector<int64_t>{0, 1});
        auto balance = static_cast<double>(N) * (f * P).sum();
        auto z = torch::logsumexp(logits, -1).pow(2).mean();
        pass.terms["balance"] = balance.detach();
        pass.terms["z_loss"] = z.detach();
        aux = aux + m_config.balanceWeight * balance + m_config.zLossWeight * z;
    };

    std::vector<AttentionLayerImpl::Keys> firstKeys;
    torch::Tensor bce = torch::zeros({}, h.options());
    int64_t bceTerms = 0;
    for (int64_t r = 0; r < N; ++r) {
        torch::Tensor selected, gate, score;
        if (routing == "expert_choice" && m_capacity[static_cast<size_t>(r)] < 1.0) {
            auto logit = expertRouterLogit(h);
            score = torch::sigmoid(logit);
            if (training) {
                const int64_t k = std::max<int64_t>(
                    1, static_cast<int64_t>(std::lround(m_capacity[static_cast<size_t>(r)] *
                                                        static_cast<double>(T))));
                auto ranked = logit.detach().masked_fill(active.logical_not(), -1e9);
                auto top = std::get<1>(ranked.topk(std::min(k, T), -1));
                selected = torch::zeros_like(active).scatter(1, top, true).logical_and(active);
                // Auxiliary BCE: the score alone must predict the top-k choice, so inference
                // can decide token by token (causally) with a threshold.
                auto considered = active;
                bce = bce + F::binary_cross_entropy_with_logits(
                                logit.masked_select(considered),
                                selected.masked_select(considered).to(logit.scalar_type()));
                ++bceTerms;
                aux = aux + m_config.zLossWeight * logit.pow(2).masked_select(considered).mean();
            } else {
                selected = active.logical_and(score.gt(m_config.threshold));
            }
            gate = score;
        } else if (routing == "token_choice" && r >= tokenRouteAt) {
            if (r == tokenRouteAt) {
                routeTokens();
            }
            selected = active.logical_and(tcDepth.gt(r));
            gate = tcGate;
            // P(depth > r): the router's score for entering recursion r + 1.
            score = tcProbs.narrow(-1, r, N - r).sum(-1);
        } else {
            selected = active;
        }
        active = selected;
        if (trace) {
            pass.routerScores.push_back(score.defined() ? score.detach()
                                                        : active.to(h.scalar_type()));
        }
        const auto counts = active.sum(1);
        const int64_t n = counts.max().item<int64_t>();
        if (n == 0) {
            break;
        }
        // Gather the active tokens of every row in position order (padding at the end).
        auto key = active.logical_not().to(torch::kLong) * T + positions;
        auto idx = std::get<1>(key.sort(1)).narrow(1, 0, n);
        auto valid = torch::arange(n, positions.options()).unsqueeze(0).lt(counts.unsqueeze(1));
        auto qPos = torch::where(valid, idx, torch::full_like(idx, T));
        auto idx3 = idx.unsqueeze(-1).expand({B, n, d});
        auto x = h.gather(1, idx3);
        auto y = x;
        auto& block = layers(r);
        if (r == 0) {
            firstKeys.resize(block.size());
        }
        for (size_t l = 0; l < block.size(); ++l) {
            const bool share = m_config.kvSharing && r > 0;
            y = block[l]->forward(y, qPos, valid, share ? &firstKeys[l] : nullptr,
                                  r == 0 ? &firstKeys[l] : nullptr);
        }
        if (gate.defined()) {
            auto g = gate.gather(1, idx).unsqueeze(-1);
            y = x + g * (y - x);
        }
        y = torch::where(valid.unsqueeze(-1), y, x);
        h = h.scatter(1, idx3, y);
        pass.depth = pass.depth + active.to(torch::kLong);
        if (trace) {
            pass.recursionLogits.push_back(headLogits(h).detach());
        }
    }
    if (bceTerms > 0) {
        bce = bce / static_cast<double>(bceTerms);
        pass.terms["router_bce"] = bce.detach();
        aux = aux + m_config.routerWeight * bce;
    }
    pass.auxLoss = aux;
    pass.logits = headLogits(h);
    return pass;
}

int64_t parameterCount(torch::nn::Module& module) {
    int64_t n = 0;
    for (const auto& p : module.parameters()) {
        n += p.numel();
    }
    return n;
}

} // namespace mor::seq
