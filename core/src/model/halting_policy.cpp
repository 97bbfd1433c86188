#include "model/halting_policy.h"
#include "model/mixed_precision.h"

#include <cmath>
#include <stdexcept>

namespace mor::model {

namespace {

/// The steps a row used, as masks over [T, n]: every used step, the last one, those before it.
/// `used` is read as a prefix of steps per row (its count); undefined = all T steps.
struct UsedSteps {
    torch::Tensor used;       ///< bool [T, n]: t <= N_row
    torch::Tensor last;       ///< bool [T, n]: t == N_row
    torch::Tensor beforeLast; ///< bool [T, n]: t < N_row
};

UsedSteps usedSteps(const torch::Tensor& lambdas, const torch::Tensor& used)
{
    const int64_t steps = lambdas.size(0);
    const auto longOpts = lambdas.options().dtype(torch::kLong);
    const auto count = used.defined()
                           ? used.to(torch::kLong).sum(0, /*keepdim=*/true).clamp_min(1)
                           : torch::full({1, lambdas.size(1)}, steps, longOpts);
    const auto t = torch::arange(1, steps + 1, longOpts).unsqueeze(1);
    return {t.le(count), t.eq(count), t.lt(count)};
}

/// PonderNet: the mass of the halting distribution up to the step, 1 - survival, has reached
/// the quantile. One expression for reflect() and ponderNetHaltStep() so they agree exactly.
torch::Tensor massReached(const torch::Tensor& survival, const torch::Tensor& quantile)
{
    return survival.le(1.0 - quantile);
}

} // namespace

HaltingPolicy::HaltingPolicy(const ExpertConfig& config)
    : m_threshold(config.haltThreshold),
      m_prior(config.ponderPrior),
      m_actThreshold(1.0 - config.actEpsilon),
      m_maxDepth(std::max<int64_t>(config.maxDepth, 1))
{
    if (config.halting == HaltingRule::Critique) {
        m_kind = HaltingKind::Critique;
    } else if (config.halting == HaltingRule::PonderNet) {
        m_kind = HaltingKind::PonderNet;
    } else if (config.halting == HaltingRule::Act) {
        m_kind = HaltingKind::Act;
    } else if (config.halting == HaltingRule::Fixed) {
        m_kind = HaltingKind::Fixed;
    } else {
        throw std::invalid_argument("model.experts[].halting: unknown policy '" + choiceName(config.halting, haltingRuleNames())
                                    + "' (use critique, pondernet, act or fixed)");
    }
    m_sample = config.ponderHalt == PonderHalt::Sample;
}

HaltingProgress HaltingPolicy::start(const torch::Tensor& e) const
{
    const int64_t n = e.size(0);
    HaltingProgress progress;
    progress.cumulativeLambda = torch::zeros({n}, e.options());
    progress.survival = torch::ones({n}, e.options());
    progress.quantile = m_sample && m_kind == HaltingKind::PonderNet
                            ? rowQuantile(e.detach())
                            : torch::full({n}, 0.5, e.options());
    return progress;
}

torch::Tensor HaltingPolicy::haltsNow(HaltingProgress& progress, const torch::Tensor& critique,
                                      const torch::Tensor& lambda,
                                      const torch::Tensor& computed,
                                      double critiqueThreshold) const
{
    if (m_kind == HaltingKind::PonderNet || m_kind == HaltingKind::Act) {
        // Only PonderNet and ACT read the progress: critique-gated and fixed halting skip
        // these per-step ops (issue 20: every op of a reflection step counts).
        const auto l = lambda.detach();
        progress.cumulativeLambda =
            torch::where(computed, progress.cumulativeLambda + l, progress.cumulativeLambda);
        progress.survival =
            torch::where(computed, progress.survival * (1.0 - l), progress.survival);
    }
    switch (m_kind) {
    case HaltingKind::Critique:
        return critique.detach().ge(critiqueThreshold > 0.0 ? critiqueThreshold : m_threshold);
    case HaltingKind::PonderNet: return massReached(progress.survival, progress.quantile);
    case HaltingKind::Act: return progress.cumulativeLambda.ge(m_actThreshold);
    case HaltingKind::Fixed: break;
    }
    return torch::zeros(critique.sizes(), critique.options().dtype(torch::kBool));
}

torch::Tensor HaltingPolicy::stepWeights(const torch::Tensor& lambdas,
                                         const torch::Tensor& critiques,
                                         const torch::Tensor& used) const
{
    (void)critiques;
    switch (m_kind) {
    case HaltingKind::PonderNet: return ponderNetDistribution(lambdas, used);
    case HaltingKind::Act: return actWeights(lambdas, m_actThreshold, nullptr, used);
    case HaltingKind::Fixed: return usedSteps(lambdas, used).last.to(lambdas.scalar_type());
    case HaltingKind::Critique: break;
    }
    const auto mask = usedSteps(lambdas, used).used.to(lambdas.scalar_type());
    return mask / mask.sum(0, /*keepdim=*/true);
}

torch::Tensor HaltingPolicy::regulariser(const torch::Tensor& lambdas,
                                         const torch::Tensor& critiques,
                                         const torch::Tensor& used) const
{
    switch (m_kind) {
    case HaltingKind::PonderNet: {
        const auto mask = usedSteps(lambdas, used).used.to(lambdas.scalar_type());
        // The prior truncated to each row's own steps and renormalised there.
        const auto prior =
            truncatedGeometricPrior(m_prior, lambdas.size(0), lambdas.options()).unsqueeze(1)
            * mask;
        return klToPrior(ponderNetDistribution(lambdas, used),
                         prior / prior.sum(0, /*keepdim=*/true).clamp_min(1e-12));
    }
    case HaltingKind::Act: {
        torch::Tensor cost;
        actWeights(lambdas, m_actThreshold, &cost, used);
        return cost;
    }
    case HaltingKind::Critique: {
        const auto mask = usedSteps(lambdas, used).used.to(lambdas.scalar_type());
        const auto gate = critiques.detach().ge(m_threshold).to(lambdas.scalar_type());
        const auto bce = binaryCrossEntropy(lambdas.clamp(1e-6, 1.0 - 1e-6), gate,
                                            at::Reduction::None);
        return (bce * mask).sum() / mask.sum().clamp_min(1.0);
    }
    case HaltingKind::Fixed: break;
    }
    return lambdas.sum() * 0.0;
}

torch::Tensor ponderNetDistribution(const torch::Tensor& lambdas, const torch::Tensor& used)
{
    const int64_t steps = lambdas.size(0);
    const auto survive = torch::cumprod(1.0 - lambdas, 0);
    const auto before = torch::cat({torch::ones_like(lambdas.narrow(0, 0, 1)),
                                    survive.narrow(0, 0, steps - 1)},
                                   0); // prod_{j<t}(1 - lambda_j)
    const auto mask = usedSteps(lambdas, used);
    const auto dtype = lambdas.scalar_type();
    return lambdas * before * mask.beforeLast.to(dtype) + before * mask.last.to(dtype);
}

torch::Tensor truncatedGeometricPrior(double pi, int64_t steps, const torch::TensorOptions& options)
{
    const auto t = torch::arange(steps, options);
    auto prior = pi * torch::pow(1.0 - pi, t);
    return prior / prior.sum().clamp_min(1e-12);
}

torch::Tensor klToPrior(const torch::Tensor& p, const torch::Tensor& prior)
{
    const auto q = prior.dim() == 1 ? prior.unsqueeze(1) : prior;
    const auto logRatio = torch::log(p.clamp_min(1e-12)) - torch::log(q.clamp_min(1e-12));
    return (p * logRatio).sum(0).mean();
}

torch::Tensor actWeights(const torch::Tensor& lambdas, double threshold, torch::Tensor* ponderCost,
                         const torch::Tensor& used)
{
    const auto steps = usedSteps(lambdas, used);
    const auto reached = torch::cumsum(lambdas, 0).detach().ge(threshold).logical_or(steps.last)
                             .logical_and(steps.used);
    const auto reachedCount = reached.to(torch::kLong).cumsum(0);
    const auto isHalt = reached.logical_and(reachedCount.eq(1)); // one-hot at N
    const auto beforeHalt = reachedCount.eq(0);                   // t < N
    const auto dtype = lambdas.scalar_type();
    const auto before = lambdas * beforeHalt.to(dtype);
    const auto remainder = 1.0 - before.sum(0);                   // R [n]
    const auto weights = before + isHalt.to(dtype) * remainder.unsqueeze(0);
    if (ponderCost) {
        const auto haltIndex = (beforeHalt.to(dtype).sum(0) + 1.0); // N (no gradient)
        *ponderCost = (haltIndex + remainder).mean();
    }
    return weights;
}

torch::Tensor ponderNetHaltStep(const torch::Tensor& lambdas, const torch::Tensor& quantile)
{
    const int64_t steps = lambdas.size(0);
    auto halts = massReached(torch::cumprod(1.0 - lambdas.detach(), 0), quantile.unsqueeze(0));
    halts.select(0, steps - 1).fill_(true);
    // First true step: the number of steps before it, plus one.
    return halts.to(torch::kLong).cumsum(0).eq(0).to(torch::kLong).sum(0) + 1;
}

torch::Tensor rowQuantile(const torch::Tensor& e)
{
    const int64_t h = e.size(1);
    auto generator = at::detail::createCPUGenerator(0x9e3779b9);
    const auto w = torch::randn({h}, generator, torch::TensorOptions(torch::kDouble))
                       .to(e.device());
    const auto z = torch::matmul(e.to(torch::kDouble), w) * (1000.0 / std::sqrt(double(h))) + 0.5;
    return (z - torch::floor(z)).clamp(1e-6, 1.0 - 1e-6).to(e.scalar_type());
}

} // namespace mor::model
