#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoints of any family, one naming scheme: <dir>/step-<8 digits>.pt (weights),
// <path>.optim (optimizer), the family's extra state next to it, and <dir>/best.pt (the
// weights with the best validation accuracy so far). Every file is written to a temporary
// name and renamed, the weights last. The training state (step, best accuracy, ...) goes into
// the log's checkpoints row.
#include "mor/log_reader.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace mor::engine {

class ModelFamily;

struct CheckpointState {
    int64_t step = 0;
    int64_t evaluations = 0;
    int64_t badEvaluations = 0; ///< evaluations since the best one (early stopping)
    double bestAccuracy = -1.0;
    int64_t bestStep = -1;

    std::string toJson() const;
    static CheckpointState fromJson(const std::string& json);
};

/// "<log>.checkpoints/run-<id>": where a run's checkpoints go unless RunOptions says otherwise.
std::string checkpointDirFor(const std::string& logPath, int64_t runId);
/// "<dir>/step-00000123.pt".
std::string checkpointFile(const std::string& dir, int64_t step);
/// "<dir>/best.pt".
std::string bestCheckpointFile(const std::string& dir);

/// The checkpoint at or before `step` (the last one when step < 0); nullptr when none.
const CheckpointInfo* pickCheckpoint(const std::vector<CheckpointInfo>& checkpoints, int64_t step);
/// best.pt in the folder of the run's checkpoints when it exists, else "".
std::string bestCheckpointOf(const std::vector<CheckpointInfo>& checkpoints);

using BufferFilter = std::function<bool(const std::string& name)>;

/// Weights of `module` to `path` and, when given, the optimizer to `<path>.optim`.
bool saveModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, std::string* error);
/// Reads saveModule's files by parameter name; buffers `mayBeMissing` accepts may be absent.
/// The optimizer part is read when given and present.
bool loadModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, const BufferFilter& mayBeMissing,
                std::string* error);

/// A family's checkpoint: its extra state, the optimizer (when given), then the weights.
bool saveCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error);
bool loadCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error);

/// Writes `text` to `path` through a temporary file and a rename.
bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error);

} // namespace mor::engine
