#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The optimizer a TrainConfig asks for, for any family's parameters.
#include "mor/config.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace mor::engine {

/// train.optimizer: "sgd" (momentum 0.9, weight decay), "adam" (AdamW without decay) or
/// "adamw"; *name says which was built.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& config,
                                                       const std::vector<torch::Tensor>& params,
                                                       std::string* name);
/// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

} // namespace mor::engine
