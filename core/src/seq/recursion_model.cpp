// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_model.h"

#include "mor/router_scores.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mor::seq {

namespace F = torch::nn::functional;

namespace {

/// What every forward starts from: each token's position [B, T], the all-true token mask, and
/// the embedded states, through the unique first layer where the model has one.
struct ForwardStart {
    torch::Tensor positions, everyToken, h;
};

ForwardStart startForward(RecursionModelImpl& model, const torch::Tensor& inputs) {
    const int64_t B = inputs.size(0), T = inputs.size(1);
    const auto device = inputs.device();
    ForwardStart s;
    s.positions = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(device))
                      .unsqueeze(0)
                      .expand({B, T});
    s.everyToken = torch::ones({B, T}, torch::TensorOptions().dtype(torch::kBool).device(device));
    s.h = model.embed(inputs, s.positions);
    if (model.hasEdgeLayers()) {
        s.h = model.firstLayer()->forward(s.h, s.positions, s.everyToken, nullptr, nullptr);
    }
    return s;
}

} // namespace

RecursionModelImpl::RecursionModelImpl(const RecursionConfig& config, int64_t vocab,
                                       int64_t maxLen)
    : m_config(config), m_vocab(vocab), m_maxLen(maxLen) {
    std::string error;
    m_capacity = recursionCapacities(config, &error);
    if (m_capacity.empty()) {
        throw std::invalid_argument(error);
    }
    const int64_t d = config.dModel;
    auto layer = [&] { return AttentionLayer(d, config.heads, config.ffn, config.dropout); };
    m_tok = register_module("tok", torch::nn::Embedding(vocab, d));
    m_pos = register_module("pos", torch::nn::Embedding(maxLen, d));
    if (config.embeddingStd > 0.0) {
        // e.g. N(0, 0.02), as the official code's Llama base (initializer_range); LibTorch's
        // N(0, 1) makes the embeddings dwarf every layer's output at the start.
        torch::NoGradGuard noGrad;
        m_tok->weight.normal_(0.0, config.embeddingStd);
        m_pos->weight.normal_(0.0, config.embeddingStd);
    }
    // Middle-cycle (Bae et al. 2025, Sec. 2.1): the first and the last layer keep their own
    // weights, only the layers between them are shared across recursions. With vanilla the
    // same layout gives the depth-matched baseline (every layer distinct).
    if (config.sharing == RecursionSharing::MiddleCycle) {
        m_first = register_module("first_layer", layer());
    }
    const int64_t blocks = shared() ? 1 : config.recursions;
    for (int64_t b = 0; b < blocks; ++b) {
        std::vector<AttentionLayer> block;
        for (int64_t l = 0; l < config.layersPerBlock; ++l) {
            block.push_back(register_module(
                "block" + std::to_string(b) + "_layer" + std::to_string(l), layer()));
        }
        m_blocks.push_back(std::move(block));
    }
    if (config.sharing == RecursionSharing::MiddleCycle) {
        m_last = register_module("last_layer", layer());
    }
    // Expert choice: each recursion step has its own router (it decides which of the tokens
    // still active go on, and its gate scales that step's output). Token choice: one router
    // reads the state entering the recursions and picks the whole depth at once.
    if (config.routing == RecursionRouting::ExpertChoice) {
        const int64_t routers = config.routerPerStep ? config.recursions : 1;
        for (int64_t r = 0; r < routers; ++r) {
            m_routers.push_back(register_module(
                config.routerPerStep ? "expert_router" + std::to_string(r) : "expert_router",
                torch::nn::Linear(d, 1)));
        }
    } else if (config.routing == RecursionRouting::TokenChoice) {
        m_routers.push_back(
            register_module("token_router", torch::nn::Linear(d, config.recursions)));
        // A depth cap set by `mor prune --method depth` travels with the weights (checkpoints
        // written before it existed load with 0 = none, RecursionFamily::bufferMayBeMissing).
        m_depthCap = register_buffer("token_depth_cap", torch::zeros({}, torch::kLong));
    } else if (config.routing == RecursionRouting::MixtureOfDepths) {
        // Mixture-of-Depths: a scalar router per routed block (Raposo et al. 2024, Sec. 3.1).
        for (int64_t r = 0; r < config.recursions; ++r) {
            m_routers.push_back(depthRouted(r) ? register_module("depth_router" + std::to_string(r),
                                                                 torch::nn::Linear(d, 1))
                                               : torch::nn::Linear(nullptr));
        }
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

torch::Tensor RecursionModelImpl::expertRouterLogit(const torch::Tensor& h, int64_t recursion) {
    const auto i = static_cast<size_t>(m_config.routerPerStep ? recursion : 0);
    return m_routers[i](h).squeeze(-1);
}

torch::Tensor RecursionModelImpl::expertGate(const torch::Tensor& logit) const {
    return m_config.gateAlpha * torch::sigmoid(logit);
}

torch::Tensor RecursionModelImpl::tokenRouterLogits(const torch::Tensor& h) {
    return m_routers.front()(h);
}

torch::Tensor RecursionModelImpl::tokenRouterGates(const torch::Tensor& h) {
    return tokenGatesOf(tokenRouterLogits(h));
}

torch::Tensor RecursionModelImpl::tokenGatesOf(const torch::Tensor& logits) const {
    return m_config.gateAlpha *
           (m_config.gate == RecursionGate::Softmax ? torch::softmax(logits, -1) : torch::sigmoid(logits));
}

int64_t RecursionModelImpl::tokenDepthLimit() const {
    const int64_t cap = m_depthCap.defined() ? m_depthCap.item<int64_t>() : 0;
    return cap > 0 && cap < m_config.recursions ? cap : m_config.recursions;
}

void RecursionModelImpl::setTokenDepthCap(int64_t cap) {
    if (!m_depthCap.defined()) {
        throw std::invalid_argument("a depth cap of the router's choice needs token_choice routing");
    }
    torch::NoGradGuard noGrad;
    m_depthCap.fill_(cap > 0 && cap < m_config.recursions ? cap : 0);
}

torch::Tensor RecursionModelImpl::tokenChoiceDepth(const torch::Tensor& gates) const {
    return (gates.argmax(-1) + 1).clamp_max(tokenDepthLimit());
}

bool RecursionModelImpl::depthRouted(int64_t block) const {
    return m_config.routing == RecursionRouting::MixtureOfDepths &&
           depthBlockHasRouter(m_config.depthEvery, block);
}

torch::Tensor RecursionModelImpl::depthRouterLogit(const torch::Tensor& h, int64_t block) {
    return m_routers[static_cast<size_t>(block)](h).squeeze(-1);
}

double RecursionModelImpl::trainingCapacity(int64_t recursion) const {
    const double c = m_capacity[static_cast<size_t>(recursion)];
    const int64_t W = m_config.capacityWarmupSteps;
    const int64_t H = m_config.capacityHoldSteps;
    if ((W <= 0 && H <= 0) || m_trainingStep < 0 || !is_training() || c >= 1.0) {
        return c;
    }
    if (m_trainingStep < H) {
        return 1.0; // the hold: every token runs every recursion
    }
    if (W <= 0) {
        return c;
    }
    // Capacity warm-up of the official code (expert_choice_router.py, cap_warmup_step): its
    // step counter is 1 at the first training forward; ours is the engine's 0-based step,
    // counted from the end of the hold.
    const double ratio = std::min(1.0, static_cast<double>(m_trainingStep - H + 1) /
                                           static_cast<double>(W));
    return c + (1.0 - c) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * ratio));
}

