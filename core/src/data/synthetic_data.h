#pragma once
// Generated data sets (parity, majority, modular, mixed). Deterministic in the seed;
// splits are made later by loadDataset().
#include "mor/dataset.h"

namespace mor::detail {

/// parity / majority / modular / mixed as config.kind says. Label noise applied.
Dataset makeSyntheticDataset(const DataConfig& config, int64_t seed);

} // namespace mor::detail
