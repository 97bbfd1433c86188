#include "serve/serve_metrics.h"

#include <sstream>

namespace mor::serve {

Histogram::Histogram(std::vector<double> upperBounds)
    : bounds(std::move(upperBounds)), counts(bounds.size() + 1, 0) {}

void Histogram::observe(double value) {
    size_t i = 0;
    while (i < bounds.size() && value > bounds[i]) {
        ++i;
    }
    ++counts[i];
    sum += value;
    ++count;
}

namespace {

const std::vector<double> kLatencyBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                         0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
const std::vector<double> kBatchBounds{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

std::string number(double v) {
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
}

/// `name_bucket{labels,le="..."}` lines, then _sum and _count.
void renderHistogram(std::ostringstream& out, const std::string& name, const std::string& labels,
                     const Histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.bounds.size(); ++i) {
        cumulative += h.counts[i];
        out << name << "_bucket{" << labels << sep << "le=\"" << number(h.bounds[i]) << "\"} "
            << cumulative << "\n";
    }
    out << name << "_bucket{" << labels << sep << "le=\"+Inf\"} " << h.count << "\n";
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    out << name << "_sum" << braces << " " << number(h.sum) << "\n";
    out << name << "_count" << braces << " " << h.count << "\n";
}

} // namespace

ServeMetrics::ServeMetrics(int64_t numExperts)
    : m_started(std::chrono::steady_clock::now()), m_batchSize(kBatchBounds),
      m_activations(size_t(numExperts > 0 ? numExperts : 0), 0) {}

void ServeMetrics::countRequest(const std::string& endpoint, int status, double seconds) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_requests[{endpoint, status}];
    auto it = m_latency.find(endpoint);
    if (it == m_latency.end()) {
        it = m_latency.emplace(endpoint, Histogram(kLatencyBounds)).first;
    }
    it->second.observe(seconds);
}

void ServeMetrics::countBatch(const std::vector<Prediction>& batch) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_batchSize.observe(double(batch.size()));
    ++m_passes;
    m_inputs += batch.size();
    for (const auto& p : batch) {
        for (int e : p.experts) {
            if (e >= 0 && size_t(e) < m_activations.size()) {
                ++m_activations[size_t(e)];
            }
        }
        m_expertSteps += uint64_t(p.expertSteps);
    }
}

double ServeMetrics::uptimeSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
}

std::string ServeMetrics::render() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::ostringstream out;
    out << "# HELP mor_http_requests_total HTTP requests answered, by endpoint and status code.\n"
        << "# TYPE mor_http_requests_total counter\n";
    for (const auto& [key, n] : m_requests) {
        out << "mor_http_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second
            << "\"} " << n << "\n";
    }
    out << "# HELP mor_http_request_duration_seconds Time from request to response.\n"
        << "# TYPE mor_http_request_duration_seconds histogram\n";
    for (const auto& [endpoint, h] : m_latency) {
        renderHistogram(out, "mor_http_request_duration_seconds", "endpoint=\"" + endpoint + "\"",
                        h);
    }
    out << "# HELP mor_batch_size Inputs per forward pass.\n"
        << "# TYPE mor_batch_size histogram\n";
    renderHistogram(out, "mor_batch_size", "", m_batchSize);
    out << "# HELP mor_expert_activations_total Inputs routed to each expert.\n"
        << "# TYPE mor_expert_activations_total counter\n";
    for (size_t e = 0; e < m_activations.size(); ++e) {
        out << "mor_expert_activations_total{expert=\"" << e << "\"} " << m_activations[e] << "\n";
    }
    out << "# HELP mor_predicted_inputs_total Inputs answered.\n"
        << "# TYPE mor_predicted_inputs_total counter\n"
        << "mor_predicted_inputs_total " << m_inputs << "\n"
        << "# HELP mor_expert_steps_total Reflection iterations computed over all inputs.\n"
        << "# TYPE mor_expert_steps_total counter\n"
        << "mor_expert_steps_total " << m_expertSteps << "\n"
        << "# HELP mor_forward_passes_total Forward passes run.\n"
        << "# TYPE mor_forward_passes_total counter\n"
        << "mor_forward_passes_total " << m_passes << "\n"
        << "# HELP mor_uptime_seconds Seconds since the server started.\n"
        << "# TYPE mor_uptime_seconds gauge\n"
        << "mor_uptime_seconds "
        << number(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count())
        << "\n";
    return out.str();
}

} // namespace mor::serve
