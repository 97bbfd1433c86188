#include "model/attention_pooling.h"

#include <cmath>

namespace mor::model {

torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& mask)
{
    if (!mask.defined()) {
        return torch::softmax(scores, -1);
    }
    // A row with no real token would be all -inf; it gets uniform weights instead.
    const auto anyReal = mask.any(-1, true);
    const auto keep = mask.logical_or(anyReal.logical_not());
    const auto flat = torch::where(anyReal, scores, torch::zeros_like(scores));
    return torch::softmax(flat.masked_fill(keep.logical_not(), -1e9), -1);
}

AttentionPoolingImpl::AttentionPoolingImpl(int64_t hidden) : m_hidden(std::max<int64_t>(hidden, 1))
{
    // Zero query: pooling starts as the plain mean of the tokens and learns where to look.
    query = register_parameter("query", torch::zeros({m_hidden}));
    m_key = register_module("key", torch::nn::Linear(m_hidden, m_hidden));
    m_value = register_module("value", torch::nn::Linear(m_hidden, m_hidden));
}

Pooled AttentionPoolingImpl::forward(const torch::Tensor& tokens, const torch::Tensor& mask)
{
    Pooled out;
    const auto scores = torch::matmul(m_key->forward(tokens), query) / std::sqrt(double(m_hidden));
    out.weights = maskedSoftmax(scores, mask);
    out.summary = torch::matmul(out.weights.unsqueeze(1), m_value->forward(tokens)).squeeze(1);
    return out;
}

double AttentionPoolingImpl::flopsPerRow(int64_t tokens) const
{
    const double h = double(m_hidden);
    return double(tokens) * (2.0 * 2.0 * h * h + 2.0 * h + 2.0 * h);
}

} // namespace mor::model
