// SPDX-License-Identifier: GPL-3.0-or-later
// The family registry (mor_core_families): the one place that lists the model families. It
// sits above the families (train/, seq/) and below everything that builds or opens one
// (serve/, api/). The engine never names a family; it trains the engine::ModelFamily its
// caller built here, and every logged run opened for inference is opened here.
#pragma once

#include "engine/model_family.h"
#include "engine/run.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mor::engine {

/// The family a config names, with its data loaded and its network on `device` (initial
/// weights from train.seed). nullptr with *error when the data cannot be loaded.
std::unique_ptr<ModelFamily> makeFamily(const ExperimentConfig& config,
                                        const torch::Device& device, std::string* error);

/// Which checkpoint of a logged run to open.
struct CheckpointChoice {
    enum class Kind {
        Last, ///< the latest checkpoint at or before `step` (engine::pickCheckpoint)
        Best, ///< best.pt: the weights with the best validation accuracy
        /// best.pt when the run has one, else the last checkpoint (prune, retrain: a run
        /// written before best checkpoints existed still opens)
        BestElseLast,
    };
    Kind kind = Kind::Last;
    int64_t step = -1; ///< Last: < 0 for the last checkpoint of the run

    /// "last" | "best" (mor::PredictorOptions::checkpoint); false with *error for another text.
    static bool parse(const std::string& text, int64_t step, CheckpointChoice* out,
                      std::string* error);
};

/// A checkpoint file of a run and the training step its weights are from.
struct ChosenCheckpoint {
    std::string path;
    int64_t step = 0;
};

/// The one rule for picking a logged run's checkpoint: Last by engine::pickCheckpoint; Best is
/// best.pt in the folder of the run's checkpoints (engine::bestCheckpointOf), its step the
/// bestStep of the last state; BestElseLast falls back to the last checkpoint.
/// false with *error when the run has no such checkpoint.
bool chooseCheckpoint(const StoredRun& run, const CheckpointChoice& choice,
                      ChosenCheckpoint* out, std::string* error);

/// A logged run opened for inference.
struct OpenedFamily {
    std::unique_ptr<ModelFamily> family; ///< evaluation mode, the checkpoint's weights
    ChosenCheckpoint checkpoint;
};

/// The one way to open a logged run for inference: the family its stored config names, on
/// `device`, with the chosen checkpoint loaded through ModelFamily::loadState (engine::
/// loadCheckpoint), in evaluation mode. A reflection family loads its data set (serving needs
/// its scaling and class names); a recursion family reads only the checkpoint's vocabulary
/// (seq::openRecursionFamily).
bool openFamily(const StoredRun& run, const CheckpointChoice& choice, const torch::Device& device,
                OpenedFamily* out, std::string* error);

} // namespace mor::engine
