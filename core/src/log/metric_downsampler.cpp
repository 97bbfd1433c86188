#include "log/metric_downsampler.h"

#include <algorithm>
#include <cmath>

namespace mor::log {

MetricDownsampler::MetricDownsampler(int64_t firstStep, int64_t lastStep, int maxPoints)
    : m_first(firstStep), m_span(std::max<int64_t>(1, lastStep - firstStep + 1)),
      m_buckets(std::max(1, maxPoints / 2)),
      m_maxPoints(static_cast<size_t>(std::max(2, maxPoints))) {}

int64_t MetricDownsampler::bucketOf(int64_t step) const {
    // long double: (step - first) * buckets may not fit 64 bits for huge step numbers.
    const long double position =
        static_cast<long double>(step - m_first) * m_buckets / static_cast<long double>(m_span);
    return std::clamp<int64_t>(static_cast<int64_t>(position), 0, m_buckets - 1);
}

void MetricDownsampler::closeBucket() {
    if (m_bucket < 0) {
        return;
    }
    const bool same = m_low.step == m_high.step;
    const MetricPoint& a = m_low.step <= m_high.step ? m_low : m_high;
    const MetricPoint& b = m_low.step <= m_high.step ? m_high : m_low;
    m_reduced.push_back(a);
    if (!same) {
        m_reduced.push_back(b);
    }
}

// NaN never becomes an extreme (comparisons with NaN are false), unless a bucket holds only NaN.
void MetricDownsampler::add(const MetricPoint& point) {
    if (m_all.size() <= m_maxPoints) {
        m_all.push_back(point);
    }
    const int64_t bucket = bucketOf(point.step);
    if (bucket != m_bucket) {
        closeBucket();
        m_bucket = bucket;
        m_low = m_high = point;
        return;
    }
    if (point.value < m_low.value || std::isnan(m_low.value)) {
        m_low = point;
    }
    if (point.value > m_high.value || std::isnan(m_high.value)) {
        m_high = point;
    }
}

std::vector<MetricPoint> MetricDownsampler::finish() {
    if (m_all.size() <= m_maxPoints) {
        return std::move(m_all);
    }
    closeBucket();
    m_bucket = -1;
    return std::move(m_reduced);
}

} // namespace mor::log
