#pragma once
// The feature scaling a run's training applied, recomputed from its data source so that a
// client can send raw rows: CSV columns are z-scored with the training split's statistics,
// IDX pixels divided by 255, generated sets used as they are.
#include "mor/config.h"
#include "mor/dataset.h"

#include <string>
#include <vector>

namespace mor::serve {

class FeatureScaler {
public:
    /// Rebuilds the scaling of `dataset` (already loaded from `config`). For CSV data it
    /// rereads the raw file; an error names the file when it changed since training.
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
