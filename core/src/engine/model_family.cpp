// SPDX-License-Identifier: GPL-3.0-or-later
// What every model family shares: shuffled rows, parameter count. The list of families is
// families/family_registry.cpp (a layer above the engine and the families).
#include "engine/model_family.h"

#include <random>

namespace mor::engine {

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
