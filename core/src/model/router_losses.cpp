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

} // namespace mor::model
