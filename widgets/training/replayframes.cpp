#include "training/replayframes.h"

#include "mor/log_reader.h"

#include <algorithm>
#include <set>

namespace training {

namespace {
bool startsWith(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

/// "val/activation/3" -> 3; -1 when the suffix is not a number.
int indexAfter(const std::string& key, const std::string& prefix) {
    const std::string rest = key.substr(prefix.size());
    if (rest.empty() || !std::all_of(rest.begin(), rest.end(), ::isdigit) || rest.size() > 6) {
        return -1;
    }
    return std::stoi(rest);
}

void setAt(QVector<double>& values, int index, double value) {
    if (index < 0) {
        return;
    }
    if (values.size() <= index) {
        values.resize(index + 1, 0.0);
    }
    values[index] = value;
}
} // namespace

double EvaluationFrame::value(const std::string& key, double fallback) const {
    const auto it = metrics.find(key);
    return it == metrics.end() ? fallback : it->second;
}

std::vector<EvaluationFrame> readEvaluationFrames(const mor::LogReader& reader, qint64 runId) {
    const std::vector<int64_t> routing = reader.routingSteps(runId);
    const std::vector<int64_t> traced = reader.traceSteps(runId);
    std::map<int64_t, EvaluationFrame> frames;
    auto frameAt = [&frames](int64_t step) -> EvaluationFrame& {
        EvaluationFrame& f = frames[step];
        f.step = step;
        return f;
    };
    for (const std::string& key : reader.metricKeys(runId)) {
        if (!startsWith(key, "val/")) {
            continue;
        }
        for (const mor::MetricPoint& p : reader.metric(runId, key)) {
            EvaluationFrame& f = frameAt(p.step);
            f.metrics[key] = p.value;
            if (startsWith(key, "val/activation/")) {
                setAt(f.activation, indexAfter(key, "val/activation/"), p.value);
            } else if (startsWith(key, "val/accuracy_step/")) {
                setAt(f.stepAccuracy, indexAfter(key, "val/accuracy_step/") - 1, p.value);
            }
        }
    }
    for (int64_t step : routing) {
        frameAt(step).hasRouting = true;
    }
    for (int64_t step : traced) {
        frameAt(step).hasTraces = true;
    }
    std::vector<EvaluationFrame> out;
    out.reserve(frames.size());
    for (auto& [step, frame] : frames) {
        out.push_back(std::move(frame));
    }
    return out;
}

} // namespace training
