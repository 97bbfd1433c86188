// SPDX-License-Identifier: GPL-3.0-or-later
// The one place that lists the model families: a new family adds its case here and nothing
// in the engine changes (the engine sees only engine::ModelFamily).
#include "api/family_registry.h"

#include "data/sequence_data.h"
#include "mor/dataset.h"
#include "seq/recursion_family.h"
#include "train/reflection_family.h"

namespace mor::engine {

std::unique_ptr<ModelFamily> makeFamily(const ExperimentConfig& config,
                                        const torch::Device& device, std::string* error) {
    switch (config.model.family) {
    case Family::Reflection: {
        auto data = loadDataset(config.data, config.train.seed);
        if (!data.ok()) {
            *error = data.error;
            return nullptr;
        }
        return std::make_unique<train::ReflectionFamily>(config, std::move(data.dataset), device);
    }
    case Family::Recursion: {
        auto data = data::loadSequenceData(config.data, config.train.seed);
        if (!data.ok()) {
            *error = data.error;
            return nullptr;
        }
        return std::make_unique<seq::RecursionFamily>(config, std::move(data), device);
    }
    }
    *error = "model.family \"" + familyName(config.model.family) + "\" has no engine family";
    return nullptr;
}

} // namespace mor::engine
