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

} // namespace mor::model
