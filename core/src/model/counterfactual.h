#pragma once
// Counterfactual passes (issue 19): what a MoR model would have computed under an
// Intervention (force halting, more steps, vetoed experts, a forced routing, no critique
// feedback). MoRModelImpl::run applies these; the plain pass is the empty intervention.
#include "model/halting_policy.h"
#include "model/reflection_expert.h"
#include "mor/trainer.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mor::model {

class MoRModelImpl;

/// "" when `intervention` fits a model of `experts` experts, else what to fix.
std::string checkIntervention(const Intervention& intervention, int64_t experts);

/// The routing part (route, then veto) applied to a pass's mask (bool [B, E]) and gates
/// ([B, E]); `probs` is the router's p. Vetoed experts leave the selection; a row left empty
/// gets the most probable remaining expert. With `renormalize` the gates keep their total.
void interveneRouting(const Intervention& intervention, const torch::Tensor& probs,
                      bool renormalize, torch::Tensor& mask, torch::Tensor& gates);

/// ReflectionExpertImpl::reflect under the expert part of `intervention` (forceHalt,
/// extraSteps, noCritiqueFeedback), eval only; without one it is reflect() itself. Every row
/// runs every step (a counterfactual is for inspection, not for speed); `computed` and
/// `iterations` say what an inference run would have computed.
ExpertRun reflectUnder(ReflectionExpertImpl& expert, const torch::Tensor& e,
                       const HaltingPolicy& policy, const Intervention& intervention,
                       const TokenMemory& memory);

/// Accuracy (and mean expert-steps) of `model` under `intervention` on x [N, F] / y [N], in
/// batches of `batchSize`.
CounterfactualRow evaluateUnder(MoRModelImpl& model, const torch::Tensor& x,
                                const torch::Tensor& y, const torch::Tensor& domain,
                                const Intervention& intervention, int64_t batchSize);

/// The rows of CounterfactualTable on x / y (see there); `maxDepth` and `bestExpert` are set.
std::vector<CounterfactualRow> counterfactualRows(MoRModelImpl& model, const torch::Tensor& x,
                                                  const torch::Tensor& y,
                                                  const torch::Tensor& domain,
                                                  int64_t batchSize, int64_t* maxDepth,
                                                  int* bestExpert);

} // namespace mor::model
