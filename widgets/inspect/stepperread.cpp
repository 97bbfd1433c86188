// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/stepperread.h"

#include <algorithm>
#include <optional>

namespace inspect {

ReflectionStepperView::Read readStepperRun(std::shared_ptr<const mor::LogReader> reader,
                                           qint64 runId, bool reset, qint64 keepStep) {
    ReflectionStepperView::Read r;
    r.reset = reset;
    r.reader = reader;
    r.runId = reader ? runId : -1;
    if (reset) {
        r.settings = readRunSettings(reader.get(), r.runId);
        r.features = readRunFeatures(reader.get(), r.runId);
        const auto run = reader ? reader->run(runId) : std::optional<mor::RunSummary>();
        r.configJson = run ? run->configJson : std::string();
    }
    if (!reader) {
        return r;
    }
    r.samples = reader->samples(runId);
    r.steps = reader->traceSteps(runId);
    r.wantStep = keepStep >= 0 ? keepStep : (r.steps.empty() ? -1 : r.steps.back());
    // The step SamplePicker::setSteps() will pick: the one asked for, else the last.
    const bool have = std::find(r.steps.begin(), r.steps.end(), r.wantStep) != r.steps.end();
    r.step = have ? r.wantStep : (r.steps.empty() ? -1 : r.steps.back());
    if (r.step >= 0) {
        r.traces = reader->traces(runId, r.step);
    }
    return r;
}

} // namespace inspect
