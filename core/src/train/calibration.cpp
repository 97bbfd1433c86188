#include "train/calibration.h"

#include <algorithm>
#include <cmath>

namespace mor::train {

namespace {
double softplus(double x) {
    return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
}
} // namespace

double temperatureNll(const std::vector<double>& logits, const std::vector<double>& right,
                      double temperature) {
    const size_t n = std::min(logits.size(), right.size());
    if (n == 0) {
        return 0.0;
    }
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
        // -[y log s(x) + (1 - y) log(1 - s(x))] = softplus(x) - y x
        const double x = logits[i] / temperature;
        sum += softplus(x) - right[i] * x;
    }
    return sum / double(n);
}

double fitTemperature(const std::vector<double>& logits, const std::vector<double>& right,
                      int64_t minPairs) {
    if (int64_t(std::min(logits.size(), right.size())) < std::max<int64_t>(1, minPairs)) {
        return 1.0;
    }
    const auto f = [&](double u) { return temperatureNll(logits, right, std::exp(u)); };
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double lo = std::log(1e-2), hi = std::log(1e2);
    double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
    double fa = f(a), fb = f(b);
    // 9.2 * 0.618^80 < 1e-15: the bracket shrinks to rounding noise.
    for (int i = 0; i < 80; ++i) {
        if (fa <= fb) {
            hi = b;
            b = a;
            fb = fa;
            a = hi - ratio * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + ratio * (hi - lo);
            fb = f(b);
        }
    }
    return std::exp(0.5 * (lo + hi));
}

std::map<std::string, double> calibrateCritics(model::MoRModel& model,
                                               const CritiqueCapture& capture) {
    constexpr int64_t kMinPairs = 20;
    std::vector<double> temperatures = model->criticTemperatures();
    std::map<std::string, double> metrics;
    for (size_t j = 0; j < temperatures.size(); ++j) {
        // Fitted on every (step, input) pair the expert ran, not only its halting step: the
        // critique-gated halting rule reads the critique at every step (a step judged too
        // confident stops too early, one judged too doubtful runs on), and the halting step is
        // the step whose critique first crossed the threshold, a sample selected by the very
        // quantity being calibrated (and by the temperature itself: fitting on it would chase
        // a moving target). All steps also give T times more pairs from the same validation
        // split. The critique ECE of the answer is what the evaluation reports.
        if (j < capture.stepLogits.size() &&
            int64_t(capture.stepLogits[j].size()) >= kMinPairs) {
            temperatures[j] = fitTemperature(capture.stepLogits[j], capture.stepRight[j], kMinPairs);
        }
    }
    model->setCriticTemperatures(temperatures);
    // Logged as stored (the buffer is float32), so the log matches the checkpoint.
    temperatures = model->criticTemperatures();
    for (size_t j = 0; j < temperatures.size(); ++j) {
        metrics["val/critic_temperature/" + std::to_string(j)] = temperatures[j];
    }
    return metrics;
}

double rawEquivalentThreshold(double threshold, double temperature) {
    if (!(threshold > 0.0 && threshold < 1.0) || !(temperature > 0.0)) {
        return threshold;
    }
    const double z = std::log(threshold / (1.0 - threshold)) / temperature;
    return 1.0 / (1.0 + std::exp(-z));
}

std::map<std::string, double> calibrateCriticAnswers(model::MoRModel& model,
                                                     const CritiqueCapture& capture,
                                                     const ModelConfig& config) {
    constexpr int64_t kMinAnswers = 20;
    constexpr double kMinAnswerTemperature = 0.5;
    std::vector<double> temperatures = model->criticTemperatures();
    for (size_t j = 0; j < temperatures.size(); ++j) {
        const bool haveAnswers = j < capture.answerLogits.size() && j < capture.answerRight.size()
                                 && int64_t(capture.answerLogits[j].size()) >= kMinAnswers;
        double rightAnswers = 0.0;
        if (haveAnswers) {
            for (const double y : capture.answerRight[j]) {
                rightAnswers += y;
            }
        }
        const double answers = haveAnswers ? double(capture.answerRight[j].size()) : 0.0;
        // Answers of one kind only: the NLL falls all the way to the search bound (T = 0.01,
        // the critique a step function of sign z), so the steps' fit stands in.
        if (haveAnswers && rightAnswers > 0.5 && rightAnswers < answers - 0.5) {
            // At least 0.5: answers separable by the sign of z drive the fit towards T = 0.01,
            // where sigmoid(z / T) saturates in float32 and halting at the mapped threshold
            // would no longer stop where the raw critic stops (measured: T = 0.01 on
            // adaptive-depth seed 2). The NLL is unimodal in log T: this is the bounded optimum.
            temperatures[j] = std::max(kMinAnswerTemperature,
                                       fitTemperature(capture.answerLogits[j],
                                                      capture.answerRight[j], kMinAnswers));
        } else if (j < capture.stepLogits.size()
                   && int64_t(capture.stepLogits[j].size()) >= kMinAnswers) {
            temperatures[j] = std::max(kMinAnswerTemperature,
                                       fitTemperature(capture.stepLogits[j],
                                                      capture.stepRight[j], kMinAnswers));
        }
    }
    model->setCriticTemperatures(temperatures);
    temperatures = model->criticTemperatures(); // as stored (float32): halting maps with these
    std::vector<double> thresholds(temperatures.size(), -1.0);
    std::map<std::string, double> metrics;
    for (size_t j = 0; j < temperatures.size(); ++j) {
        metrics["val/critic_temperature/" + std::to_string(j)] = temperatures[j];
        if (j < config.experts.size() && config.experts[j].halting == HaltingRule::Critique
            && config.experts[j].kind != ExpertKind::Nested) {
            thresholds[j] =
                rawEquivalentThreshold(config.experts[j].haltThreshold, temperatures[j]);
        }
    }
    model->setHaltThresholds(thresholds);
    thresholds = model->haltThresholds();
    for (size_t j = 0; j < thresholds.size(); ++j) {
        if (thresholds[j] >= 0.0) {
            metrics["val/halt_threshold/" + std::to_string(j)] = thresholds[j];
        }
    }
    return metrics;
}

