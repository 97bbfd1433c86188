#pragma once
// Turns parsed files into Datasets (labels mapped to classes, features scaled to floats).
#include "mor/dataset.h"

namespace mor::detail {

/// CSV table -> Dataset: string labels become classes in sorted order, numeric labels
/// classes in numeric order (or the count line's names). Features are not yet standardised.
DatasetResult datasetFromCsv(CsvTable table, const std::string& path, int64_t limit);

/// IDX images -> Dataset with features = pixel / 255 in [0, 1].
DatasetResult datasetFromIdx(const IdxData& idx, const std::string& imagesPath);

/// The data set of data.path read in the config's CSV dialect; with data.test_path, that
/// file's rows are appended and *testFrom is the first of them (else -1). test_files.cpp.
DatasetResult csvDataset(const DataConfig& config, int64_t* testFrom);
/// The same for data.images / data.labels and data.test_images / data.test_labels.
DatasetResult idxDataset(const DataConfig& config, int64_t* testFrom);

} // namespace mor::detail
