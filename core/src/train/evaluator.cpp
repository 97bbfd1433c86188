#include "train/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mor::train {

namespace {

/// Reliability of the critique per reflection step and of each expert's answer, from the
/// eval-only criticLogits / stepCorrect [T, B, E] (NaN where the step did not run).
struct CritiqueStats {
    std::vector<double> temperatures;
    std::vector<ReliabilityAccumulator> perStep;
    ReliabilityAccumulator answer;
    CritiqueCapture* capture = nullptr;

    void add(const torch::Tensor& logits, const torch::Tensor& correct) {
        const auto z = logits.to(torch::kCPU).to(torch::kFloat64).contiguous();
        const auto y = correct.to(torch::kCPU).to(torch::kFloat64).contiguous();
        const int64_t steps = z.size(0), rows = z.size(1), experts = z.size(2);
        const auto za = z.accessor<double, 3>();
        const auto ya = y.accessor<double, 3>();
        if (int64_t(perStep.size()) < steps) {
            perStep.resize(size_t(steps));
        }
        if (capture && int64_t(capture->stepLogits.size()) < experts) {
            for (auto* v : {&capture->stepLogits, &capture->stepRight, &capture->answerLogits,
                            &capture->answerRight}) {
                v->resize(size_t(experts));
            }
            capture->rowSteps.resize(size_t(experts));
        }
        for (int64_t b = 0; b < rows; ++b) {
            for (int64_t e = 0; e < experts; ++e) {
                const double temperature =
                    size_t(e) < temperatures.size() && temperatures[size_t(e)] > 0
                        ? temperatures[size_t(e)]
                        : 1.0;
                int64_t last = -1, ran = 0;
                for (int64_t t = 0; t < steps; ++t) {
                    const double zt = za[t][b][e], yt = ya[t][b][e];
                    if (!std::isfinite(zt) || !std::isfinite(yt)) {
                        continue;
                    }
                    last = t;
                    ++ran;
                    perStep[size_t(t)].add(1.0 / (1.0 + std::exp(-zt / temperature)), yt);
                    if (capture) {
                        capture->stepLogits[size_t(e)].push_back(zt);
                        capture->stepRight[size_t(e)].push_back(yt);
                    }
                }
                if (last < 0) {
                    continue; // expert not selected for this input
                }
                // The answer is the draft of the last step that ran: the halting step.
                const double zt = za[last][b][e], yt = ya[last][b][e];
                answer.add(1.0 / (1.0 + std::exp(-zt / temperature)), yt);
                if (capture) {
                    capture->answerLogits[size_t(e)].push_back(zt);
                    capture->answerRight[size_t(e)].push_back(yt);
                    capture->rowSteps[size_t(e)].push_back(ran);
                }
            }
        }
    }
};

} // namespace

