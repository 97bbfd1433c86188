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

/// The vocabulary stored next to a checkpoint.
bool loadVocabulary(const std::string& path, std::vector<std::string>* vocab, std::string* error);

/// A logged recursion run, loaded at one checkpoint.
struct LoadedSequenceRun {
    ExperimentConfig config;
    std::vector<std::string> vocab;
    RecursionModel model{nullptr};
    int64_t step = 0;
    std::string checkpointPath;
};

/// The checkpoint at or before `step` (step < 0: the last one). The model is in eval mode on
/// the CPU.
bool loadSequenceRun(const std::string& logPath, int64_t runId, int64_t step,
                     LoadedSequenceRun* run, std::string* error);
/// loadSequenceRun of a run already read (mor::Run reads the log once).
bool loadSequenceCheckpoint(const engine::StoredRun& stored, int64_t step, LoadedSequenceRun* run,
                            std::string* error);

} // namespace mor::seq
