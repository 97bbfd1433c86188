#pragma once
// Auxiliary router losses (each an unweighted scalar).
#include <torch/torch.h>

namespace mor::model {

/// Load balance E * sum_i f_i * Pbar_i: f_i = share of all assignments going to expert i,
/// Pbar_i = mean router probability of expert i. Equals 1 for perfectly even routing.
torch::Tensor loadBalanceLoss(const torch::Tensor& probs, const torch::Tensor& mask);
/// z-loss mean(logsumexp(r)^2): keeps router logits small.
torch::Tensor routerZLoss(const torch::Tensor& logits);
/// Supervised selector: cross-entropy of the router against expert (domain % E).
torch::Tensor selectorLoss(const torch::Tensor& logProbs, const torch::Tensor& domain);

} // namespace mor::model
