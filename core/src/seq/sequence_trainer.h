#pragma once
// The training loop of model.family "recursion" (trainExperiment / resumeExperiment
// dispatch here).
#include "mor/config.h"
#include "mor/trainer.h"

#include <string>

namespace mor::seq {

RunOutcome trainSequenceExperiment(const ExperimentConfig& config, const RunOptions& options,
                                   TrainingObserver* observer);

/// Continues a logged recursion run from its last checkpoint.
RunOutcome resumeSequenceExperiment(const std::string& logPath, int64_t runId,
                                    const RunOptions& options, TrainingObserver* observer);

/// Evaluates the last checkpoint of a recursion run on its test split.
RunOutcome evaluateSequenceRun(const std::string& logPath, int64_t runId);

/// True when the run stored in the log is a recursion run (false when unreadable).
bool isSequenceRun(const std::string& logPath, int64_t runId);

} // namespace mor::seq
