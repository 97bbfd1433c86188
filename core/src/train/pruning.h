#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Pruning a reflection model's weights in place (the maths; api/prune_run.cpp makes a run of it):
// unstructured magnitude pruning over every expert weight matrix at once, per-layer row
// pruning, and retiring experts by masking their router logits. Each returns the masks that
// keep the pruned entries at zero while the engine fine-tunes (pruneHoldMasks).
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor::train {

/// name -> 0/1 tensor of the parameter's shape (0 = pruned, stays 0).
using PruneMasks = std::map<std::string, torch::Tensor>;

struct PruneReport {
    int64_t candidates = 0; ///< entries the method could prune
    int64_t pruned = 0;     ///< entries it set to zero
    PruneMasks masks;
};

/// The expert weight matrices magnitude pruning works on: 2-D parameters whose own name starts
/// with "weight" (Linear weight, GRU weight_ih / weight_hh) under expert<j>. or nested.
std::vector<std::string> pruneExpertWeightNames(torch::nn::Module& module);

/// Zeroes the floor(amount * N) entries of smallest |w| among all N entries of the expert
/// weight matrices together (ties broken by position, so the count is exact).
PruneReport pruneMagnitude(torch::nn::Module& module, double amount);

/// Per expert weight matrix that feeds hidden units (not the answer, critique or halting
/// outputs), zeroes the floor(amount * rows) rows of smallest L2 norm and their bias entries.
PruneReport pruneStructuredRows(torch::nn::Module& module, double amount);

/// The same two methods over any list of 2-D weight parameters (the recursion family names
/// its own, seq/recursion_pruning.h): magnitude over all of them together, rows per matrix
/// (with the matching "bias..." entries).
PruneReport pruneMagnitudeOf(torch::nn::Module& module, const std::vector<std::string>& names,
                             double amount);
PruneReport pruneRowsOf(torch::nn::Module& module, const std::vector<std::string>& names,
                        double amount);

/// Retires experts `dead` so their routing probability is exactly 0. Softmax router: its
/// output row gets weight 0 and bias pruneDeadExpertLogit(temperature). Gaussian gate
/// (router.gate_mean / gate_log_var / gate_prior): the expert's prior logit becomes
/// pruneDeadExpertLogit and its component is moved out of reach (mean kPruneGateFarMean in
/// every input dimension, log-variance at the floor), so its log density is below every live
/// component's for any input within |x_d| < 1e5. A reflection expert's own parameters are
/// zeroed (a nested expert shares its weights and keeps them).
PruneReport pruneRetireExperts(torch::nn::Module& module, const std::vector<int64_t>& dead,
                               double routerTemperature);
/// A logit that makes softmax(r / temperature) exactly 0 in float32.
double pruneDeadExpertLogit(double routerTemperature);
/// Where a retired Gaussian-gate component's mean is put (every input dimension).
constexpr double kPruneGateFarMean = 1e6;
/// The router's number of experts (rows of router.out or of router.gate_mean), 0 when the
/// model has neither.
int64_t pruneRouterExperts(torch::nn::Module& module);

/// Copies every parameter and buffer of `from` into `to` by name; where `to` is shorter in
/// dimension 0 (a depth cap: per-iteration embeddings) the leading rows are taken. False with
/// *error when a name is missing or the shapes cannot be mapped.
bool pruneCopyWeights(torch::nn::Module& from, torch::nn::Module& to, std::string* error);

/// Gradient hooks that multiply each masked parameter's gradient by its mask, so AdamW / Adam
/// / SGD (with their decay and momentum) leave the pruned entries exactly at zero.
void pruneHoldMasks(torch::nn::Module& module, const PruneMasks& masks);

/// Non-zero entries over all parameters.
int64_t pruneNonzeroParameters(torch::nn::Module& module);

/// Forward FLOPs per input counting only multiplications by a nonzero weight (an estimate):
/// `denseFlops` (the evaluator's) less, per reflection expert j, its steps per input
/// (activation[j] * depthPerExpert[j]) x its step FLOPs x the zero share of its weight matrices.
double pruneSparseFlops(torch::nn::Module& module, double denseFlops,
                        const std::vector<double>& activation,
                        const std::vector<double>& depthPerExpert);

} // namespace mor::train
