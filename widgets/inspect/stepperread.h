// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the reflection stepper reads of a run for setRun() and refresh(): plain data, read on the
// log session's view pool in a window (issue 21) and shown by ReflectionStepperView::applyRead.
#include "inspect/reflectionstepperview.h"
#include "inspect/runsettings.h"
#include "inspect/tracefeatures.h"

#include <mor/log_reader.h>

#include <memory>
#include <string>
#include <vector>

namespace inspect {

struct ReflectionStepperView::Read {
    bool reset = false; ///< a new run: its settings, features and config too
    std::shared_ptr<const mor::LogReader> reader;
    qint64 runId = -1;
    RunSettings settings;
    RunFeatures features;
    std::string configJson; ///< for the What if page
    std::vector<mor::SampleInfo> samples;
    std::vector<int64_t> steps;
    qint64 wantStep = -1; ///< the evaluation step asked for (the picker picks the last if absent)
    qint64 step = -1;     ///< the one whose traces were read
    std::vector<mor::SampleTrace> traces;
};

/// Reads run `runId` (null reader: nothing), the traces of evaluation step `keepStep` (< 0 or
/// not logged: the last one).
ReflectionStepperView::Read readStepperRun(std::shared_ptr<const mor::LogReader> reader,
                                           qint64 runId, bool reset, qint64 keepStep);

} // namespace inspect
