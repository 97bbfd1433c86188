// SPDX-License-Identifier: GPL-3.0-or-later
// mor::Run (mor/run.h): a logged run read once, and the family check in one place in front of
// what each family answers (engine: resume, evaluate; train: traces and counterfactuals; seq:
// generation and token traces; serve: weights, predictor, generator).
#include "mor/run.h"

#include "api/run_actions.h"
#include "engine/run.h"
#include "families/family_registry.h"
#include "seq/sequence_probes.h"
#include "serve/weights_export.h"
#include "train/reflection_probes.h"

namespace mor {

namespace {

/// A reflection run opened by the family registry at its checkpoint at or before `step`
/// (< 0: the last), on the run's device.
Result<engine::OpenedFamily> openReflectionAt(const engine::StoredRun& run, int64_t step) {
    try {
        torch::Device device(torch::kCPU);
        std::string error;
        if (!engine::resolveDevice(run.config.train.device, &device, &error)) {
            return Error{error};
        }
        engine::CheckpointChoice choice;
        choice.step = step;
        engine::OpenedFamily opened;
        if (!engine::openFamily(run, choice, device, &opened, &error)) {
            return Error{error};
        }
        return opened;
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what()};
    }
}

train::ReflectionFamily& reflectionOf(engine::OpenedFamily& opened) {
    return static_cast<train::ReflectionFamily&>(*opened.family);
}

} // namespace

struct Run::State {
    std::string logPath;
    engine::StoredRun stored;
};

Run::Run(std::shared_ptr<const State> state) : m(std::move(state)) {}

Result<Run> Run::open(const std::string& logPath, int64_t runId) {
    auto state = std::make_shared<State>();
    state->logPath = logPath;
    std::string error;
    try {
        if (!engine::readRun(logPath, runId, &state->stored, &error)) {
            return Error{error};
        }
    } catch (const std::exception& e) {
        return Error{"cannot read run " + std::to_string(runId) + " of " + logPath + ": " +
                     e.what()};
    }
    return Run(std::move(state));
}

int64_t Run::id() const { return m->stored.summary.id; }
const std::string& Run::logPath() const { return m->logPath; }
Family Run::family() const { return m->stored.config.model.family; }
const ExperimentConfig& Run::config() const { return m->stored.config; }
const RunSummary& Run::summary() const { return m->stored.summary; }
const std::vector<CheckpointInfo>& Run::checkpoints() const { return m->stored.checkpoints; }

std::string Run::wrongFamily(Family family, const std::string& what) const {
    if (this->family() == family) {
        return {};
    }
    return "run " + std::to_string(id()) + " is a " + familyName(this->family()) + " run; " +
           what;
}

RunOutcome Run::resume(const RunOptions& options, TrainingObserver* observer) const {
    return engine::resumeRun(m->stored, m->logPath, options, observer);
}

Result<RunOutcome> Run::evaluate() const { return engine::evaluateRun(m->stored); }

Result<std::vector<SampleTrace>> Run::trace(const TraceRequest& request) const {
    const std::string wrong = wrongFamily(
        Family::Reflection, "traces of feature inputs need a reflection run (trace text with "
                            "traceTokens, `mor generate`)");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    auto opened = openReflectionAt(m->stored, request.step);
    if (!opened) {
        return Error{opened.error()};
    }
    return train::traceReflectionRun(m->stored, reflectionOf(opened.value()), request);
}

Result<std::vector<SampleTrace>> Run::trace(int64_t step,
                                            const std::vector<int64_t>& sampleIds) const {
    TraceRequest request;
    request.step = step;
    request.sampleIds = sampleIds;
    return trace(request);
}

Result<CounterfactualTable> Run::counterfactualTable(int64_t step) const {
    const std::string wrong =
        wrongFamily(Family::Reflection, "the counterfactual table needs a reflection run");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    auto opened = openReflectionAt(m->stored, step);
    if (!opened) {
        return Error{opened.error()};
    }
    return train::reflectionCounterfactualTable(m->stored, reflectionOf(opened.value()),
                                                opened.value().checkpoint.step);
}

Result<GenerateResult> Run::generate(const GenerateOptions& options) const {
    const std::string wrong =
        wrongFamily(Family::Recursion, "only recursion (sequence) runs generate text");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    return seq::generateFromRun(m->stored, options);
}

Result<std::vector<TokenTrace>> Run::traceTokens(int64_t step, const std::string& text) const {
    const std::string wrong = wrongFamily(
        Family::Recursion, "token traces need a recursion (sequence) run (trace a sample with "
                           "trace, `mor trace`)");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    return seq::traceTextOfRun(m->stored, step, text);
}

Result<WeightExportReport> Run::exportWeights(const std::string& outPath,
                                              const WeightExportOptions& options) const {
    WeightExportReport report;
    std::string error;
    if (!serve::exportRunWeights(m->logPath, id(), outPath, options, &report, &error)) {
        return Error{error};
    }
    return report;
}

Result<std::unique_ptr<Predictor>> Run::predictor(const PredictorOptions& options) const {
    const std::string wrong = wrongFamily(
        Family::Reflection, "a predictor of feature rows needs a reflection run (sample text with "
                            "generator)");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    return Predictor::open(m->logPath, id(), options);
}

Result<std::unique_ptr<SequenceGenerator>>
Run::generator(const PredictorOptions& options) const {
    const std::string wrong =
        wrongFamily(Family::Recursion, "only recursion (sequence) runs generate text");
    if (!wrong.empty()) {
        return Error{wrong};
    }
    return SequenceGenerator::open(m->logPath, id(), options);
}

} // namespace mor
