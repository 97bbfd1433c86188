#pragma once
// The Mixture-of-Recursions sequence model (Bae et al. 2025): token + position embedding ->
// [unique first layer] -> one weight-shared block applied up to N_r times (a router decides, per
// token, how many) -> [unique last layer] -> head. The bracketed layers exist with sharing
// "middle_cycle"; "cycle" repeats the block alone. Baselines in the same module: fixed depth
// (every token every recursion) and vanilla (N_r distinct blocks). Causal self-attention is
// written by hand (LibTorch 1.13 has no SDPA).
#include "mor/config.h"
#include "seq/attention_layer.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace mor::seq {

/// What forward() returns.
struct RecursionPass {
    torch::Tensor logits;                         ///< [B, T, V]
    torch::Tensor auxLoss;                        ///< scalar: weighted router losses
    std::map<std::string, torch::Tensor> terms;   ///< unweighted router loss terms
    torch::Tensor depth;                          ///< [B, T] int64: recursions received
    /// trace only: per recursion r, the router score for entering it [B, T] (0 = not scored)
    std::vector<torch::Tensor> routerScores;
    /// trace only: per recursion r, the logits if every token stopped after r [B, T, V]
    std::vector<torch::Tensor> recursionLogits;
    /// expert_choice with top-k routing: of the routed decisions (an active token at a
    /// recursion whose capacity is below 1), how many the inference rule (sigmoid score >
    /// threshold, token by token) would have made the same way.
    int64_t routedDecisions = 0;
    int64_t agreeingDecisions = 0;
    /// trace, mixture_of_depths: per block, bool [B, T]: the tokens that went through it (the
    /// others skipped it on the residual path), and the states after it [B, T, d].
    std::vector<torch::Tensor> blockSelected;
    std::vector<torch::Tensor> blockStates;
};

class RecursionModelImpl : public torch::nn::Module {
public:
    RecursionModelImpl(const RecursionConfig& config, int64_t vocab, int64_t maxLen);

    /// inputs [B, T] token ids (T <= maxLen). topK: expert-choice keeps the top-k tokens of
    /// each sequence per recursion (capacity schedule; training) and adds the auxiliary BCE;
    /// otherwise routing is causal (sigmoid score > threshold per token; inference).
    RecursionPass forward(const torch::Tensor& inputs, bool topK, bool trace = false);

    const RecursionConfig& config() const { return m_config; }
    int64_t vocab() const { return m_vocab; }
    int64_t maxLen() const { return m_maxLen; }
    int64_t recursions() const { return m_config.recursions; }
    const std::vector<double>& capacities() const { return m_capacity; }
    /// expert_choice, capacity_warmup_steps > 0: the optimizer step the next training
    /// forward belongs to (0-based; the training session sets it before each step). -1 (the
    /// default, and whatever is not the engine's training loop): no warm-up.
    void setTrainingStep(int64_t step) { m_trainingStep = step; }
    /// The fraction of tokens recursion r keeps with top-k routing: capacities()[r], or while
    /// warming up (training mode, a training step set, capacity_warmup_steps = W > 0) the
    /// official code's cosine from 1: c + (1 - c) * (1 + cos(pi * min(1, (step + 1) / W))) / 2.
    /// With capacity_hold_steps = H > 0 the first H steps keep 1 and the cosine starts after
    /// them (step - H in place of step).
    double trainingCapacity(int64_t recursion) const;
    bool shared() const {
        return m_config.routing != RecursionRouting::Vanilla &&
               m_config.routing != RecursionRouting::MixtureOfDepths;
    }
    /// mixture_of_depths: whether block r has a router (every depth_every-th block); the
    /// other blocks process every token.
    bool depthRouted(int64_t block) const;
    /// mixture_of_depths: logit of block r's router on states h [..., d] -> [...]; a token goes
    /// through the block at inference when sigmoid(logit) > threshold (causal, token by token).
    torch::Tensor depthRouterLogit(const torch::Tensor& h, int64_t block);
    /// sharing "middle_cycle": a unique layer before and after the recursions.
    bool hasEdgeLayers() const { return !m_first.is_empty(); }

    // Pieces used by the incremental (KV-cached) generator.
    torch::Tensor embed(const torch::Tensor& ids, const torch::Tensor& positions);
    AttentionLayer& firstLayer() { return m_first; } ///< null unless hasEdgeLayers()
    AttentionLayer& lastLayer() { return m_last; }   ///< null unless hasEdgeLayers()
    std::vector<AttentionLayer>& layers(int64_t recursion); ///< the block used at recursion r
    /// final norm + head of states after the last layer
    torch::Tensor headLogits(const torch::Tensor& h);
    /// expert_choice: logit of recursion r's router on states h [..., d] -> [...]
    torch::Tensor expertRouterLogit(const torch::Tensor& h, int64_t recursion);
    /// expert_choice: the gate of a selected token, gate_alpha * sigmoid(logit)
    torch::Tensor expertGate(const torch::Tensor& logit) const;
    /// token_choice: gate of each depth 1..N_r read from the state entering the recursions,
    /// h [..., d] -> [..., N_r]: gate_alpha * softmax or gate_alpha * sigmoid of the logits.
    /// The chosen depth is the argmax; its gate scales the block output once.
    torch::Tensor tokenRouterGates(const torch::Tensor& h);
    /// token_choice: the most recursions a token may receive: a pruned run's depth cap (the
    /// buffer "token_depth_cap", saved in every checkpoint; 0 = none), else recursions().
    int64_t tokenDepthLimit() const;
    /// token_choice: caps every token's depth at `cap` in training and inference (0 or >=
    /// recursions(): no cap). The router keeps its N_r gates: a token still picks the argmax
    /// depth i with gate g_i, then runs min(i, cap) recursions and leaves with
    /// h0 + g_i * f^min(i, cap)(h0); tokens that chose i <= cap are computed exactly as before.
    void setTokenDepthCap(int64_t cap);
    /// token_choice: each token's depth from its gates [..., N_r]: argmax + 1, clamped to
    /// tokenDepthLimit(); the generator (recursion_decoder) and forward() both use it.
    torch::Tensor tokenChoiceDepth(const torch::Tensor& gates) const;

private:
    /// Mixture-of-Depths (Raposo et al. 2024): forward() for routing "mixture_of_depths".
    RecursionPass forwardDepths(const torch::Tensor& inputs, bool topK, bool trace);
    torch::Tensor tokenRouterLogits(const torch::Tensor& h);
    torch::Tensor tokenGatesOf(const torch::Tensor& logits) const;

    RecursionConfig m_config;
    int64_t m_vocab, m_maxLen;
    std::vector<double> m_capacity;
    int64_t m_trainingStep = -1;
    torch::nn::Embedding m_tok{nullptr}, m_pos{nullptr};
    AttentionLayer m_first{nullptr}, m_last{nullptr};
    std::vector<std::vector<AttentionLayer>> m_blocks; ///< 1 shared block, or N_r (vanilla)
    /// expert_choice: one Linear(d, 1) per recursion (or one shared); token_choice: one
    /// Linear(d, N_r) on the state entering the recursions; mixture_of_depths: per block a
    /// Linear(d, 1), empty for the blocks that are not routed.
    std::vector<torch::nn::Linear> m_routers;
    torch::nn::LayerNorm m_lnf{nullptr};
    torch::nn::Linear m_head{nullptr};
    torch::Tensor m_depthCap; ///< token_choice: int64 scalar buffer, 0 = no cap
};
TORCH_MODULE(RecursionModel);

} // namespace mor::seq
