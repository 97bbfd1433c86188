#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Everything the GUI asks of the torch engine, behind one abstract class: training, resuming,
// tracing, counterfactuals, generation, prediction, pruning and retraining of a logged run.
// mor_widgets sees only this header (no torch, nothing to link); the executables that train
// or trace link mor_core and install mor::localEngine(), tests may install a fake.
#include "mor/config.h"
#include "mor/predictor.h"
#include "mor/pruning.h"
#include "mor/result.h"
#include "mor/retrain.h"
#include "mor/sequence.h"
#include "mor/token_trace.h"
#include "mor/trace.h"
#include "mor/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

/// What EngineInterface::predict answers: the loaded checkpoint and one Prediction per input.
struct PredictionBatch {
    ModelSummary summary;
    std::vector<Prediction> predictions;
};

/// The engine operations the GUI uses, each keyed by (log path, run id). Every method may be
/// called from a worker thread, several at once; expected failures come back as a Result
/// error or as the outcome's status "failed" with its message, never as an exception.
class EngineInterface {
public:
    virtual ~EngineInterface() = default;

    /// Trains `config` as a new run of options.logPath (progress through `observer`).
    virtual RunOutcome train(const ExperimentConfig& config, const RunOptions& options,
                             TrainingObserver* observer) = 0;
    /// Continues run `runId` of options.logPath from its last checkpoint.
    virtual RunOutcome resume(int64_t runId, const RunOptions& options,
                              TrainingObserver* observer) = 0;

    /// Reflection runs: samples `sampleIds` of the run's data set through the checkpoint at
    /// or before `step` (< 0: the last), without an intervention.
    virtual Result<std::vector<SampleTrace>>
    traceSamples(const std::string& logPath, int64_t runId, int64_t step,
                 const std::vector<int64_t>& sampleIds) = 0;
    /// Reflection runs: a full TraceRequest (typed features and/or an intervention).
    virtual Result<std::vector<SampleTrace>> traceRequest(const std::string& logPath,
                                                          int64_t runId,
                                                          const TraceRequest& request) = 0;
    /// Reflection runs: the counterfactual table of the checkpoint at or before `step`.
    virtual Result<CounterfactualTable> counterfactualTable(const std::string& logPath,
                                                            int64_t runId, int64_t step) = 0;

    /// Recursion runs: `text` through the checkpoint at `step`, one trace per token.
    virtual Result<std::vector<TokenTrace>> traceTokens(const std::string& logPath,
                                                        int64_t runId, int64_t step,
                                                        const std::string& text) = 0;
    /// Recursion runs: samples text after options.prompt from the checkpoint at options.step.
    virtual Result<GenerateResult> generate(const std::string& logPath, int64_t runId,
                                            const GenerateOptions& options) = 0;

    /// Reflection runs: loads the checkpoint `options` picks and answers `inputs` in one
    /// batch (the playground's decision map). Fails when a row has the wrong size. Values
    /// only cross this interface (no torch-backed object), so the GUI links no torch.
    virtual Result<PredictionBatch> predict(const std::string& logPath, int64_t runId,
                                            const PredictorOptions& options,
                                            const std::vector<PredictInput>& inputs) = 0;

    /// Prunes a run into a new run of the same log (`mor prune`).
    virtual Result<PruneOutcome> pruneRun(const PruneOptions& options,
                                          TrainingObserver* observer) = 0;
    /// Retrains a run on new data with a promotion decision (`mor retrain`).
    virtual Result<RetrainOutcome> retrainRun(const RetrainOptions& options,
                                              TrainingObserver* observer) = 0;
};

/// The engine of this process over mor::Run, trainExperiment, pruneRun and retrainRun: one
/// static instance, thread-safe. Defined in mor_core_api (link mor_core to call it).
EngineInterface& localEngine();

} // namespace mor
