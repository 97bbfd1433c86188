#pragma once
// The feature scaling a run's training applied, so that a client can send raw rows: CSV
// columns are z-scored with the training split's statistics (kept by loadDataset), IDX pixels
// divided by 255, generated sets used as they are.
#include "mor/config.h"
#include "mor/dataset.h"

#include <string>
#include <vector>

namespace mor::serve {

class FeatureScaler {
public:
    /// The scaling of `dataset` (already loaded from `config`, with its dialect and test
    /// file). For CSV data it is Dataset::featureMean/featureScale; the file is not reread.
    static bool fromData(const DataConfig& config, const Dataset& dataset, FeatureScaler* out,
                         std::string* error);

    /// "standardise" | "divide by 255" | "none"
    const std::string& kind() const { return m_kind; }
    /// Scales `n` values in place (one row).
    void apply(float* row, size_t n) const;

private:
    std::string m_kind = "none";
    std::vector<double> m_mean, m_sd;
};

} // namespace mor::serve
