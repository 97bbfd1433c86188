#pragma once
// One pre-norm transformer layer with causal self-attention written by hand (LibTorch 1.13 has
// no fused scaled-dot-product attention).
#include <torch/torch.h>

#include <tuple>

namespace mor::seq {

/// One pre-norm transformer layer with hand-written causal attention over explicit positions,
/// so a recursion can run on any subset of the tokens (gathered, in position order).
class AttentionLayerImpl : public torch::nn::Module {
public:
    AttentionLayerImpl(int64_t dModel, int64_t heads, int64_t ffn, double dropout);

    struct Keys {
        torch::Tensor k, v;       ///< [B, heads, m, dh]
        torch::Tensor pos;        ///< [B, m] positions of the keys
        torch::Tensor valid;      ///< [B, m] bool
    };

    /// x [B, n, d] at positions qPos [B, n] (valid [B, n]). Attends to its own keys, or to
    /// `shared` (KV sharing) when given. Returns the new states; *own receives its keys.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& qPos,
                          const torch::Tensor& valid, const Keys* shared, Keys* own);

    /// Queries/keys/values of x (after the first norm), [B, heads, n, dh] each.
    std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> project(const torch::Tensor& x);
    /// The rest of the layer once the attention output y [B, n, d] (before out-projection) is
    /// known: residual, feed-forward.
    torch::Tensor finish(const torch::Tensor& x, const torch::Tensor& y);

    int64_t heads() const { return m_heads; }

private:
    int64_t m_heads, m_dh;
    torch::nn::LayerNorm m_ln1{nullptr}, m_ln2{nullptr};
    torch::nn::Linear m_qkv{nullptr}, m_out{nullptr}, m_ff1{nullptr}, m_ff2{nullptr};
    torch::nn::Dropout m_drop{nullptr};
};
TORCH_MODULE(AttentionLayer);

} // namespace mor::seq
