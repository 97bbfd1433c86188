#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// What a logged reflection run answers through mor::Run: traces (with interventions) and the
// counterfactual table. The run is already read (engine::StoredRun) and opened at its
// checkpoint by the family registry (engine::openFamily: data set and weights).
#include "engine/run.h"
#include "mor/result.h"
#include "mor/trace.h"
#include "mor/trainer.h"
#include "train/reflection_family.h"

#include <vector>

namespace mor::train {

/// Traces of the requested inputs of `run` (a reflection run, opened as `family` at the
/// checkpoint request.step picks) under request.intervention.
Result<std::vector<SampleTrace>> traceReflectionRun(const engine::StoredRun& run,
                                                    ReflectionFamily& family,
                                                    const TraceRequest& request);

/// The counterfactual table of `run` opened as `family` at the checkpoint of step
/// `checkpointStep` (the one engine::openFamily chose).
Result<CounterfactualTable> reflectionCounterfactualTable(const engine::StoredRun& run,
                                                          ReflectionFamily& family,
                                                          int64_t checkpointStep);

} // namespace mor::train
