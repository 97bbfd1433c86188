// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequence/sequenceread.h"

#include "sequence/depthblocks.h"

#include <mor/log_reader.h>
#include <mor/vocabulary.h>

namespace sequence {

SequenceRead readSequenceRun(std::shared_ptr<const mor::LogReader> reader, int64_t runId,
                             bool reset, bool withTraces, const std::vector<int64_t>& known,
                             bool knownComplete) {
    SequenceRead r;
    r.reset = reset;
    r.runId = reader ? runId : -1;
    r.reader = std::move(reader);
    if (!r.reader || r.runId < 0) {
        r.tracesRead = true; // nothing to read: the view shows no run
        return r;
    }
    r.steps = r.reader->tokenTraceSteps(r.runId);
    if (r.steps.empty() && !r.reader->lastError().empty()) {
        r.failed = true;
        return r;
    }
    if (!reset && knownComplete && r.steps == known) {
        r.unchanged = true; // no new evaluation step: nothing the view shows has changed
        return r;
    }
    if (!withTraces || r.steps.empty()) {
        r.tracesRead = r.steps.empty();
        return r;
    }
    for (int64_t step : r.steps) {
        auto traces = r.reader->tokenTraces(r.runId, step);
        if (traces.empty() && !r.reader->lastError().empty()) {
            r.failed = true; // half a run is never shown: the next change reads it again
            return r;
        }
        r.byStep.emplace(step, std::move(traces));
    }
    r.runVocabulary = mor::runTokenNames(*r.reader, r.runId, -1);
    if (const auto run = r.reader->run(r.runId)) {
        r.depthEvery = depthEveryOf(QByteArray::fromStdString(run->configJson));
    }
    r.tracesRead = true;
    return r;
}

} // namespace sequence
