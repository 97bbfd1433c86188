#include "serve/serve_metrics.h"

#include <cmath>
#include <limits>
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
    if (std::isnan(v)) {
        return "NaN";
    }
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

/// One family of per-variant samples: `name{variant="A",run="3"} value`.
template <typename F>
void renderPerVariant(std::ostringstream& out, const std::string& name, const std::string& type,
                      const std::string& help, const std::vector<VariantStats>& variants, F value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    for (const auto& v : variants) {
        out << name << "{variant=\"" << v.name << "\",run=\"" << v.runId << "\"} "
            << number(value(v)) << "\n";
    }
}

void renderVariants(std::ostringstream& out, const std::vector<VariantStats>& variants) {
    const auto ratio = [](uint64_t a, uint64_t b) {
        return b ? double(a) / double(b) : std::numeric_limits<double>::quiet_NaN();
    };
    renderPerVariant(out, "mor_variant_requests_total", "counter",
                     "Requests answered by each A/B variant.", variants,
                     [](const VariantStats& v) { return double(v.requests); });
    renderPerVariant(out, "mor_variant_inputs_total", "counter",
                     "Inputs answered by each A/B variant.", variants,
                     [](const VariantStats& v) { return double(v.inputs); });
    renderPerVariant(out, "mor_variant_labelled_total", "counter",
                     "Answered inputs that carried a label.", variants,
                     [](const VariantStats& v) { return double(v.labelled); });
    renderPerVariant(out, "mor_variant_correct_total", "counter",
                     "Labelled inputs answered right.", variants,
                     [](const VariantStats& v) { return double(v.correct); });
    renderPerVariant(out, "mor_variant_accuracy", "gauge",
                     "Accuracy on labelled inputs (NaN before the first label).", variants,
                     [&](const VariantStats& v) { return ratio(v.correct, v.labelled); });
    renderPerVariant(out, "mor_variant_shadow_inputs_total", "counter",
                     "Shadow mode: inputs answered but not returned.", variants,
                     [](const VariantStats& v) { return double(v.shadowInputs); });
    renderPerVariant(out, "mor_variant_shadow_agreeing_total", "counter",
                     "Shadow mode: shadow answers equal to the returned answer.", variants,
                     [](const VariantStats& v) { return double(v.shadowAgreeing); });
    renderPerVariant(out, "mor_variant_shadow_correct_total", "counter",
                     "Shadow mode: labelled shadow answers that were right.", variants,
                     [](const VariantStats& v) { return double(v.shadowCorrect); });
    out << "# HELP mor_variant_request_duration_seconds Request latency per A/B variant.\n"
        << "# TYPE mor_variant_request_duration_seconds histogram\n";
    for (const auto& v : variants) {
        renderHistogram(out, "mor_variant_request_duration_seconds",
                        "variant=\"" + v.name + "\",run=\"" + std::to_string(v.runId) + "\"",
                        v.latency);
    }
}

} // namespace

VariantStats::VariantStats() : latency(kLatencyBounds) {}

ServeMetrics::ServeMetrics(int64_t numExperts,
                           std::vector<std::pair<std::string, int64_t>> variants)
    : m_started(std::chrono::steady_clock::now()), m_batchSize(kBatchBounds),
      m_activations(size_t(numExperts > 0 ? numExperts : 0), 0),
      m_tokenDepth({1, 2, 3, 4, 5, 6, 8, 12, 16}) {
    for (const auto& [name, run] : variants) {
        VariantStats v;
        v.name = name;
        v.runId = run;
        m_variants.push_back(v);
    }
}

void ServeMetrics::countGeneration(const GenerateResult& result) {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& t : result.tokens) {
        if (!t.prompt) {
            ++m_generated;
            m_tokenDepth.observe(double(t.depth));
        }
    }
}

void ServeMetrics::countVariant(size_t v, double seconds, uint64_t inputs, uint64_t labelled,
                                uint64_t correct) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (v >= m_variants.size()) {
        return;
    }
    VariantStats& s = m_variants[v];
    ++s.requests;
    s.inputs += inputs;
    s.labelled += labelled;
    s.correct += correct;
    s.latency.observe(seconds);
}

void ServeMetrics::countShadow(size_t v, uint64_t inputs, uint64_t agreeing, uint64_t labelled,
                               uint64_t correct) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (v >= m_variants.size()) {
        return;
    }
    VariantStats& s = m_variants[v];
    s.shadowInputs += inputs;
    s.shadowAgreeing += agreeing;
    s.shadowLabelled += labelled;
    s.shadowCorrect += correct;
}

void ServeMetrics::countRateLimited() {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_rateLimited;
}

std::vector<VariantStats> ServeMetrics::variants() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_variants;
}

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
        << "# HELP mor_generated_tokens_total Tokens sampled by /v1/generate.\n"
        << "# TYPE mor_generated_tokens_total counter\n"
        << "mor_generated_tokens_total " << m_generated << "\n"
        << "# HELP mor_rate_limited_total Requests refused by the per-client rate limit.\n"
        << "# TYPE mor_rate_limited_total counter\n"
        << "mor_rate_limited_total " << m_rateLimited << "\n";
    out << "# HELP mor_token_depth Recursions each generated token received.\n"
        << "# TYPE mor_token_depth histogram\n";
    renderHistogram(out, "mor_token_depth", "", m_tokenDepth);
    if (m_variants.size() > 1) {
        renderVariants(out, m_variants);
    }
    out << "# HELP mor_uptime_seconds Seconds since the server started.\n"
        << "# TYPE mor_uptime_seconds gauge\n"
        << "mor_uptime_seconds "
        << number(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count())
        << "\n";
    return out.str();
}

} // namespace mor::serve
