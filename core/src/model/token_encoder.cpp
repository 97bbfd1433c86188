#include "model/token_encoder.h"

namespace mor::model {

namespace {

/// h + W2 gelu(W1 LayerNorm(h)), applied to every token alike.
class TokenBlockImpl : public torch::nn::Module {
public:
    explicit TokenBlockImpl(int64_t h)
    {
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({h})));
        in = register_module("in", torch::nn::Linear(h, h));
        out = register_module("out", torch::nn::Linear(h, h));
    }
    torch::Tensor forward(const torch::Tensor& x)
    {
        return x + out->forward(torch::gelu(in->forward(norm->forward(x))));
    }
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear in{nullptr};
    torch::nn::Linear out{nullptr};
};
TORCH_MODULE(TokenBlock);

} // namespace

TokenEncoderImpl::TokenEncoderImpl(const TokenEncoderOptions& options_) : options(options_)
{
    const int64_t h = std::max<int64_t>(options.hidden(), 1);
    const int64_t len = std::max<int64_t>(options.tokens(), 1);
    m_value = register_module("value", torch::nn::Linear(1, h));
    m_position = register_parameter("position", torch::randn({len, h}) * 0.5);
    m_blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < std::max<int64_t>(options.layers(), 1); ++i) {
        m_blocks->push_back(TokenBlock(h));
    }
    m_dropout = register_module("dropout", torch::nn::Dropout(options.dropout()));
    m_pool = register_module("pool", AttentionPooling(h));
}

TokenEncoding TokenEncoderImpl::forward(const torch::Tensor& x)
{
    TokenEncoding out;
    auto h = m_value->forward(x.unsqueeze(2)) + m_position.unsqueeze(0);
    for (const auto& block : *m_blocks) {
        h = block->as<TokenBlockImpl>()->forward(h);
    }
    if (options.dropout() > 0.0) {
        h = m_dropout->forward(h);
    }
    out.tokens = h;
    out.mask = options.padZeros() ? x.ne(0.0) : torch::ones_like(x, torch::kBool);
    const auto pooled = m_pool->forward(h, out.mask);
    out.summary = pooled.summary;
    out.weights = pooled.weights;
    return out;
}

double TokenEncoderImpl::flopsPerRow() const
{
    const double h = double(options.hidden());
    const double len = double(options.tokens());
    const double blocks = double(std::max<int64_t>(options.layers(), 1));
    return len * (2.0 * h + blocks * 2.0 * 2.0 * h * h) + m_pool->flopsPerRow(options.tokens());
}

} // namespace mor::model
