#pragma once
// Reduces an ordered metric series to at most ~maxPoints points in one pass: the step range is
// cut into maxPoints / 2 buckets and each bucket keeps its lowest and its highest point, in
// step order, so a one-step spike survives any zoom level.
#include "mor/log_reader.h"

#include <cstdint>
#include <vector>

namespace mor::log {

class MetricDownsampler {
public:
    /// `firstStep`/`lastStep`: the range of the series; maxPoints < 2 is treated as 2.
    MetricDownsampler(int64_t firstStep, int64_t lastStep, int maxPoints);

    /// Points must come in increasing step order.
    void add(const MetricPoint& point);
    /// The whole series when it has at most maxPoints points, else the bucket extremes.
    std::vector<MetricPoint> finish();

private:
    int64_t bucketOf(int64_t step) const;
    void closeBucket();

    int64_t m_first, m_span, m_buckets;
    size_t m_maxPoints;
    std::vector<MetricPoint> m_all;     ///< kept while the series is still small enough
    std::vector<MetricPoint> m_reduced; ///< finished buckets
    int64_t m_bucket = -1;
    MetricPoint m_low, m_high;
};

} // namespace mor::log