double tuneHaltThreshold(const std::vector<double>& stepLogits, const std::vector<double>& stepRight,
                         const std::vector<int64_t>& rowSteps, double temperature,
                         double configured) {
    const double t = temperature > 0.0 ? temperature : 1.0;
    // Per pair: its calibrated critiques and rightness, as a run of steps in the flat lists.
    std::vector<size_t> start;
    size_t at = 0;
    double reference = 0.0; // right answers of the pass itself (each pair's last step)
    for (const int64_t n : rowSteps) {
        if (n <= 0 || at + size_t(n) > stepLogits.size() || at + size_t(n) > stepRight.size()) {
            return configured; // not the layout CritiqueCapture promises
        }
        start.push_back(at);
        at += size_t(n);
        reference += stepRight[at - 1];
    }
    if (start.empty()) {
        return configured;
    }
    std::vector<double> critique(stepLogits.size());
    for (size_t i = 0; i < stepLogits.size(); ++i) {
        critique[i] = 1.0 / (1.0 + std::exp(-stepLogits[i] / t));
    }
    const auto rightAt = [&](double tau) {
        double right = 0.0;
        for (size_t r = 0; r < start.size(); ++r) {
            const size_t first = start[r], last = first + size_t(rowSteps[r]) - 1;
            size_t halt = last;
            for (size_t i = first; i < last; ++i) {
                if (critique[i] >= tau) {
                    halt = i;
                    break;
                }
            }
            right += stepRight[halt];
        }
        return right;
    };
    // Fixed-sequence search down the grid (as in Learn-then-Test / CALM): from the configured
    // threshold downwards, stop at the first tau that loses a right answer and keep the one
    // above it. Taking the lowest passing tau anywhere on the grid would pick, among many
    // candidates, one that passes by the noise of this one split (measured: a lower test
    // accuracy on adaptive-depth seed 3).
    double best = configured;
    for (auto k = int64_t(std::ceil(configured * 100.0 - 1e-9)) - 1; k >= 0; --k) {
        const double tau = double(k) / 100.0;
        if (rightAt(tau) < reference - 1e-9) {
            break;
        }
        best = tau;
    }
    return best;
}

std::map<std::string, double> tuneHaltThresholds(model::MoRModel& model,
                                                 const CritiqueCapture& capture,
                                                 const ModelConfig& config) {
    const std::vector<double> temperatures = model->criticTemperatures();
    std::vector<double> thresholds(temperatures.size(), -1.0);
    std::map<std::string, double> metrics;
    for (size_t j = 0; j < thresholds.size() && j < config.experts.size(); ++j) {
        const auto& expert = config.experts[j];
        if (expert.halting != HaltingRule::Critique || expert.kind == ExpertKind::Nested || j >= capture.rowSteps.size()) {
            continue;
        }
        thresholds[j] = tuneHaltThreshold(capture.stepLogits[j], capture.stepRight[j],
                                          capture.rowSteps[j], temperatures[j],
                                          expert.haltThreshold);
    }
    model->setHaltThresholds(thresholds);
    thresholds = model->haltThresholds(); // as stored (float32), like the temperatures
    for (size_t j = 0; j < thresholds.size(); ++j) {
        if (thresholds[j] >= 0.0) {
            metrics["val/halt_threshold/" + std::to_string(j)] = thresholds[j];
        }
    }
    return metrics;
}

ReliabilityAccumulator::ReliabilityAccumulator(int64_t bins)
    : m_count(size_t(std::max<int64_t>(1, bins)), 0),
      m_confidence(m_count.size(), 0.0), m_right(m_count.size(), 0.0) {}

void ReliabilityAccumulator::add(double confidence, double right) {
    if (!std::isfinite(confidence) || !std::isfinite(right)) {
        return;
    }
    const double c = std::clamp(confidence, 0.0, 1.0);
    const int64_t bins = int64_t(m_count.size());
    const auto bin = size_t(std::min<int64_t>(bins - 1, int64_t(c * double(bins))));
    ++m_count[bin];
    m_confidence[bin] += c;
    m_right[bin] += right;
    ++m_total;
}

double ReliabilityAccumulator::ece() const {
    if (m_total == 0) {
        return 0.0;
    }
    double sum = 0.0;
    for (size_t b = 0; b < m_count.size(); ++b) {
        // n_b/N * |acc_b - conf_b| = |sum right - sum confidence| / N
        sum += std::abs(m_right[b] - m_confidence[b]);
    }
    return sum / double(m_total);
}

std::vector<ReliabilityBin> ReliabilityAccumulator::table() const {
    std::vector<ReliabilityBin> out;
    const double width = 1.0 / double(m_count.size());
    for (size_t b = 0; b < m_count.size(); ++b) {
        ReliabilityBin bin;
        bin.lo = double(b) * width;
        bin.hi = double(b + 1) * width;
        bin.count = m_count[b];
        if (m_count[b] > 0) {
            bin.meanConfidence = m_confidence[b] / double(m_count[b]);
            bin.accuracy = m_right[b] / double(m_count[b]);
        }
        out.push_back(bin);
    }
    return out;
}

} // namespace mor::train
