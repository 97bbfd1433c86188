// SPDX-License-Identifier: GPL-3.0-or-later
// The family registry: the layer above the engine and the families (mor_api). The engine
// never names a family; it trains the engine::ModelFamily its caller built here.
#pragma once

#include "engine/model_family.h"

#include <memory>
#include <string>

namespace mor::engine {

/// The family a config names, with its data loaded and its network on `device` (initial
/// weights from train.seed). nullptr with *error when the data cannot be loaded.
std::unique_ptr<ModelFamily> makeFamily(const ExperimentConfig& config,
                                        const torch::Device& device, std::string* error);

} // namespace mor::engine