RecursionPass RecursionModelImpl::forward(const torch::Tensor& inputs, bool topK, bool trace) {
    if (m_config.routing == RecursionRouting::MixtureOfDepths) {
        return forwardDepths(inputs, topK, trace);
    }
    const int64_t B = inputs.size(0), T = inputs.size(1), d = m_config.dModel;
    const int64_t N = m_config.recursions;
    const auto device = inputs.device();
    const ForwardStart start = startForward(*this, inputs);
    const torch::Tensor& positions = start.positions;
    const torch::Tensor& everyToken = start.everyToken;
    auto h = start.h;
    const auto h0 = h;
    auto active = everyToken;
    RecursionPass pass;
    pass.depth = torch::zeros({B, T}, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto aux = torch::zeros({}, h.options());
    const RecursionRouting routing = m_config.routing;
    const bool expertChoice = routing == RecursionRouting::ExpertChoice;
    const bool tokenChoice = routing == RecursionRouting::TokenChoice;

    // Token choice (Bae et al. 2025, Sec. 2.2.1 and the official code): one router reads the
    // state entering the recursions and picks each token's depth i (argmax). The token then
    // runs i recursions ungated and leaves with h0 + g_i * f^i(h0): the chosen depth's gate
    // scales its last block output once, depth-1 tokens included.
    torch::Tensor tcDepth, tcGate, tcShare;
    int64_t tcLimit = N;
    if (tokenChoice) {
        auto logits = tokenRouterLogits(h0);
        auto gates = tokenGatesOf(logits);
        // The router's choice i (argmax, 1..N) and its gate g_i; a depth cap (pruning) clamps
        // the recursions run to min(i, cap) and leaves the gate and the losses on i.
        const auto chosen = gates.argmax(-1); // [B, T] in 0..N-1
        tcLimit = tokenDepthLimit();
        tcDepth = tokenChoiceDepth(gates); // [B, T] in 1..tcLimit
        tcGate = gates.gather(-1, chosen.unsqueeze(-1)).squeeze(-1);
        tcShare = gates / gates.sum(-1, true); // the trace's depth distribution
        // Switch-style balance as in the official code: N * sum_i f_i * P_i (f: fraction
        // choosing depth i, P: mean gate of depth i).
        auto f = F::one_hot(chosen, N).to(h.scalar_type()).mean(std::vector<int64_t>{0, 1});
        auto P = gates.mean(std::vector<int64_t>{0, 1});
        auto balance = static_cast<double>(N) * (f * P).sum();
        auto z = torch::logsumexp(logits, -1).pow(2).mean();
        pass.terms["balance"] = balance.detach();
        pass.terms["z_loss"] = z.detach();
        aux = aux + m_config.balanceWeight * balance + m_config.zLossWeight * z;
    }
    // What the model outputs for chain states h (token choice adds the gated last output to
    // the state entering the recursions).
    auto outputLogits = [&](const torch::Tensor& chain) {
        auto out = tokenChoice ? h0 + tcGate.unsqueeze(-1) * chain : chain;
        if (m_last) {
            out = m_last->forward(out, positions, everyToken, nullptr, nullptr);
        }
        return headLogits(out);
    };

    std::vector<AttentionLayerImpl::Keys> firstKeys;
    torch::Tensor bce = torch::zeros({}, h.options());
    int64_t bceTerms = 0;
    for (int64_t r = 0; r < N; ++r) {
        torch::Tensor selected, gate, score;
        if (expertChoice) {
            const double capacity = topK ? trainingCapacity(r) : m_capacity[static_cast<size_t>(r)];
            auto logit = expertRouterLogit(h, r);
            score = torch::sigmoid(logit);
            gate = expertGate(logit);
            const auto byThreshold = active.logical_and(score.gt(m_config.threshold));
            if (capacity >= 1.0) {
                selected = active;
            } else if (topK) {
                const int64_t k = std::max<int64_t>(
                    1, static_cast<int64_t>(std::lround(capacity * static_cast<double>(T))));
                auto ranked = logit.detach().masked_fill(active.logical_not(), -1e9);
                auto top = std::get<1>(ranked.topk(std::min(k, T), -1));
                selected = torch::zeros_like(active).scatter(1, top, true).logical_and(active);
                pass.routedDecisions += active.sum().item<int64_t>();
                pass.agreeingDecisions +=
                    byThreshold.eq(selected).logical_and(active).sum().item<int64_t>();
            } else {
                selected = byThreshold;
            }
            if (topK) {
                // Auxiliary BCE (the official "aux_loss" sampling): the score alone must
                // predict the top-k choice, so inference can decide token by token (causally)
                // with a threshold.
                bce = bce + F::binary_cross_entropy_with_logits(
                                logit.masked_select(active),
                                selected.masked_select(active).to(logit.scalar_type()));
                ++bceTerms;
                aux = aux + m_config.zLossWeight * logit.pow(2).masked_select(active).mean();
            }
        } else if (tokenChoice) {
            selected = active.logical_and(tcDepth.gt(r));
            // P(depth > r): the router's share for entering recursion r + 1 (0 past a cap).
            score = r < tcLimit ? tcShare.narrow(-1, r, N - r).sum(-1)
                                : torch::zeros_like(tcGate);
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
        if (expertChoice) {
            // Bae et al. 2025 eq. (expert choice) and the official code: a selected token
            // becomes g * f(h) + h, f being the whole block (its layers keep their residuals).
            y = x + gate.gather(1, idx).unsqueeze(-1) * y;
        }
        y = torch::where(valid.unsqueeze(-1), y, x);
        h = h.scatter(1, idx3, y);
        pass.depth = pass.depth + active.to(torch::kLong);
        if (trace) {
            pass.recursionLogits.push_back(outputLogits(h).detach());
        }
    }
    if (bceTerms > 0) {
        bce = bce / static_cast<double>(bceTerms);
        pass.terms["router_bce"] = bce.detach();
        aux = aux + m_config.routerWeight * bce;
    }
    pass.auxLoss = aux;
    pass.logits = outputLogits(h);
    return pass;
}

RecursionPass RecursionModelImpl::forwardDepths(const torch::Tensor& inputs, bool topK,
                                                bool trace) {
    const int64_t B = inputs.size(0), T = inputs.size(1), d = m_config.dModel;
    const int64_t N = m_config.recursions;
    const auto device = inputs.device();
    const ForwardStart start = startForward(*this, inputs);
    const torch::Tensor& positions = start.positions;
    const torch::Tensor& everyToken = start.everyToken;
    auto h = start.h;
    RecursionPass pass;
    pass.depth = torch::zeros({B, T}, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto aux = torch::zeros({}, h.options());
    torch::Tensor bce = torch::zeros({}, h.options());
    int64_t bceTerms = 0;
    const int64_t k = std::clamp<int64_t>(
        std::lround(m_config.depthCapacity * static_cast<double>(T)), 1, T);
    auto outputLogits = [&](const torch::Tensor& states) {
        auto out = states;
        if (m_last) {
            out = m_last->forward(out, positions, everyToken, nullptr, nullptr);
        }
        return headLogits(out);
    };
    for (int64_t r = 0; r < N; ++r) {
        const bool routed = depthRouted(r);
        torch::Tensor selected = everyToken, gate, score;
        if (routed) {
            const auto logit = depthRouterLogit(h, r);
            score = torch::sigmoid(logit);
            gate = expertGate(logit);
            const auto byThreshold = score.gt(m_config.threshold);
            if (topK) {
                // Training: each sequence's top-C tokens by router weight (not causal), and the
                // auxiliary BCE that teaches the score alone to predict that choice, so that
                // inference can decide token by token with the threshold (Sec. 3.5).
                const auto top = std::get<1>(logit.detach().topk(k, -1));
                selected = torch::zeros_like(everyToken).scatter(1, top, true);
                pass.routedDecisions += B * T;
                pass.agreeingDecisions += byThreshold.eq(selected).sum().item<int64_t>();
                bce = bce + F::binary_cross_entropy_with_logits(
                                logit, selected.to(logit.scalar_type()));
                ++bceTerms;
                aux = aux + m_config.zLossWeight * logit.pow(2).mean();
            } else {
                selected = byThreshold;
            }
        }
        if (trace) {
            pass.routerScores.push_back(routed ? score.detach() : selected.to(h.scalar_type()));
            pass.blockSelected.push_back(selected);
        }
        const auto counts = selected.sum(1);
        const int64_t n = counts.max().item<int64_t>();
        if (n > 0) {
            // Only the selected tokens are gathered (in position order) and computed; they
            // attend only to each other, the others skip the block on the residual path.
            auto key = selected.logical_not().to(torch::kLong) * T + positions;
            auto idx = std::get<1>(key.sort(1)).narrow(1, 0, n);
            auto valid = torch::arange(n, positions.options()).unsqueeze(0).lt(counts.unsqueeze(1));
            auto qPos = torch::where(valid, idx, torch::full_like(idx, T));
            auto idx3 = idx.unsqueeze(-1).expand({B, n, d});
            auto x = h.gather(1, idx3);
            auto y = x;
            for (auto& layer : layers(r)) {
                y = layer->forward(y, qPos, valid, nullptr, nullptr);
            }
            if (routed) {
                // x + r * f(x): the block's residual branch scaled by the router weight, so
                // the router learns from the task loss.
                y = x + gate.gather(1, idx).unsqueeze(-1) * (y - x);
            }
            y = torch::where(valid.unsqueeze(-1), y, x);
            h = h.scatter(1, idx3, y);
        }
        pass.depth = pass.depth + selected.to(torch::kLong);
        if (trace) {
            pass.blockStates.push_back(h.detach());
            pass.recursionLogits.push_back(outputLogits(h).detach());
        }
    }
    if (bceTerms > 0) {
        bce = bce / static_cast<double>(bceTerms);
        pass.terms["router_bce"] = bce.detach();
        aux = aux + m_config.routerWeight * bce;
    }
    pass.auxLoss = aux;
    pass.logits = outputLogits(h);
    return pass;
}

} // namespace mor::seq
