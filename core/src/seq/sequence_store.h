#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a logged recursion run back at one checkpoint (generation, tracing, serving). The
// checkpoint files are the engine's (engine/checkpoint.h); the vocabulary is stored next to
// the weights as <path>.vocab (RecursionFamily::saveState).
#include "engine/run.h"
#include "mor/config.h"
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace mor::seq {

class RecursionFamily;

/// The one way a recursion network is built from a config (training, loading a checkpoint,
/// counting parameters): model.recursion over `vocabSize` tokens and sequenceLength(data)
/// positions, initial weights from the current torch seed. Throws on an invalid config.
RecursionModel buildRecursionModel(const ExperimentConfig& config, int64_t vocabSize);

/// The one way a recursion checkpoint is loaded (the family registry's engine::openFamily and
/// loadSequenceCheckpoint): the family for `config` over the checkpoint's vocabulary, with no
/// data rows (inference reads none), its weights and state read by engine::loadCheckpoint, in
/// evaluation mode on `device`. nullptr with *error when a file is missing or does not fit.
std::unique_ptr<RecursionFamily> openRecursionFamily(const ExperimentConfig& config,
                                                     const std::string& checkpointPath,
                                                     const torch::Device& device,
                                                     std::string* error);

/// A logged recursion run, loaded at one checkpoint.
struct LoadedSequenceRun {
    ExperimentConfig config;
    std::vector<std::string> vocab;
    RecursionModel model{nullptr};
    int64_t step = 0;
    std::string checkpointPath;
    std::string runName, runStatus; ///< the run's row in the log
};

/// false with "run N is a <family> model, not a Mixture-of-Recursions sequence model" when
/// `stored` is not a recursion run.
bool checkRecursionRun(const engine::StoredRun& stored, std::string* error);
/// What generation and tracing read of an opened recursion family (its network and
/// vocabulary) with the run's row and the checkpoint it was opened at.
LoadedSequenceRun loadedSequenceRun(const engine::StoredRun& stored, RecursionFamily& family,
                                    int64_t step, const std::string& checkpointPath);

/// A run read by engine::readRun at its checkpoint at or before `step` (step < 0: the last
/// one; engine::pickCheckpoint), opened by openRecursionFamily on the CPU.
bool loadSequenceCheckpoint(const engine::StoredRun& stored, int64_t step, LoadedSequenceRun* run,
                            std::string* error);

} // namespace mor::seq
