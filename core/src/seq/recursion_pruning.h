#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The recursion family's side of `mor prune` and `mor retrain` (api/prune_run.cpp,
// api/retrain_run.cpp make runs of it): which weights of a Mixture-of-Recursions model are
// pruned, the config of a depth cap, the measures (accuracy, loss, mean depth, FLOPs per
// token) and per-sequence scores for the paired retraining comparison.
#include "mor/config.h"
#include "mor/evaluation.h"
#include "mor/pruning.h"
#include "seq/recursion_family.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mor::seq {

/// The weight matrices magnitude pruning works on: every 2-D "weight" of the recursion
/// blocks' layers (block<b>_layer<l>.{qkv,out,ff1,ff2}.weight). The embeddings, the unique
/// first/last layers of middle_cycle, the routers and the head are kept.
std::vector<std::string> recursionPruneWeightNames(torch::nn::Module& module);

/// The matrices whose rows structured pruning removes: each block layer's ff1 (a row is one
/// feed-forward hidden unit; with its bias entry its ff2 input is GELU(0) = 0).
std::vector<std::string> recursionPruneUnitNames(torch::nn::Module& module);

/// model.recursion capped at `cap` recursions (an explicit capacity list keeps its first
/// `cap` fractions). Expert choice, fixed, vanilla and mixture_of_depths: a token the router
/// would send deeper stops at the cap (the later routers / blocks are dropped). Token choice:
/// the config is kept (the router keeps its N_r gates) and recursionApplyDepthCap clamps each
/// token's chosen depth to the cap in the built model. False with *error when the cap is not
/// below the run's depth (or a token-choice model's present cap).
bool recursionCapDepth(RecursionConfig& config, int64_t cap, std::string* note,
                       std::string* error);

/// The model side of a depth cap, after the child's weights are in place: token choice sets
/// the model's "token_depth_cap" buffer (saved with every checkpoint, so training, evaluation,
/// tracing and generation of the child never run a token deeper than `cap`); the other
/// routings need nothing (recursionCapDepth shortened their config). False with *error when
/// `family` is not a recursion model.
bool recursionApplyDepthCap(engine::ModelFamily& family, int64_t cap, std::string* error);

/// The test measures of a recursion model: accuracy and loss per scored token, mean depth,
/// parameters (all / nonzero) and the forward FLOPs per token (an estimate, see the .cpp),
/// dense and less the multiplications by zero weights of the recursion blocks.
PruneMeasure recursionPruneMeasure(RecursionFamily& family, const EvalResult& test);

/// Per sequence of `split`: the share of its scored tokens (target >= 0) that the model
/// predicts right (causal routing, as evaluation). Sequences without a scored token are left
/// out, so both runs of a paired comparison must use the same split.
std::vector<double> recursionSequenceAccuracy(RecursionModel& model,
                                              const data::SequenceSplit& split,
                                              int64_t batchSize);

} // namespace mor::seq
