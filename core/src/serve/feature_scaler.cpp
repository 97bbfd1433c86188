#include "serve/feature_scaler.h"

#include <cstddef>

namespace mor::serve {

bool FeatureScaler::fromData(const DataConfig& config, const Dataset& dataset, FeatureScaler* out,
                             std::string* error) {
    *out = FeatureScaler{};
    if (config.kind == DataKind::Idx) {
        out->m_kind = "divide by 255";
        return true;
    }
    if (config.kind != DataKind::Csv) {
        return true;
    }
    // loadDataset already standardised the features with the training split's statistics and
    // kept them, read with the run's own dialect (separator, decimal comma, missing cells) and
    // test file: take them from there instead of reading the file a second time.
    const auto f = static_cast<size_t>(dataset.numFeatures);
    if (dataset.featureMean.size() != f || dataset.featureScale.size() != f) {
        *error = config.path + ": the data set carries no feature standardisation (" +
                 std::to_string(dataset.featureMean.size()) + " means for " + std::to_string(f) +
                 " features)";
        return false;
    }
    out->m_kind = "standardise";
    out->m_mean = dataset.featureMean;
    out->m_sd = dataset.featureScale;
    return true;
}

void FeatureScaler::apply(float* row, size_t n) const {
    if (m_kind == "divide by 255") {
        for (size_t k = 0; k < n; ++k) {
            row[k] = row[k] / 255.0f;
        }
    } else if (m_kind == "standardise") {
        for (size_t k = 0; k < n && k < m_mean.size(); ++k) {
            row[k] = static_cast<float>((row[k] - m_mean[k]) / m_sd[k]);
        }
    }
}

} // namespace mor::serve
