#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// What the one training engine needs from a model family (the reflection classifier, the
// recursion sequence model, the next one): build from a config, a forward pass with its named
// loss terms for a batch of training rows, an evaluation of a split into a metric map, traces
// of the probe inputs, and any extra checkpoint state. Everything else (optimizer, schedule,
// accumulation, clipping, NaN checks, evaluation cadence, early stop, checkpoints, resume,
// data-parallel training, devices, progress) is the engine's (engine/training_session.cpp).
#include "mor/config.h"
#include "mor/evaluation.h"
#include "mor/experiment_log.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mor::engine {

enum class Split { Validation, Test };

/// One forward pass over a micro-batch of training rows.
struct BatchLoss {
    torch::Tensor total;                        ///< scalar that is backpropagated (a mean over rows)
    std::map<std::string, torch::Tensor> terms; ///< named loss terms, logged train/loss/<name>
    double correct = 0.0;  ///< rows answered right (sequences: each row's share of right targets)
    /// Further train metrics of this batch (train/<name>; averaged over the accumulated
    /// micro-batches, rank 0's values when data-parallel).
    std::map<std::string, double> metrics;
};

class ModelFamily {
public:
    virtual ~ModelFamily() = default;

    virtual Family family() const = 0;
    /// The network whose parameters the engine optimises and checkpoints.
    virtual torch::nn::Module& module() = 0;

    /// The training rows of epoch `epoch`, in the order they are used (a function of the seed
    /// and the epoch only, so a resumed run and every data-parallel rank see the same order).
    virtual std::vector<int64_t> epochOrder(int64_t epoch) const = 0;
    /// Called before the forward passes of optimizer step `step` (0-based over the whole
    /// run, so a resumed run continues where it stopped): schedules inside the model.
    virtual void beginStep(int64_t step) { (void)step; }
    /// Forward pass (training mode) over some rows of an epoch order.
    virtual BatchLoss forward(const std::vector<int64_t>& rows) = 0;
    /// Training mode (dropout, the raw critic) or evaluation mode (the calibrated critic).
    virtual void setTraining(bool training) = 0;
    /// Evaluates a split in evaluation mode: the summary (accuracy picks the best checkpoint)
    /// and, in EvalResult::metrics, every log metric prefixed "val/" or "test/". `capture`
    /// (validation with a log): keep what logTraces() writes (routing snapshots) from this pass.
    virtual EvalResult evaluate(Split split, bool capture) = 0;
    /// Writes the traces of the probe inputs (and what the last validation pass captured).
    virtual void logTraces(ExperimentLog& log, int64_t runId, int64_t step) = 0;

    /// Run name (when the config has none), data set name and family tags for the log.
    virtual RunInfo runInfo() const = 0;
    /// The samples the log keeps for the GUI (probe inputs, routing snapshot inputs).
    virtual std::vector<SampleInfo> samples() const = 0;

    /// Extra checkpoint state next to `checkpointPath` (written before the weights).
    virtual bool saveState(const std::string& checkpointPath, std::string* error) {
        return true;
    }
    /// Reads what saveState wrote; called after the weights were loaded.
    virtual bool loadState(const std::string& checkpointPath, std::string* error) {
        return true;
    }
    /// Called after the session put earlier weights and buffers back from memory (the best
    /// validation's, for the test split): refresh what the family derives from them.
    virtual void weightsRestored() {}
    /// Buffers an older checkpoint may lack (they keep their default).
    virtual bool bufferMayBeMissing(const std::string& name) const { return false; }
};

/// `rows` shuffled by (seed, epoch) only.
std::vector<int64_t> shuffledRows(std::vector<int64_t> rows, int64_t seed, int64_t epoch);
/// Trainable parameters (numel summed) of a module.
int64_t countParameters(const torch::nn::Module& module);

} // namespace mor::engine
