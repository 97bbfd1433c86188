#include "model/router.h"

#include "model/answer_only.h"

#include <cmath>

namespace mor::model {

RouterImpl::RouterImpl(const RouterOptions& options_) : options(options_)
{
    reset();
}

void RouterImpl::reset()
{
    if (options.gaussian()) {
        const int64_t e = options.experts();
        const int64_t d = options.inputs();
        m_mean = register_parameter("gate_mean", torch::randn({e, d}) * 0.1);
        // Unit variances with a little noise per component so that the components differ.
        m_logVar = register_parameter("gate_log_var", torch::randn({e, d}) * 0.3);
        m_prior = register_parameter("gate_prior", torch::zeros({e}));
        m_initialised = register_buffer("gate_initialised", torch::zeros({}, torch::kLong));
        return;
    }
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
    // Without autograd the hidden layer's GELU applies in place, without oneDNN (answer_only.h).
    out.logits = options.gaussian()
                     ? gaussianLogits(input)
                     : m_out->forward(geluWithoutAutograd(m_hidden->forward(input)));
    const double tau = options.temperature() > 0.0 ? options.temperature() : 1.0;
    out.logProbs = torch::log_softmax(out.logits / tau, 1);
    out.probs = out.logProbs.exp();
    return out;
}

torch::Tensor RouterImpl::gaussianLogits(const torch::Tensor& x)
{
    if (is_training() && m_initialised.item<int64_t>() == 0 && x.size(0) > 0) {
        // As k-means and EM for mixtures start: each component's mean at a random input.
        torch::NoGradGuard noGrad;
        const auto rows = torch::randint(0, x.size(0), {options.experts()}, torch::kLong);
        m_mean.copy_(x.detach().index_select(0, rows.to(x.device())));
        m_initialised.fill_(1);
    }
    const auto var = m_logVar.exp() + kGaussianGateVarianceFloor; // [E, D]
    const auto diff = x.unsqueeze(1) - m_mean.unsqueeze(0);       // [B, E, D]
    const auto logDensity =
        -0.5 * (diff.pow(2) / var.unsqueeze(0) + torch::log(2.0 * M_PI * var).unsqueeze(0)).sum(2);
    return torch::log_softmax(m_prior, 0).unsqueeze(0) + logDensity;
}

double RouterImpl::flopsPerRow() const
{
    if (options.gaussian()) { // difference, square, divide, add log-variance, sum; + prior
        return 5.0 * double(options.inputs()) * double(options.experts())
               + double(options.experts());
    }
    const double pool = m_pool.is_empty() ? 0.0 : m_pool->flopsPerRow(options.tokens());
    return pool + 2.0 * double(options.hidden()) * double(options.inputs() + options.experts());
}

} // namespace mor::model
