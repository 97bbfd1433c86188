#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// A logged run, opened once: everything the CLI, the GUI and the server do with a trained
// run (resume, evaluate, trace, counterfactuals, generate, export weights, serve) starts here
// instead of at free functions that each re-read the log. No torch types.
#include "mor/config.h"
#include "mor/log_reader.h"
#include "mor/predictor.h"
#include "mor/result.h"
#include "mor/sequence.h"
#include "mor/token_trace.h"
#include "mor/trace.h"
#include "mor/trainer.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mor {

/// A run of an experiment log: its config, family, status and checkpoints, read once by
/// open(). Cheap to copy (the copies share the read state); the methods that load weights
/// load them per call, so a Run may be used from several threads at once.
///
/// Every method returns its answer or a message (Result). A method that does not apply to
/// the run's model family fails with "run N is a <family> run; ..." naming what to use.
/// `step` everywhere picks the latest checkpoint at or before it; < 0 means the last one.
class Run {
public:
    /// Reads the run's row, config and checkpoints. Fails when the log cannot be opened, the
    /// run is not in it ("run N is not in <log>") or its stored config is not valid.
    static Result<Run> open(const std::string& logPath, int64_t runId);

    int64_t id() const;
    const std::string& logPath() const;
    Family family() const;
    const ExperimentConfig& config() const;
    /// The run's row as it was when the run was opened.
    const RunSummary& summary() const;
    /// Its step checkpoints, by step (best.pt is not among them).
    const std::vector<CheckpointInfo>& checkpoints() const;

    /// Continues the run from its last checkpoint (from step 0 under the same id when it was
    /// killed before the first one). Fails (status "failed") when it already finished.
    RunOutcome resume(const RunOptions& options, TrainingObserver* observer) const;

    /// Re-evaluates the last checkpoint on the test split (any family). Training measures
    /// test/* on best.pt; RunOutcome::testCheckpoint names the file each one used.
    Result<RunOutcome> evaluate() const;

    /// Reflection runs: full traces of samples of the run's data set (or typed feature rows)
    /// through the checkpoint at request.step, under request.intervention (none: the plain
    /// trace). Used by the stepper, `mor trace` and the what-if view.
    Result<std::vector<SampleTrace>> trace(const TraceRequest& request) const;
    /// trace() of samples of the data set without an intervention.
    Result<std::vector<SampleTrace>> trace(int64_t step, const std::vector<int64_t>& sampleIds) const;

    /// Reflection runs: the counterfactual table (test accuracy under forced halting, vetoed
    /// experts, fixed routes) of the checkpoint at `step`.
    Result<CounterfactualTable> counterfactualTable(int64_t step = -1) const;

    /// Recursion runs: samples text from the checkpoint at options.step.
    Result<GenerateResult> generate(const GenerateOptions& options) const;
    /// Recursion runs: `text` through the checkpoint at `step` with causal routing, one trace
    /// per token (targets = the next character; the last has none). Text longer than the
    /// model's context is cut to its last tokens.
    Result<std::vector<TokenTrace>> traceTokens(int64_t step, const std::string& text) const;

    /// Writes the weights of the run's checkpoint (either family) as a TorchScript archive
    /// that Python loads with torch.jit.load and `mor serve --weights` reads back (float32:
    /// the names and values torch::save writes for the model).
    Result<WeightExportReport> exportWeights(const std::string& outPath,
                                             const WeightExportOptions& options = {}) const;

    /// Reflection runs: the checkpoint loaded once for answering batches of feature rows.
    Result<std::unique_ptr<Predictor>> predictor(const PredictorOptions& options = {}) const;
    /// Recursion runs: the checkpoint loaded once for sampling with the KV cache.
    Result<std::unique_ptr<SequenceGenerator>>
    generator(const PredictorOptions& options = {}) const;

private:
    struct State;
    explicit Run(std::shared_ptr<const State> state);
    /// Empty when the run is of `family`, else "run N is a <family> run; <what>".
    std::string wrongFamily(Family family, const std::string& what) const;

    std::shared_ptr<const State> m;
};

} // namespace mor
