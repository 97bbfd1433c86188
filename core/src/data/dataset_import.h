#pragma once
// Turns parsed files into Datasets (labels mapped to classes, features scaled to floats).
#include "mor/dataset.h"

namespace mor::detail {

/// CSV table -> Dataset: string labels become classes in sorted order, numeric labels
/// classes in numeric order (or the count line's names). Features are not yet standardised.
DatasetResult datasetFromCsv(CsvTable table, const std::string& path, int64_t limit);

/// IDX images -> Dataset with features = pixel / 255 in [0, 1].
DatasetResult datasetFromIdx(const IdxData& idx, const std::string& imagesPath);

} // namespace mor::detail
