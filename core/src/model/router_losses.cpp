#include "model/router_losses.h"

namespace mor::model {

torch::Tensor loadBalanceLoss(const torch::Tensor& probs, const torch::Tensor& mask)
{
    const int64_t experts = probs.size(1);
    const auto assigned = mask.to(probs.scalar_type()).sum(0);
    const auto share = assigned / assigned.sum().clamp_min(1.0);
    return double(experts) * (share * probs.mean(0)).sum();
}

torch::Tensor routerZLoss(const torch::Tensor& logits)
{
    return torch::logsumexp(logits, {1}).pow(2).mean();
}

torch::Tensor selectorLoss(const torch::Tensor& logProbs, const torch::Tensor& domain)
{
    const int64_t experts = logProbs.size(1);
    const auto target = domain.to(torch::kLong).remainder(experts);
    return torch::nll_loss(logProbs, target);
}

namespace {
// Large finite stand-in for -inf: softmax gives exactly 0 and 0 * value stays finite.
constexpr double kExcluded = -1e9;
} // namespace

torch::Tensor routerEntropy(const torch::Tensor& logProbs)
{
    return -(logProbs.exp() * logProbs).sum(1).mean();
}

torch::Tensor informationLoss(const torch::Tensor& answers, const torch::Tensor& y)
{
    const auto q = answers.detach().clamp_min(1e-12);
    const auto index = y.to(torch::kLong).unsqueeze(1);
    const auto own = q.log().gather(1, index).squeeze(1);
    const auto mean = q.mean(0, true).log().expand_as(q).gather(1, index).squeeze(1);
    return mean - own;
}

torch::Tensor probeTargets(const torch::Tensor& losses, const torch::Tensor& tried,
                           double temperature, const torch::Tensor& logPrior)
{
    const double tau = temperature > 0.0 ? temperature : 1.0;
    auto score = -losses.detach() / tau;
    if (logPrior.defined()) {
        score = score + logPrior.detach();
    }
    return torch::softmax(score.masked_fill(tried.logical_not(), kExcluded), 1);
}

torch::Tensor loadCorrection(const torch::Tensor& mask, double balance)
{
    const double experts = double(mask.size(1));
    const auto share = mask.to(torch::kFloat).mean(0, true);
    return -balance * (share * experts).clamp_min(0.1).log();
}

torch::Tensor probeContrastLoss(const torch::Tensor& logProbs, const torch::Tensor& losses,
                                const torch::Tensor& tried, double temperature,
                                const torch::Tensor& logPrior)
{
    if (logProbs.size(0) == 0) {
        return logProbs.sum() * 0.0;
    }
    const auto target =
        probeTargets(losses, tried, temperature, logPrior.defined() ? logPrior : logProbs);
    const auto restricted =
        torch::log_softmax(logProbs.masked_fill(tried.logical_not(), kExcluded), 1);
    return -(target * restricted).sum(1).mean();
}

torch::Tensor mixtureNegLogLikelihood(const torch::Tensor& logGates, const torch::Tensor& losses)
{
    return -torch::logsumexp(logGates - losses, {1});
}

torch::Tensor mixtureResponsibilities(const torch::Tensor& logGates, const torch::Tensor& losses)
{
    return torch::softmax((logGates - losses).detach(), 1);
}

torch::Tensor hardEmAssignment(const torch::Tensor& losses)
{
    return losses.detach().argmin(1);
}

torch::Tensor sinkhornTargets(const torch::Tensor& logScores, int64_t iterations)
{
    const auto scores = logScores.detach().to(torch::kDouble);
    const int64_t rows = scores.size(0);
    const int64_t experts = scores.size(1);
    if (rows == 0) {
        return scores.to(logScores.scalar_type());
    }
    // Subtract the max so exp cannot overflow; the scaling removes the constant anyway.
    auto q = (scores - scores.max()).exp().clamp_min(1e-300);
    const double column = double(rows) / double(experts);
    for (int64_t i = 0; i < iterations; ++i) {
        q = q * (column / q.sum(0, true).clamp_min(1e-300));
        q = q / q.sum(1, true).clamp_min(1e-300);
    }
    if (iterations <= 0) {
        q = q / q.sum(1, true).clamp_min(1e-300);
    }
    return q.to(logScores.scalar_type());
}

torch::Tensor sinkhornLoss(const torch::Tensor& logProbs, int64_t iterations, double temperature)
{
    if (logProbs.size(0) == 0) {
        return logProbs.sum() * 0.0;
    }
    const double tau = temperature > 0.0 ? temperature : 1.0;
    const auto target = sinkhornTargets(logProbs / tau, iterations);
    return -(target * logProbs).sum(1).mean();
}

} // namespace mor::model
