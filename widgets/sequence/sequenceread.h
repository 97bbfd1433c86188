// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One read of a run's token traces for the Sequence view, on the log session's view pool (issue
// 21): the view never reads the log on the GUI thread, where another process holding the log
// (a WAL reader stuck in recovery holds every read mark; SQLite then retries for ~10 s before it
// gives up) would freeze the window.
#include "sequence/sequencestats.h"

#include <mor/token_trace.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace mor {
class LogReader;
}

namespace sequence {

struct SequenceRead {
    bool reset = false;     ///< a newly asked run (else a re-read of the one shown)
    bool failed = false;    ///< the log did not answer: what is shown stays
    bool unchanged = false; ///< the run shown, with the same evaluation steps: nothing to apply
    bool tracesRead = false; ///< byStep holds every step's traces (else only `steps` was read)
    std::shared_ptr<const mor::LogReader> reader;
    int64_t runId = -1;
    std::vector<int64_t> steps;
    std::map<int64_t, std::vector<mor::TokenTrace>> byStep;
    Vocabulary runVocabulary; ///< mor::runTokenNames of its last checkpoint
    int depthEvery = 1;       ///< its config's model.recursion.depth_every (depthEveryOf)
};

/// Reads run `runId`'s evaluation steps with token traces and, with `withTraces`, every step's
/// traces and the run's vocabulary. `known` (with `knownComplete`: all their traces are held) is
/// what the view shows: a re-read that finds the same steps is `unchanged`. Thread-safe: reads
/// only through `reader`. With no reader or run it returns an empty, successful read.
SequenceRead readSequenceRun(std::shared_ptr<const mor::LogReader> reader, int64_t runId,
                             bool reset, bool withTraces, const std::vector<int64_t>& known,
                             bool knownComplete);

} // namespace sequence
