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

/// What one A/B variant did (also the serving record written to the log).
struct VariantStats {
    std::string name;          ///< "A", "B"
    int64_t runId = 0;
    uint64_t requests = 0;     ///< requests this variant answered
    uint64_t inputs = 0;       ///< inputs (or generated tokens) it answered
    uint64_t labelled = 0;     ///< inputs that came with a label
    uint64_t correct = 0;      ///< of those, answered right
    uint64_t shadowInputs = 0; ///< shadow mode: inputs it answered without being returned
    uint64_t shadowAgreeing = 0; ///< of those, equal to the returned answer
    uint64_t shadowLabelled = 0, shadowCorrect = 0;
    Histogram latency;         ///< seconds per request

    VariantStats();
};

class ServeMetrics {
public:
    /// `variants` (name, run) of A/B serving; one variant renders no variant metrics.
    explicit ServeMetrics(int64_t numExperts,
                          std::vector<std::pair<std::string, int64_t>> variants = {});

    void countRequest(const std::string& endpoint, int status, double seconds);
    /// One forward pass: its size and which experts each input used.
    void countBatch(const std::vector<Prediction>& batch);
    /// One /v1/generate answer: generated tokens and the recursion depth of each.
    void countGeneration(const GenerateResult& result);
    /// A request answered by variant `v` (inputs, of them labelled and right).
    void countVariant(size_t v, double seconds, uint64_t inputs, uint64_t labelled,
                      uint64_t correct);
    /// Shadow mode: variant `v` answered `inputs` inputs that were not returned.
    void countShadow(size_t v, uint64_t inputs, uint64_t agreeing, uint64_t labelled,
                     uint64_t correct);
    /// A request refused by the per-client rate limit.
    void countRateLimited();
    std::vector<VariantStats> variants() const;

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
    uint64_t m_generated = 0, m_rateLimited = 0;
    Histogram m_tokenDepth;
    std::vector<VariantStats> m_variants;
};

} // namespace mor::serve
