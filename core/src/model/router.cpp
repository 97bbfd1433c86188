#include "model/router.h"

namespace mor::model {

RouterImpl::RouterImpl(const RouterOptions& options_) : options(options_)
{
    reset();
}

void RouterImpl::reset()
{
    m_hidden = register_module("hidden", torch::nn::Linear(options.inputs(), options.hidden()));
    m_out = register_module("out", torch::nn::Linear(options.hidden(), options.experts()));
    if (options.tokens() > 0) {
        m_pool = register_module("pool", AttentionPooling(options.inputs()));
    }
}

RouterOutput RouterImpl::forward(const torch::Tensor& tokens, const torch::Tensor& mask)
{
    TORCH_CHECK(!m_pool.is_empty(), "router built without token input");
    const auto pooled = m_pool->forward(tokens, mask);
    auto out = forward(pooled.summary);
    out.poolWeights = pooled.weights;
    return out;
}

RouterOutput RouterImpl::forward(const torch::Tensor& e)
{
    RouterOutput out;
    auto input = e;
    if (is_training() && options.jitter() > 0.0) {
        // Switch Transformer: multiplicative noise on the router's input keeps it from locking
        // onto one expert early.
        input = input * torch::empty_like(input).uniform_(1.0 - options.jitter(),
                                                          1.0 + options.jitter());
    }
    out.logits = m_out->forward(torch::gelu(m_hidden->forward(input)));
    const double tau = options.temperature() > 0.0 ? options.temperature() : 1.0;
    out.logProbs = torch::log_softmax(out.logits / tau, 1);
    out.probs = out.logProbs.exp();
    return out;
}

double RouterImpl::flopsPerRow() const
{
    const double pool = m_pool.is_empty() ? 0.0 : m_pool->flopsPerRow(options.tokens());
    return pool + 2.0 * double(options.hidden()) * double(options.inputs() + options.experts());
}

} // namespace mor::model
