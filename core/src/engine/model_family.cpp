// SPDX-License-Identifier: GPL-3.0-or-later
// The one place that lists the model families: a new family adds its case here and nothing
// else in the engine changes.
#include "engine/model_family.h"

#include "data/sequence_data.h"
#include "mor/dataset.h"
#include "seq/recursion_family.h"
#include "train/reflection_family.h"

#include <random>

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

std::vector<int64_t> shuffledRows(std::vector<int64_t> rows, int64_t seed, int64_t epoch) {
    // Shuffle order depends on (seed, epoch) only, so a resumed run sees the same batches.
    std::mt19937_64 rng(uint64_t(seed) * 1000003ull + uint64_t(epoch));
    for (size_t i = rows.size(); i > 1; --i) {
        std::swap(rows[i - 1], rows[rng() % i]);
    }
    return rows;
}

int64_t countParameters(const torch::nn::Module& module) {
    int64_t n = 0;
    for (const auto& p : module.parameters()) {
        n += p.numel();
    }
    return n;
}

} // namespace mor::engine
