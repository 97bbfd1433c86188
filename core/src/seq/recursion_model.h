#pragma once
// The Mixture-of-Recursions sequence model: token + position embedding -> one weight-shared
// transformer block applied up to N_r times (a router decides, per token, how many) -> head.
// Baselines in the same module: fixed depth (every token every recursion) and vanilla
// (N_r distinct blocks). Causal self-attention is written by hand (LibTorch 1.13 has no SDPA).
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
    /// trace only: per recursion r, head(states after r) [B, T, V]
    std::vector<torch::Tensor> recursionLogits;
};

class RecursionModelImpl : public torch::nn::Module {
public:
    RecursionModelImpl(const RecursionConfig& config, int64_t vocab, int64_t maxLen);

    /// inputs [B, T] token ids (T <= maxLen). training: expert-choice keeps the top-k tokens
    /// of each sequence per recursion (capacity schedule) and adds the auxiliary BCE; otherwise
    /// routing is causal (sigmoid score > threshold per token).
    RecursionPass forward(const torch::Tensor& inputs, bool training, bool trace = false);

    const RecursionConfig& config() const { return m_config; }
    int64_t vocab() const { return m_vocab; }
    int64_t maxLen() const { return m_maxLen; }
    int64_t recursions() const { return m_config.recursions; }
    const std::vector<double>& capacities() const { return m_capacity; }
    bool shared() const { return m_config.routing != "vanilla"; }

    // Pieces used by the incremental (KV-cached) generator.
    torch::Tensor embed(const torch::Tensor& ids, const torch::Tensor& positions);
    std::vector<AttentionLayer>& layers(int64_t recursion); ///< the block used at recursion r
    torch::Tensor headLogits(const torch::Tensor& h);
    /// expert_choice: router logit of states h [..., d] -> [...]
    torch::Tensor expertRouterLogit(const torch::Tensor& h);
    /// token_choice: the recursion (0-based) before which the router picks each token's depth:
    /// 1 (after every token's first recursion), or 0 when N_r = 1.
    int64_t tokenChoiceRecursion() const;
    /// token_choice: softmax over depths 1..N_r of h [..., d] -> [..., N_r]
    torch::Tensor tokenRouterProbs(const torch::Tensor& h);

private:
    RecursionConfig m_config;
    int64_t m_vocab, m_maxLen;
    std::vector<double> m_capacity;
    torch::nn::Embedding m_tok{nullptr}, m_pos{nullptr};
    std::vector<std::vector<AttentionLayer>> m_blocks; ///< 1 shared block, or N_r (vanilla)
    torch::nn::Linear m_expertRouter{nullptr}, m_tokenRouter{nullptr};
    torch::nn::LayerNorm m_lnf{nullptr};
    torch::nn::Linear m_head{nullptr};
};
TORCH_MODULE(RecursionModel);

/// Trainable parameters of a module.
int64_t parameterCount(torch::nn::Module& module);

} // namespace mor::seq
