// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/checkpoint.h"

namespace mor::train {

bool saveCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    return engine::saveModule(path, *model, optimizer, error);
}

bool loadCheckpoint(const std::string& path, model::MoRModel& model,
                    torch::optim::Optimizer* optimizer, std::string* error) {
    // Buffers added later keep their default: before held-out calibration T = 1, before
    // threshold tuning -1 (the configured halt_threshold).
    const auto mayBeMissing = [](const std::string& name) {
        return name == "critic_temperature" || name == "halt_threshold";
    };
    return engine::loadModule(path, *model, optimizer, mayBeMissing, error);
}

} // namespace mor::train
