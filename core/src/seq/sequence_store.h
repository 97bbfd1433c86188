#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Loading a logged recursion run back at one checkpoint (generation, tracing, serving). The
// checkpoint files are the engine's (engine/checkpoint.h); the vocabulary is stored next to
// the weights as <path>.vocab (RecursionFamily::saveState).
#include "engine/run.h"
#include "mor/config.h"
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mor::seq {

/// The one way a recursion network is built from a config (training, loading a checkpoint,
/// counting parameters): model.recursion over `vocabSize` tokens and sequenceLength(data)
/// positions, initial weights from the current torch seed. Throws on an invalid config.
RecursionModel buildRecursionModel(const ExperimentConfig& config, int64_t vocabSize);

/// The vocabulary stored next to a checkpoint.
bool loadVocabulary(const std::string& path, std::vector<std::string>* vocab, std::string* error);

/// A logged recursion run, loaded at one checkpoint.
struct LoadedSequenceRun {
    ExperimentConfig config;
    std::vector<std::string> vocab;
    RecursionModel model{nullptr};
    int64_t step = 0;
    std::string checkpointPath;
    std::string runName, runStatus; ///< the run's row in the log
};

/// A run read by engine::readRun at its checkpoint at or before `step` (step < 0: the last
/// one; engine::pickCheckpoint). The model is in eval mode on the CPU.
bool loadSequenceCheckpoint(const engine::StoredRun& stored, int64_t step, LoadedSequenceRun* run,
                            std::string* error);

} // namespace mor::seq
