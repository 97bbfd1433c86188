#pragma once
// Checkpoints of recursion models (weights, optimizer, vocabulary) and loading a logged run
// back for generation and tracing.
#include "mor/config.h"
#include "seq/recursion_model.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace mor::seq {

/// Writes `<path>` (model), `<path>.optim` (when given) and `<path>.vocab` (JSON), each
/// through a temporary file and a rename.
bool saveSequenceCheckpoint(const std::string& path, RecursionModel& model,
                            torch::optim::Optimizer* optimizer,
                            const std::vector<std::string>& vocab, std::string* error);
/// Reads the weights (and the optimizer state when given and present).
bool loadSequenceCheckpoint(const std::string& path, RecursionModel& model,
                            torch::optim::Optimizer* optimizer, std::string* error);
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

/// step < 0: the last checkpoint. The model is in eval mode on the CPU.
bool loadSequenceRun(const std::string& logPath, int64_t runId, int64_t step,
                     LoadedSequenceRun* run, std::string* error);

} // namespace mor::seq
