#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoints of a reflection model on their own (serving, tests): the engine's checkpoint
// files (engine/checkpoint.h) for an MoRModel.
#include "engine/checkpoint.h"
#include "model/mor_model.h"

#include <torch/torch.h>

#include <string>

namespace mor::train {

using engine::CheckpointState;

/// Writes `<path>` (model) and `<path>.optim` (optimizer; skipped when null).
bool saveCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error);
/// Reads what saveCheckpoint wrote; the optimizer part is optional.
bool loadCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error);

} // namespace mor::train
