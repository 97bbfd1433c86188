#pragma once
// Checkpoints: model and optimizer state in two files written atomically (tmp + rename);
// the training state (step, epoch, best accuracy) goes into the log's checkpoints row.
#include "model/mor_model.h"

#include <torch/torch.h>

#include <string>

namespace mor::train {

struct CheckpointState {
    int64_t step = 0;
    int64_t evaluations = 0;
    int64_t badEvaluations = 0; ///< evaluations since the best one (early stopping)
    double bestAccuracy = -1.0;
    int64_t bestStep = -1;

    std::string toJson() const;
    static CheckpointState fromJson(const std::string& json);
};

/// Writes `<path>` (model) and `<path>.optim` (optimizer; skipped when null).
bool saveCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error);
/// Reads what saveCheckpoint wrote; the optimizer part is optional.
bool loadCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error);

} // namespace mor::train
