// SPDX-License-Identifier: GPL-3.0-or-later
// featuresReadAt: which input features a reading expert (experts[].read_features) takes in at
// an iteration. Torch-free so the reflection stepper can show it from a run's config.
#include "mor/config.h"

#include <algorithm>

namespace mor {

std::vector<int64_t> featuresReadAt(int64_t readFeatures, int64_t iteration, int64_t features)
{
    std::vector<int64_t> read;
    if (readFeatures <= 0 || features <= 0) {
        return read;
    }
    const int64_t n = std::min(readFeatures, features);
    const int64_t start = ((std::max<int64_t>(iteration, 1) - 1) * n) % features;
    for (int64_t k = 0; k < n; ++k) {
        read.push_back((start + k) % features);
    }
    return read;
}

} // namespace mor
