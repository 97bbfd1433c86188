#pragma once
// What an evaluation pass of MoRModel computes besides the answer (issue 20).
#include "model/thread_flag.h"
#include "model/integration.h"

#include <torch/torch.h>

#include <vector>

namespace mor::model {

struct ExpertPass;

/// Evaluation detail, per thread. By default (true) an eval-mode pass also computes what
/// evaluation, calibration, traces and the tests read: ForwardOutput::stepPreds (the fused
/// prediction at every step), with labels the critique's calibration inputs, and every
/// expert's per-step values ([T, n] logits, critiques, lambdas of ExpertRun). A caller that
/// reads only the answer, steps, routing and FLOPs (serving, the adaptive-depth benchmark)
/// turns it off for a scope: then halted rows cost nothing after their halting step, not even
/// in the bookkeeping (a critique-gated run saves wall time in proportion to the steps).
/// A pass with labels, a trace and a counterfactual pass always compute the detail.
bool evalDetail();

/// The calling thread's switch behind evalDetail() (default on).
bool& evalDetailFlag();
/// EvalDetailGuard(false): no evaluation detail on this thread while alive.
using EvalDetailGuard = ScopedThreadFlag<evalDetailFlag>;

/// ForwardOutput::stepPreds: int64 [maxDepth, B], the fused prediction if every expert answered
/// at step min(t, its halt). `experts` as the pass left them (rows and runs with [T_j, n] probs
/// and held critiques); gates and mask [B, E].
torch::Tensor fusedStepPredictions(IntegrationImpl& integration,
                                   const std::vector<ExpertPass>& experts,
                                   const torch::Tensor& gates, const torch::Tensor& mask,
                                   int64_t maxDepth, int64_t classes);

} // namespace mor::model
