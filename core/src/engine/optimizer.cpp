// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/optimizer.h"

namespace mor::engine {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& t,
                                                       const std::vector<torch::Tensor>& params,
                                                       std::string* name) {
    if (t.optimizer == OptimizerKind::Sgd) {
        *name = "sgd";
        return std::make_unique<torch::optim::SGD>(
            params, torch::optim::SGDOptions(t.learningRate).momentum(0.9).weight_decay(t.weightDecay));
    }
    // adam = AdamW without decoupled decay
    *name = t.optimizer == OptimizerKind::Adam ? "adam" : "adamw";
    return std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(t.learningRate)
                    .weight_decay(t.optimizer == OptimizerKind::Adam ? 0.0 : t.weightDecay));
}

void setLearningRate(torch::optim::Optimizer& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) {
        group.options().set_lr(lr);
    }
}

} // namespace mor::engine
