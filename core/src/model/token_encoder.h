#pragma once
// Token encoder: every feature is a token. Its value is embedded (v * a + b), its position adds a
// learned embedding, a per-token residual MLP mixes the two, and attention pooling summarises the
// sequence into the encoding e that the experts read.
#include "model/attention_pooling.h"

#include <torch/torch.h>

#include <cstdint>

namespace mor::model {

struct TokenEncoderOptions {
    TokenEncoderOptions(int64_t tokens, int64_t hidden) : tokens_(tokens), hidden_(hidden) {}
    TORCH_ARG(int64_t, tokens); ///< sequence length L (= number of features)
    TORCH_ARG(int64_t, hidden);
    TORCH_ARG(int64_t, layers) = 1; ///< per-token residual MLP blocks
    TORCH_ARG(double, dropout) = 0.0;
    TORCH_ARG(bool, padZeros) = false; ///< a feature equal to 0 is padding
};

struct TokenEncoding {
    torch::Tensor tokens;  ///< token states [B, L, H]
    torch::Tensor mask;    ///< bool [B, L]: real tokens (all true without padZeros)
    torch::Tensor summary; ///< e [B, H]
    torch::Tensor weights; ///< pooling weights [B, L]
};

class TokenEncoderImpl : public torch::nn::Module {
public:
    explicit TokenEncoderImpl(const TokenEncoderOptions& options);
    /// x [B, L] -> token states, mask and pooled summary.
    TokenEncoding forward(const torch::Tensor& x);
    double flopsPerRow() const;

    TokenEncoderOptions options;

private:
    torch::nn::Linear m_value{nullptr};
    torch::Tensor m_position;
    torch::nn::ModuleList m_blocks{nullptr};
    torch::nn::Dropout m_dropout{nullptr};
    AttentionPooling m_pool{nullptr};
};
TORCH_MODULE(TokenEncoder);

} // namespace mor::model
