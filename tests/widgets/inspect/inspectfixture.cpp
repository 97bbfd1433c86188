#include "inspectfixture.h"

#include <mor/experiment_log.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <sstream>

namespace inspect_test {

namespace {

std::vector<float> softmax(const std::vector<double>& logits) {
    const double top = *std::max_element(logits.begin(), logits.end());
    std::vector<float> p(logits.size());
    double sum = 0.0;
    for (size_t i = 0; i < logits.size(); ++i) {
        p[i] = float(std::exp(logits[i] - top));
        sum += p[i];
    }
    for (float& v : p) {
        v = float(v / sum);
    }
    return p;
}

float sigmoid(double x) {
    return float(1.0 / (1.0 + std::exp(-x)));
}

int64_t argmax(const std::vector<float>& v) {
    return std::max_element(v.begin(), v.end()) - v.begin();
}

double entropy(const std::vector<float>& p) {
    double h = 0.0;
    for (float v : p) {
        h -= v > 0 ? v * std::log(v) : 0.0;
    }
    return h;
}

/// Weighted Jensen-Shannon divergence, normalised to [0, 1] by log(classes).
float weightedJsd(const std::vector<std::vector<float>>& qs, const std::vector<double>& w) {
    std::vector<float> mix(qs.front().size(), 0.f);
    double inner = 0.0;
    for (size_t j = 0; j < qs.size(); ++j) {
        for (size_t k = 0; k < mix.size(); ++k) {
            mix[k] += float(w[j] * qs[j][k]);
        }
        inner += w[j] * entropy(qs[j]);
    }
    return float((entropy(mix) - inner) / std::log(double(mix.size())));
}

} // namespace

FixtureRun writeFixtureRun(const std::string& path, const FixtureOptions& o, std::string* error) {
    FixtureRun result;
    auto log = mor::ExperimentLog::open(path, error);
    if (!log) {
        return result;
    }
    std::ostringstream config;
    config << R"({"name":"inspect fixture","model":{"router":{"strategy":"top_k","top_k":2},)"
           << R"("integration":{"conflict_threshold":)" << result.conflictThreshold
           << R"(,"resolution":"re_reflect"},"experts":[)";
    for (int e = 0; e < o.experts; ++e) {
        config << (e ? "," : "") << R"({"max_depth":)" << o.maxDepth
               << R"(,"halt_threshold":0.85,"read_features":)" << o.readFeatures << "}";
    }
    config << "]}}";
    mor::RunInfo info;
    info.name = "inspect fixture";
    info.configJson = config.str();
    info.dataset = "mixed";
    info.device = "cpu";
    info.seed = o.seed;
    result.runId = log->createRun(info);

    std::mt19937 rng(o.seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    std::vector<mor::SampleInfo> samples;
    for (int i = 0; i < o.samples; ++i) {
        mor::SampleInfo s;
        s.sampleId = 1000 + i; // ids need not start at 0 or be dense
        s.split = "probe";
        s.domain = i % o.domains;
        s.label = (i / o.domains) % o.classes;
        for (int k = 0; k < o.inputLength; ++k) {
            s.input.push_back(s.domain == 0 ? float(unit(rng) < 0.5) : float(noise(rng)));
        }
        s.preview = "domain " + std::to_string(s.domain) + " sample " + std::to_string(i);
        samples.push_back(s);
    }
    log->logSamples(result.runId, samples);

    const int k = std::min(2, o.experts);
    for (int evalIndex = 0; evalIndex < o.evalSteps; ++evalIndex) {
        const int64_t step = 100 * (evalIndex + 1);
        result.steps.push_back(step);
        const double progress = double(evalIndex + 1) / o.evalSteps; // training gets better
        std::vector<float> probs;
        std::vector<uint8_t> mask;
        std::vector<int64_t> ids;
        std::vector<mor::SampleTrace> traces;
        int conflicts = 0, right = 0;
        for (const mor::SampleInfo& s : samples) {
            mor::SampleTrace t;
            t.sampleId = s.sampleId;
            t.label = s.label;
            t.domain = s.domain;
            // The router learns a domain -> expert preference as training goes on.
            std::vector<double> logits(size_t(o.experts));
            for (int e = 0; e < o.experts; ++e) {
                logits[size_t(e)] =
                    0.6 * noise(rng) + (e == s.domain % o.experts ? 2.5 * progress : 0.0);
            }
            t.routerProbs = softmax(logits);
            std::vector<int> order(size_t(o.experts));
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [&](int a, int b) {
                return t.routerProbs[size_t(a)] > t.routerProbs[size_t(b)];
            });
            std::vector<int> selected(order.begin(), order.begin() + k);
            std::sort(selected.begin(), selected.end());
            t.mask.assign(size_t(o.experts), 0);
            t.gates.assign(size_t(o.experts), 0.f);
            double gateSum = 0.0;
            for (int e : selected) {
                gateSum += t.routerProbs[size_t(e)];
            }
            for (int e : selected) {
                t.mask[size_t(e)] = 1;
                t.gates[size_t(e)] = float(t.routerProbs[size_t(e)] / gateSum);
            }
            // A few hard inputs where the experts pull towards different classes.
            const bool hard = unit(rng) < 0.25;
            std::vector<std::vector<float>> answers;
            std::vector<double> weights;
            for (int e : selected) {
                mor::ExpertTrace x;
                x.expert = e;
                x.routerProb = t.routerProbs[size_t(e)];
                x.gate = t.gates[size_t(e)];
                const bool specialist = e == s.domain % o.experts;
                const int64_t target =
                    hard && !specialist ? (s.label + 1 + e) % o.classes : s.label;
                std::vector<double> draft(size_t(o.classes));
                for (int c = 0; c < o.classes; ++c) {
                    draft[size_t(c)] = 0.5 * noise(rng);
                }
                for (int iter = 1; iter <= o.maxDepth; ++iter) {
                    // Each reflection moves the draft towards what the expert believes.
                    draft[size_t(target)] += (0.4 + 0.8 * progress) * (specialist ? 1.3 : 0.9);
                    for (double& v : draft) {
                        v += 0.15 * noise(rng);
                    }
                    mor::StepTrace st;
                    st.iteration = iter;
                    st.probs = softmax(draft);
                    st.pred = argmax(st.probs);
                    st.correct = st.pred == s.label;
                    st.critique =
                        sigmoid(6.0 * (st.probs[size_t(st.pred)] - 0.55) + 0.3 * noise(rng));
                    st.haltProb = sigmoid(1.5 * (iter - 2.5) + 3.0 * (st.critique - 0.5));
                    x.steps.push_back(st);
                    if (st.critique >= 0.85) {
                        break; // critique-gated halting: really stop computing
                    }
                }
                x.haltStep = int(x.steps.size());
                x.confidence = x.steps.back().critique;
                x.pred = x.steps.back().pred;
                answers.push_back(x.steps.back().probs);
                weights.push_back(x.gate * x.confidence);
                t.experts.push_back(x);
            }
            const double wSum = std::accumulate(weights.begin(), weights.end(), 0.0);
            for (double& w : weights) {
                w /= wSum;
            }
            t.fusedProbs.assign(size_t(o.classes), 0.f);
            for (size_t j = 0; j < answers.size(); ++j) {
                t.experts[j].fusionWeight = float(weights[j]);
                t.expertSteps += int(t.experts[j].steps.size());
                for (int c = 0; c < o.classes; ++c) {
                    t.fusedProbs[size_t(c)] += float(weights[j] * answers[j][size_t(c)]);
                }
            }
            t.conflictScore = weightedJsd(answers, weights);
            int confident = 0;
            for (const auto& x : t.experts) {
                confident += x.confidence >= 0.6 ? 1 : 0;
            }
            t.conflict = t.conflictScore > result.conflictThreshold && confident >= 2;
            t.winner = t.experts[size_t(std::max_element(weights.begin(), weights.end()) -
                                        weights.begin())]
                           .expert;
            if (t.conflict) {
                t.resolution = "re_reflect";
                ++conflicts;
            }
            t.finalPred = argmax(t.fusedProbs);
            t.correct = t.finalPred == t.label;
            right += t.correct ? 1 : 0;
            std::vector<float> sorted = t.fusedProbs;
            std::sort(sorted.rbegin(), sorted.rend());
            t.margin = sorted.size() > 1 ? sorted[0] - sorted[1] : sorted[0];
            t.flops = 1000.0 * t.expertSteps;

            probs.insert(probs.end(), t.routerProbs.begin(), t.routerProbs.end());
            mask.insert(mask.end(), t.mask.begin(), t.mask.end());
            ids.push_back(s.sampleId);
            traces.push_back(std::move(t));
        }
        log->logRouting(result.runId, step, int64_t(samples.size()), o.experts, probs, mask, ids);
        log->logTraces(result.runId, step, traces);
        log->logMetrics(result.runId, step,
                        {{"val/accuracy", double(right) / o.samples},
                         {"val/conflict_rate", double(conflicts) / o.samples}});
    }
    log->setStatus(result.runId, "finished");
    log->flush();
    return result;
}

} // namespace inspect_test