EvalResult evaluate(model::MoRModel& model, const DataTensors& data,
                    const std::vector<int64_t>& indices, int64_t batchSize,
                    const std::string& split, RoutingCapture* routing,
                    CritiqueCapture* critique) {
    EvalResult r;
    r.split = split;
    const bool wasTraining = model->is_training();
    model->eval();
    // Inference mode, not only no-grad: no autograd or version-counter bookkeeping per op
    // (the same kernels and values). Nothing computed here leaves as a tensor (the results
    // are numbers and copied vectors), so no inference tensor reaches training. (Issue 20,
    // session 10: the adaptive-depth saving ratio did not change measurably with it.)
    c10::InferenceMode inferenceMode;

    const int64_t experts = static_cast<int64_t>(model->config().experts.size());
    int64_t tmax = 1;
    for (const auto& e : model->config().experts) {
        tmax = std::max<int64_t>(tmax, e.maxDepth);
    }
    auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor routedCount = torch::zeros({experts}, f64);
    torch::Tensor stepSum = torch::zeros({experts}, f64);
    torch::Tensor stepCorrect = torch::zeros({tmax}, f64);
    double correct = 0, lossSum = 0, conflicts = 0, flops = 0;
    std::map<std::string, double> termSums;
    double seconds = 0;
    int64_t n = 0, batches = 0;
    const int64_t classes = std::max<int64_t>(1, model->shape().classes);
    const int64_t domains = std::max<int64_t>(1, model->shape().domains);
    torch::Tensor classRouted = torch::zeros({classes, experts}, f64);
    torch::Tensor classCount = torch::zeros({classes}, f64);
    torch::Tensor domainRouted = torch::zeros({domains, experts}, f64);
    torch::Tensor domainCount = torch::zeros({domains}, f64);
    double agreeing = 0;
    bool batchRouting = false;
    CritiqueStats critiqueStats;
    critiqueStats.temperatures = model->criticTemperatures();
    critiqueStats.capture = critique;
    if (critique) {
        *critique = CritiqueCapture{};
    }

    for (size_t start = 0; start < indices.size(); start += size_t(batchSize)) {
        const size_t end = std::min(indices.size(), start + size_t(batchSize));
        std::vector<int64_t> part(indices.begin() + long(start), indices.begin() + long(end));
        auto batch = data.batch(part);
        const auto t0 = std::chrono::steady_clock::now();
        model::ForwardOutput out = model->forward(batch.x, batch.y, batch.domain);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const int64_t b = batch.x.size(0);
        n += b;
        ++batches;
        correct += out.logits.argmax(1).eq(batch.y).sum().item<double>();
        if (out.losses.count("task")) {
            lossSum += out.losses.at("task").item<double>() * double(b);
        }
        for (const auto& [name, value] : out.losses) {
            termSums[name] += value.item<double>() * double(b);
        }
        auto mask = out.mask.to(torch::kCPU).to(torch::kFloat64);
        routedCount += mask.sum(0);
        const auto yCpu = batch.y.to(torch::kCPU);
        classRouted.index_add_(0, yCpu, mask);
        classCount.index_add_(0, yCpu, torch::ones({b}, f64));
        if (batch.domain.defined()) {
            const auto dCpu = batch.domain.to(torch::kCPU).clamp(0, domains - 1);
            domainRouted.index_add_(0, dCpu, mask);
            domainCount.index_add_(0, dCpu, torch::ones({b}, f64));
        }
        if (out.batchMask.defined()) {
            batchRouting = true;
            agreeing += out.mask.to(torch::kCPU).to(torch::kBool)
                            .eq(out.batchMask.to(torch::kCPU).to(torch::kBool))
                            .all(1)
                            .sum()
                            .item<double>();
        }
        if (out.criticLogits.defined() && out.stepCorrect.defined()) {
            critiqueStats.add(out.criticLogits, out.stepCorrect);
        }
        stepSum += out.steps.to(torch::kCPU).to(torch::kFloat64).sum(0);
        if (out.stepPreds.defined()) {
            auto sp = out.stepPreds.to(torch::kCPU);
            auto yc = batch.y.to(torch::kCPU);
            const int64_t rows = std::min<int64_t>(tmax, sp.size(0));
            // One count per step, all steps in one reduction (exact: integer counts).
            stepCorrect.narrow(0, 0, rows) +=
                sp.narrow(0, 0, rows).eq(yc.unsqueeze(0)).sum(1).to(torch::kFloat64);
        }
        conflicts += out.conflict.to(torch::kFloat64).sum().item<double>();
        if (out.flops.defined()) {
            flops += out.flops.to(torch::kFloat64).sum().item<double>();
        }
        if (routing && int64_t(routing->sampleIds.size()) < routing->maxSamples) {
            const int64_t take =
                std::min<int64_t>(b, routing->maxSamples - int64_t(routing->sampleIds.size()));
            auto p = out.routerProbs.narrow(0, 0, take).to(torch::kCPU).to(torch::kFloat32)
                         .contiguous();
            auto m = out.mask.narrow(0, 0, take).to(torch::kCPU).to(torch::kUInt8).contiguous();
            routing->probs.insert(routing->probs.end(), p.data_ptr<float>(),
                                  p.data_ptr<float>() + p.numel());
            routing->mask.insert(routing->mask.end(), m.data_ptr<uint8_t>(),
                                 m.data_ptr<uint8_t>() + m.numel());
            routing->sampleIds.insert(routing->sampleIds.end(), part.begin(),
                                      part.begin() + take);
        }
    }
    if (wasTraining) {
        model->train();
    }
    if (n == 0) {
        return r;
    }
    const double dn = double(n);
    r.samples = n;
    r.accuracy = correct / dn;
    r.loss = lossSum / dn;
    for (auto& [name, sum] : termSums) {
        r.lossTerms[name] = sum / dn;
    }
    const double totalSelections = routedCount.sum().item<double>();
    const double ideal = totalSelections / double(std::max<int64_t>(1, experts));
    for (int64_t e = 0; e < experts; ++e) {
        const double routed = routedCount[e].item<double>();
        r.activation.push_back(routed / dn);
        r.depthPerExpert.push_back(routed > 0 ? stepSum[e].item<double>() / routed : 0.0);
        if (routed == 0) {
            ++r.deadExperts;
        }
        if (ideal > 0) {
            r.loadIdealMax = std::max(r.loadIdealMax, routed / ideal);
        }
    }
    for (int64_t t = 0; t < tmax; ++t) {
        r.accuracyPerStep.push_back(stepCorrect[t].item<double>() / dn);
    }
    const double steps = stepSum.sum().item<double>();
    r.meanDepth = totalSelections > 0 ? steps / totalSelections : 0.0;
    r.expertStepsPerInput = steps / dn;
    r.conflictRate = conflicts / dn;
    r.flopsPerInput = flops / dn;
    r.latencyMsPerInput = 1000.0 * seconds / dn;
    for (const auto& step : critiqueStats.perStep) {
        r.ecePerStep.push_back(step.ece());
    }
    if (critiqueStats.answer.count() > 0) {
        r.critiqueEce = critiqueStats.answer.ece();
        r.reliability = critiqueStats.answer.table();
    }
    if (batchRouting) {
        r.routingAgreement = agreeing / dn;
    }
    const auto shares = [&](const torch::Tensor& routed, const torch::Tensor& count) {
        std::vector<std::vector<double>> table;
        for (int64_t g = 0; g < routed.size(0); ++g) {
            const double total = count[g].item<double>();
            std::vector<double> row;
            for (int64_t e = 0; e < experts; ++e) {
                row.push_back(total > 0 ? routed[g][e].item<double>() / total : 0.0);
            }
            table.push_back(std::move(row));
        }
        return table;
    };
    r.routingByClass = shares(classRouted, classCount);
    if (domains > 1) { // a mixed data set: one row per domain
        r.routingByDomain = shares(domainRouted, domainCount);
    }
    return r;
}

} // namespace mor::train
