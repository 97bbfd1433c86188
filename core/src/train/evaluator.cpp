#include "train/evaluator.h"

#include <algorithm>
#include <chrono>

namespace mor::train {

EvalResult evaluate(model::MoRModel& model, const DataTensors& data,
                    const std::vector<int64_t>& indices, int64_t batchSize,
                    const std::string& split, RoutingCapture* routing) {
    EvalResult r;
    r.split = split;
    const bool wasTraining = model->is_training();
    model->eval();
    torch::NoGradGuard noGrad;

    const int64_t experts = static_cast<int64_t>(model->config().experts.size());
    int64_t tmax = 1;
    for (const auto& e : model->config().experts) {
        tmax = std::max<int64_t>(tmax, e.maxDepth);
    }
    const auto dev = data.features.device();
    auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    torch::Tensor routedCount = torch::zeros({experts}, f64);
    torch::Tensor stepSum = torch::zeros({experts}, f64);
    torch::Tensor stepCorrect = torch::zeros({tmax}, f64);
    double correct = 0, lossSum = 0, conflicts = 0, flops = 0;
    std::map<std::string, double> termSums;
    double seconds = 0;
    int64_t n = 0, batches = 0;

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
        stepSum += out.steps.to(torch::kCPU).to(torch::kFloat64).sum(0);
        if (out.stepPreds.defined()) {
            auto sp = out.stepPreds.to(torch::kCPU);
            auto yc = batch.y.to(torch::kCPU);
            const int64_t rows = std::min<int64_t>(tmax, sp.size(0));
            for (int64_t t = 0; t < rows; ++t) {
                stepCorrect[t] += sp[t].eq(yc).sum().to(torch::kFloat64);
            }
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
    return r;
}

} // namespace mor::train
