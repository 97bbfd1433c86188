#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// What a logged reflection run answers through mor::Run: traces (with interventions) and the
// counterfactual table. The run is already read (engine::StoredRun); these load its data set
// and the checkpoint weights.
#include "engine/run.h"
#include "mor/result.h"
#include "mor/trace.h"
#include "mor/trainer.h"

#include <vector>

namespace mor::train {

/// Traces of the requested inputs of `run` (a reflection run) under request.intervention.
Result<std::vector<SampleTrace>> traceReflectionRun(const engine::StoredRun& run,
                                                    const TraceRequest& request);

/// The counterfactual table of `run`'s checkpoint at or before `step` (< 0: the last).
Result<CounterfactualTable> reflectionCounterfactualTable(const engine::StoredRun& run,
                                                          int64_t step);

} // namespace mor::train
