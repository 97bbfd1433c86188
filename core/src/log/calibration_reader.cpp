// Reads the critique's calibration from the log and builds per-step reliability tables from
// traces (see mor/calibration_log.h).
#include "mor/calibration_log.h"

#include "mor/log_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace mor {

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

/// Parses a non-negative index at the start of `s` ("3/count" -> 3); -1 when none.
int64_t leadingIndex(const std::string& s, std::string* rest) {
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        ++n;
    }
    if (n == 0) {
        return -1;
    }
    *rest = s.substr(n);
    return std::strtoll(s.substr(0, n).c_str(), nullptr, 10);
}

} // namespace

std::vector<CalibrationPoint> readCalibration(const LogReader& reader, int64_t runId,
                                              const std::string& split) {
    const std::string ece = split + "/ece";
    const std::string perStep = split + "/ece/step/";
    const std::string bins = split + "/reliability/";
    std::map<int64_t, CalibrationPoint> byStep;
    const auto at = [&byStep](int64_t step) -> CalibrationPoint& {
        CalibrationPoint& p = byStep[step];
        p.step = step;
        return p;
    };
    for (const std::string& key : reader.metricKeys(runId)) {
        std::string rest;
        if (key == ece) {
            for (const MetricPoint& m : reader.metric(runId, key)) {
                at(m.step).ece = m.value;
            }
        } else if (startsWith(key, perStep)) {
            const int64_t t = leadingIndex(key.substr(perStep.size()), &rest);
            if (t < 1 || !rest.empty()) {
                continue;
            }
            for (const MetricPoint& m : reader.metric(runId, key)) {
                auto& v = at(m.step).ecePerStep;
                v.resize(std::max(v.size(), size_t(t)), -1.0);
                v[size_t(t - 1)] = m.value;
            }
        } else if (startsWith(key, bins)) {
            const int64_t b = leadingIndex(key.substr(bins.size()), &rest);
            if (b < 0 || (rest != "/count" && rest != "/confidence" && rest != "/accuracy")) {
                continue;
            }
            for (const MetricPoint& m : reader.metric(runId, key)) {
                auto& table = at(m.step).reliability;
                table.resize(std::max(table.size(), size_t(b + 1)));
                ReliabilityBin& bin = table[size_t(b)];
                if (rest == "/count") {
                    bin.count = int64_t(std::llround(m.value));
                } else if (rest == "/confidence") {
                    bin.meanConfidence = m.value;
                } else {
                    bin.accuracy = m.value;
                }
            }
        }
    }
    std::vector<CalibrationPoint> out;
    for (auto& [step, point] : byStep) {
        const double width =
            point.reliability.empty() ? 0.0 : 1.0 / double(point.reliability.size());
        for (size_t b = 0; b < point.reliability.size(); ++b) {
            point.reliability[b].lo = double(b) * width;
            point.reliability[b].hi = double(b + 1) * width;
        }
        out.push_back(std::move(point));
    }
    return out;
}

std::vector<std::vector<ReliabilityBin>> reliabilityPerStep(const std::vector<SampleTrace>& traces,
                                                            int bins) {
    bins = std::max(1, bins);
    struct Sums {
        std::vector<int64_t> count;
        std::vector<double> confidence, right;
    };
    std::vector<Sums> steps;
    for (const SampleTrace& trace : traces) {
        for (const ExpertTrace& expert : trace.experts) {
            for (const StepTrace& s : expert.steps) {
                if (s.iteration < 1 || !std::isfinite(s.critique)) {
                    continue;
                }
                if (steps.size() < size_t(s.iteration)) {
                    steps.resize(size_t(s.iteration), Sums{std::vector<int64_t>(size_t(bins), 0),
                                                           std::vector<double>(size_t(bins), 0.0),
                                                           std::vector<double>(size_t(bins), 0.0)});
                }
                const double c = std::clamp(double(s.critique), 0.0, 1.0);
                const auto b = size_t(std::min<int64_t>(bins - 1, int64_t(c * double(bins))));
                Sums& sums = steps[size_t(s.iteration - 1)];
                ++sums.count[b];
                sums.confidence[b] += c;
                sums.right[b] += s.correct ? 1.0 : 0.0;
            }
        }
    }
    std::vector<std::vector<ReliabilityBin>> out;
    const double width = 1.0 / double(bins);
    for (const Sums& sums : steps) {
        std::vector<ReliabilityBin> table(static_cast<size_t>(bins));
        for (size_t b = 0; b < table.size(); ++b) {
            table[b].lo = double(b) * width;
            table[b].hi = double(b + 1) * width;
            table[b].count = sums.count[b];
            if (sums.count[b] > 0) {
                table[b].meanConfidence = sums.confidence[b] / double(sums.count[b]);
                table[b].accuracy = sums.right[b] / double(sums.count[b]);
            }
        }
        out.push_back(std::move(table));
    }
    return out;
}

double expectedCalibrationError(const std::vector<ReliabilityBin>& table) {
    int64_t total = 0;
    double sum = 0.0;
    for (const ReliabilityBin& b : table) {
        total += b.count;
        sum += double(b.count) * std::abs(b.accuracy - b.meanConfidence);
    }
    return total > 0 ? sum / double(total) : 0.0;
}

} // namespace mor
