// SPDX-License-Identifier: GPL-3.0-or-later
// mor::localEngine() (mor/engine_interface.h): the GUI's engine interface answered in this
// process by mor::Run, trainExperiment, pruneRun and retrainRun. Each call opens the run
// afresh (a Run is cheap and the GUI asks per action), and no exception crosses the interface.
#include "mor/engine_interface.h"

#include "mor/run.h"

#include <exception>
#include <utility>

namespace mor {
namespace {

/// f() with any exception turned into the Result's message (f returns a Result).
template <typename F>
auto localEngineGuard(const char* what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::exception& e) {
        return Error{std::string(what) + ": " + e.what()};
    } catch (...) {
        return Error{std::string(what) + ": unknown error"};
    }
}

/// f() with any exception turned into a failed outcome (RunOutcome, PruneOutcome, ...).
template <typename Outcome, typename F>
Outcome localEngineOutcome(int64_t runId, F&& f) {
    try {
        return f();
    } catch (const std::exception& e) {
        Outcome failed;
        failed.runId = runId;
        failed.status = "failed";
        failed.error = e.what();
        return failed;
    }
}

class LocalEngine final : public EngineInterface {
public:
    RunOutcome train(const ExperimentConfig& config, const RunOptions& options,
                     TrainingObserver* observer) override {
        return localEngineOutcome<RunOutcome>(
            0, [&] { return trainExperiment(config, options, observer); });
    }

    RunOutcome resume(int64_t runId, const RunOptions& options,
                      TrainingObserver* observer) override {
        return localEngineOutcome<RunOutcome>(runId, [&] {
            const auto run = Run::open(options.logPath, runId);
            if (!run) {
                RunOutcome failed;
                failed.runId = runId;
                failed.status = "failed";
                failed.error = run.error();
                return failed;
            }
            return run->resume(options, observer);
        });
    }

    Result<std::vector<SampleTrace>> traceSamples(const std::string& logPath, int64_t runId,
                                                  int64_t step,
                                                  const std::vector<int64_t>& sampleIds) override {
        return localEngineGuard("tracing failed", [&] {
            return Run::open(logPath, runId).andThen(
                [&](const Run& run) { return run.trace(step, sampleIds); });
        });
    }

    Result<std::vector<SampleTrace>> traceRequest(const std::string& logPath, int64_t runId,
                                                  const TraceRequest& request) override {
        return localEngineGuard("tracing failed", [&] {
            return Run::open(logPath, runId).andThen(
                [&](const Run& run) { return run.trace(request); });
        });
    }

    Result<CounterfactualTable> counterfactualTable(const std::string& logPath, int64_t runId,
                                                    int64_t step) override {
        return localEngineGuard("the counterfactual table failed", [&] {
            return Run::open(logPath, runId).andThen(
                [&](const Run& run) { return run.counterfactualTable(step); });
        });
    }

    Result<std::vector<TokenTrace>> traceTokens(const std::string& logPath, int64_t runId,
                                                int64_t step, const std::string& text) override {
        return localEngineGuard("tracing failed", [&] {
            return Run::open(logPath, runId).andThen(
                [&](const Run& run) { return run.traceTokens(step, text); });
        });
    }

    Result<GenerateResult> generate(const std::string& logPath, int64_t runId,
                                    const GenerateOptions& options) override {
        return localEngineGuard("generation failed", [&] {
            return Run::open(logPath, runId).andThen(
                [&](const Run& run) { return run.generate(options); });
        });
    }

    Result<PredictionBatch> predict(const std::string& logPath, int64_t runId,
                                    const PredictorOptions& options,
                                    const std::vector<PredictInput>& inputs) override {
        return localEngineGuard("prediction failed", [&]() -> Result<PredictionBatch> {
            const auto predictor = Predictor::open(logPath, runId, options);
            if (!predictor) {
                return Error{predictor.error()};
            }
            PredictionBatch batch;
            batch.summary = predictor.value()->summary();
            std::string error;
            batch.predictions = predictor.value()->predict(inputs, &error);
            if (!error.empty()) {
                return Error{error};
            }
            return batch;
        });
    }

    Result<PruneOutcome> pruneRun(const PruneOptions& options,
                                  TrainingObserver* observer) override {
        return localEngineGuard("pruning failed",
                                [&] { return mor::pruneRun(options, observer); });
    }

    Result<RetrainOutcome> retrainRun(const RetrainOptions& options,
                                      TrainingObserver* observer) override {
        return localEngineGuard("retraining failed",
                                [&] { return mor::retrainRun(options, observer); });
    }
};

} // namespace

EngineInterface& localEngine() {
    static LocalEngine engine;
    return engine;
}

} // namespace mor
