#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Resuming and evaluating a run already read from the log (any family); mor::Run calls these.
#include "engine/run.h"
#include "mor/result.h"
#include "mor/trainer.h"

#include <string>

namespace mor::engine {

/// Continues `run` (of the log at logPath) from its last checkpoint, or from step 0 under the
/// same id when it was killed before its first one; "failed" when it already finished.
RunOutcome resumeRun(const StoredRun& run, const std::string& logPath, const RunOptions& options,
                     TrainingObserver* observer);

/// The run's last checkpoint evaluated on its test split.
Result<RunOutcome> evaluateRun(const StoredRun& run);

} // namespace mor::engine
