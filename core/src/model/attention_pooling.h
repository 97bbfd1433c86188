#pragma once
// Learned attention pooling: one query vector attends over token states; the weights are a
// softmax over the (unmasked) tokens, so the summary is a convex mix of their values.
#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

struct Pooled {
    torch::Tensor summary; ///< [B, H]
    torch::Tensor weights; ///< [B, L], rows sum to 1, 0 on masked tokens
};

class AttentionPoolingImpl : public torch::nn::Module {
public:
    explicit AttentionPoolingImpl(int64_t hidden);
    /// tokens [B, L, H]; mask bool [B, L] (true = real token) or undefined for "all real".
    /// A row without any real token pools uniformly over all of them (no NaN).
    Pooled forward(const torch::Tensor& tokens, const torch::Tensor& mask);
    /// Multiply-add FLOPs of one row of L tokens.
    double flopsPerRow(int64_t tokens) const;

    torch::Tensor query; ///< [H]: the learned query

private:
    int64_t m_hidden = 1;
    torch::nn::Linear m_key{nullptr};
    torch::nn::Linear m_value{nullptr};
};
TORCH_MODULE(AttentionPooling);

/// softmax of scores [B, L] over the tokens where mask [B, L] is true; rows without any true
/// entry get uniform weights.
torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& mask);

} // namespace mor::model
