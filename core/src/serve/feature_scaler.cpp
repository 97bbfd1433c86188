#include "serve/feature_scaler.h"

#include <algorithm>
#include <cmath>

namespace mor::serve {

bool FeatureScaler::fromData(const DataConfig& config, const Dataset& dataset, FeatureScaler* out,
                             std::string* error) {
    *out = FeatureScaler{};
    if (config.kind == "idx") {
        out->m_kind = "divide by 255";
        return true;
    }
    if (config.kind != "csv") {
        return true;
    }
    // The data set holds only scaled features; the statistics come from the raw file, with
    // the same rows (limit), the same training split and the same double arithmetic as
    // loadDataset's standardisation, so a raw row maps to exactly the stored features.
    CsvTable table = readCsv(config.path, config.labelColumn);
    if (!table.error.empty()) {
        *error = table.error;
        return false;
    }
    const int64_t rows = config.limit > 0 ? std::min(table.rows, config.limit) : table.rows;
    if (rows != dataset.size() || table.columns != dataset.numFeatures) {
        *error = config.path + " changed since training: it now has " + std::to_string(rows) +
                 " rows of " + std::to_string(table.columns) + " features, the run used " +
                 std::to_string(dataset.size()) + " rows of " + std::to_string(dataset.numFeatures);
        return false;
    }
    const auto f = static_cast<size_t>(dataset.numFeatures);
    std::vector<double> mean(f, 0.0), sd(f, 0.0);
    const float* raw = table.features.data();
    for (int64_t i : dataset.train) {
        for (size_t k = 0; k < f; ++k) {
            mean[k] += raw[size_t(i) * f + k];
        }
    }
    const double n = std::max<double>(1.0, static_cast<double>(dataset.train.size()));
    for (auto& m : mean) {
        m /= n;
    }
    for (int64_t i : dataset.train) {
        for (size_t k = 0; k < f; ++k) {
            const double d = raw[size_t(i) * f + k] - mean[k];
            sd[k] += d * d;
        }
    }
    for (size_t k = 0; k < f; ++k) {
        const double s = std::sqrt(sd[k] / n);
        sd[k] = s > 1e-12 ? s : 1.0;
    }
    out->m_kind = "standardise";
    out->m_mean = std::move(mean);
    out->m_sd = std::move(sd);
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
