#pragma once
// Generated data sets (parity, majority, modular, mixed, the 2-D point sets). Deterministic
// in the seed; splits are made later by loadDataset().
#include "mor/dataset.h"

namespace mor::detail {

/// parity / majority / modular / mixed, or a 2-D point set (points2d.h), as config.kind
/// says. Label noise applied.
Dataset makeSyntheticDataset(const DataConfig& config, int64_t seed);

} // namespace mor::detail
