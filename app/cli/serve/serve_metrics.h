#pragma once
// Counters and histograms of the inference service, rendered in the Prometheus text
// exposition format (version 0.0.4) for GET /v1/metrics.
#include "mor/predictor.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mor::serve {

/// A cumulative histogram with fixed upper bounds (plus +Inf).
struct Histogram {
    std::vector<double> bounds;
    std::vector<uint64_t> counts; ///< per bound, not cumulative; last = above every bound
    double sum = 0.0;
    uint64_t count = 0;

    explicit Histogram(std::vector<double> upperBounds = {});
    void observe(double value);
};

class ServeMetrics {
public:
    explicit ServeMetrics(int64_t numExperts);

    void countRequest(const std::string& endpoint, int status, double seconds);
    /// One forward pass: its size and which experts each input used.
    void countBatch(const std::vector<Prediction>& batch);

    std::string render() const;
    double uptimeSeconds() const;

private:
    mutable std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_started;
    std::map<std::pair<std::string, int>, uint64_t> m_requests;
    std::map<std::string, Histogram> m_latency; ///< by endpoint
    Histogram m_batchSize;
    std::vector<uint64_t> m_activations; ///< per expert
    uint64_t m_inputs = 0, m_expertSteps = 0, m_passes = 0;
};

} // namespace mor::serve
