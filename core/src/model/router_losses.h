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

/// Mean entropy of the router's distribution per input, -sum_j p_j log p_j.
torch::Tensor routerEntropy(const torch::Tensor& logProbs);
/// "information" probe score as a loss: -(log q(y|x) - log qbar(y)) per row, qbar = the mean of
/// `answers` [n, C] (one expert's answer distributions) over its rows; y int64 [n]. An expert
/// that answers the same distribution for every input scores 0 whatever the label. No gradient.
torch::Tensor informationLoss(const torch::Tensor& answers, const torch::Tensor& y);
/// Probe responsibilities (the E-step of EM over the experts tried on each input, tried bool
/// [n, E]): h_j = p_j exp(-loss_j / temperature) / sum over tried, 0 elsewhere. logPrior = log p
/// [n, E] (undefined: uniform prior). Lower loss -> larger share; where the losses tie, h is the
/// router's own distribution over the tried experts, so ties move nothing. No gradient.
torch::Tensor probeTargets(const torch::Tensor& losses, const torch::Tensor& tried,
                           double temperature, const torch::Tensor& logPrior = {});
/// Router contrast: cross-entropy of the router's distribution restricted to the tried experts
/// (log-softmax of logProbs over them) against probeTargets with the router as prior, averaged
/// over the n rows. Its gradient on the restricted logits is p - h: only experts that were
/// compared on the input move, towards the one with the lower loss.
/// logPrior: the prior of the targets (undefined: logProbs itself).
torch::Tensor probeContrastLoss(const torch::Tensor& logProbs, const torch::Tensor& losses,
                                const torch::Tensor& tried, double temperature,
                                const torch::Tensor& logPrior = {});
/// log of the load correction of probe_balance: -balance * log(max(E * share_j, 0.1)) [1, E],
/// share_j = fraction of the rows of mask [B, E] routed to expert j.
torch::Tensor loadCorrection(const torch::Tensor& mask, double balance);

/// Mixture likelihood (Jacobs, Jordan, Nowlan & Hinton 1991): per row [B],
/// -log sum_j g_j exp(-loss_j), from the gate's log-probabilities logGates [B, E] and each
/// expert's own loss (-log of its likelihood of the target) losses [B, E]. Its gradient is
/// h_j on loss_j and g_j - h_j on the gate's logits, h_j = g_j exp(-loss_j) / sum (the
/// posterior responsibility): the expert already best on an input gets most of its gradient.
torch::Tensor mixtureNegLogLikelihood(const torch::Tensor& logGates, const torch::Tensor& losses);
/// Posterior responsibilities h [B, E] of mixtureNegLogLikelihood (no gradient).
torch::Tensor mixtureResponsibilities(const torch::Tensor& logGates, const torch::Tensor& losses);
/// Hard EM assignment: the expert with the lowest loss on each row, int64 [B] (ties: lower
/// index). No gradient.
torch::Tensor hardEmAssignment(const torch::Tensor& losses);

/// Balanced assignment by Sinkhorn-Knopp: from logScores [B, E] (log of the unnormalised
/// affinities), alternately scale the columns to sum B/E and the rows to sum 1, `iterations`
/// times (rows last, so rows sum to exactly 1). No gradient. Computed in double precision.
torch::Tensor sinkhornTargets(const torch::Tensor& logScores, int64_t iterations);
/// Balanced-target router loss: cross-entropy of logProbs [B, E] towards
/// sinkhornTargets(logProbs / temperature, iterations), averaged over rows.
torch::Tensor sinkhornLoss(const torch::Tensor& logProbs, int64_t iterations, double temperature);

} // namespace mor::model
