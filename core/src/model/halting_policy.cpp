#include "model/halting_policy.h"

#include <stdexcept>

namespace mor::model {

HaltingPolicy::HaltingPolicy(const ExpertConfig& config)
    : m_threshold(config.haltThreshold),
      m_prior(config.ponderPrior),
      m_maxDepth(std::max<int64_t>(config.maxDepth, 1))
{
    if (config.halting == "critique") {
        m_kind = HaltingKind::Critique;
    } else if (config.halting == "pondernet") {
        m_kind = HaltingKind::PonderNet;
    } else if (config.halting == "act") {
        m_kind = HaltingKind::Act;
    } else if (config.halting == "fixed") {
        m_kind = HaltingKind::Fixed;
    } else {
        throw std::invalid_argument("model.experts[].halting: unknown policy '" + config.halting
                                    + "' (use critique, pondernet, act or fixed)");
    }
}

torch::Tensor HaltingPolicy::haltsNow(const torch::Tensor& critique, const torch::Tensor& lambda,
                                      const torch::Tensor& cumulativeLambda) const
{
    switch (m_kind) {
    case HaltingKind::Critique: return critique.detach().ge(m_threshold);
    case HaltingKind::PonderNet: return lambda.detach().ge(0.5);
    case HaltingKind::Act: return cumulativeLambda.detach().ge(m_threshold);
    case HaltingKind::Fixed: break;
    }
    return torch::zeros(critique.sizes(), critique.options().dtype(torch::kBool));
}

torch::Tensor HaltingPolicy::stepWeights(const torch::Tensor& lambdas,
                                         const torch::Tensor& critiques) const
{
    const int64_t steps = lambdas.size(0);
    switch (m_kind) {
    case HaltingKind::PonderNet: return ponderNetDistribution(lambdas);
    case HaltingKind::Act: return actWeights(lambdas, m_threshold, nullptr);
    case HaltingKind::Fixed: {
        auto w = torch::zeros_like(lambdas);
        w.select(0, steps - 1).fill_(1.0);
        return w;
    }
    case HaltingKind::Critique: break;
    }
    return torch::full_like(lambdas, 1.0 / double(steps));
}

torch::Tensor HaltingPolicy::regulariser(const torch::Tensor& lambdas,
                                         const torch::Tensor& critiques) const
{
    switch (m_kind) {
    case HaltingKind::PonderNet:
        return klToPrior(ponderNetDistribution(lambdas),
                         truncatedGeometricPrior(m_prior, lambdas.size(0), lambdas.options()));
    case HaltingKind::Act: {
        torch::Tensor cost;
        actWeights(lambdas, m_threshold, &cost);
        return cost;
    }
    case HaltingKind::Critique: {
        const auto gate = critiques.detach().ge(m_threshold).to(lambdas.scalar_type());
        return torch::binary_cross_entropy(lambdas.clamp(1e-6, 1.0 - 1e-6), gate);
    }
    case HaltingKind::Fixed: break;
    }
    return lambdas.sum() * 0.0;
}

torch::Tensor ponderNetDistribution(const torch::Tensor& lambdas)
{
    const int64_t steps = lambdas.size(0);
    const auto survive = torch::cumprod(1.0 - lambdas, 0);
    const auto before = torch::cat({torch::ones_like(lambdas.narrow(0, 0, 1)),
                                    survive.narrow(0, 0, steps - 1)},
                                   0); // prod_{j<t}(1 - lambda_j)
    if (steps == 1) {
        return before;
    }
    return torch::cat({(lambdas * before).narrow(0, 0, steps - 1), before.narrow(0, steps - 1, 1)},
                      0);
}

torch::Tensor truncatedGeometricPrior(double pi, int64_t steps, const torch::TensorOptions& options)
{
    const auto t = torch::arange(steps, options);
    auto prior = pi * torch::pow(1.0 - pi, t);
    return prior / prior.sum().clamp_min(1e-12);
}

torch::Tensor klToPrior(const torch::Tensor& p, const torch::Tensor& prior)
{
    const auto logRatio = torch::log(p.clamp_min(1e-12)) - torch::log(prior.clamp_min(1e-12))
                                                              .unsqueeze(1);
    return (p * logRatio).sum(0).mean();
}

torch::Tensor actWeights(const torch::Tensor& lambdas, double threshold, torch::Tensor* ponderCost)
{
    const int64_t steps = lambdas.size(0);
    auto reached = torch::cumsum(lambdas, 0).detach().ge(threshold);
    reached.select(0, steps - 1).fill_(true);
    const auto reachedCount = reached.to(torch::kLong).cumsum(0);
    const auto isHalt = reached.logical_and(reachedCount.eq(1));  // one-hot at N
    const auto beforeHalt = reachedCount.eq(0);                    // t < N
    const auto dtype = lambdas.scalar_type();
    const auto before = lambdas * beforeHalt.to(dtype);
    const auto remainder = 1.0 - before.sum(0);                    // R [n]
    const auto weights = before + isHalt.to(dtype) * remainder.unsqueeze(0);
    if (ponderCost) {
        const auto haltIndex = (beforeHalt.to(dtype).sum(0) + 1.0); // N (no gradient)
        *ponderCost = (haltIndex + remainder).mean();
    }
    return weights;
}

} // namespace mor::model
