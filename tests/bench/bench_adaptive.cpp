// Item 3 of issue 8: adaptive depth. One model is trained with critique-gated halting; the
// same weights are then evaluated on the test split twice, alternately: with critique-gated
// halting (halted inputs are no longer computed) and with fixed maximum depth. Reported:
// expert-steps per input, wall time per input, their ratios, and both accuracies.
// Goal: wall time falls at least 80% as much as expert-steps do.
#include <torch/torch.h>

#include "benchutil.h"

#include "model/mor_model.h"
#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/trainer.h"
#include "train/tensors.h"

#include <iostream>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int64_t kEvalBatch = 256;
constexpr int64_t kLargeEvalBatch = 4096; ///< diagnostic: the whole test split in one batch
constexpr int kReps = 7;

struct EvalFigures {
    double seconds = 0.0;
    double steps = 0.0; ///< expert-steps over the split
    double correct = 0.0;
    int64_t inputs = 0;
};

EvalFigures evaluate(model::MoRModel& net, const train::DataTensors& data,
                     const std::vector<int64_t>& split, int64_t batch = kEvalBatch)
{
    torch::NoGradGuard noGrad;
    net->eval();
    EvalFigures f;
    const double start = now();
    for (size_t i = 0; i < split.size(); i += size_t(batch)) {
        const std::vector<int64_t> idx(
            split.begin() + long(i), split.begin() + long(std::min(split.size(), i + size_t(batch))));
        const auto b = data.batch(idx);
        const auto out = net->forward(b.x, torch::Tensor(), torch::Tensor());
        f.steps += out.steps.sum().item<double>();
        f.correct += out.logits.argmax(1).eq(b.y).sum().item<double>();
        f.inputs += int64_t(idx.size());
    }
    f.seconds = now() - start;
    return f;
}

} // namespace

int main()
{
    const std::string item = "3 adaptive depth";
    setThreads(2);
    torch::manual_seed(1);
    guarded(item, "critique-gated vs fixed depth", [&] {
        const auto parsed = loadConfigFile(sourcePath("tests/bench/configs/adaptive.json"));
        if (!parsed.ok()) {
            throw std::runtime_error(parsed.message());
        }
        const ExperimentConfig config = parsed.config;
        const auto loaded = loadDataset(config.data, config.train.seed);
        if (!loaded.ok()) {
            throw std::runtime_error(loaded.error);
        }
        const Dataset& ds = loaded.dataset;
        const auto data = train::DataTensors::fromDataset(ds, torch::kCPU);
        model::ModelShape shape;
        shape.inputs = ds.numFeatures;
        shape.classes = ds.numClasses;
        shape.domains = ds.numDomains();

        // Training: plain AdamW loop over the training split with the config's settings.
        model::MoRModel net(config.model, shape);
        torch::optim::AdamW optimizer(net->parameters(),
                                      torch::optim::AdamWOptions(config.train.learningRate)
                                          .weight_decay(config.train.weightDecay));
        const double trainStart = now();
        for (int64_t epoch = 0; epoch < config.train.epochs; ++epoch) {
            net->train();
            const auto order = torch::randperm(int64_t(ds.train.size()));
            const auto trainIdx = train::indexTensor(ds.train, torch::kCPU).index_select(0, order);
            for (int64_t i = 0; i < trainIdx.size(0); i += config.train.batchSize) {
                const auto b = data.batch(
                    trainIdx.narrow(0, i, std::min(config.train.batchSize, trainIdx.size(0) - i)));
                optimizer.zero_grad();
                net->forward(b.x, b.y, b.domain).totalLoss.backward();
                torch::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
                optimizer.step();
            }
        }
        const double trainSeconds = now() - trainStart;

        // The same weights with fixed maximum depth.
        ModelConfig fixedConfig = config.model;
        for (auto& expert : fixedConfig.experts) {
            expert.halting = "fixed";
        }
        model::MoRModel fixed(fixedConfig, shape);
        {
            torch::NoGradGuard noGrad;
            const auto source = net->named_parameters();
            for (auto& p : fixed->named_parameters()) {
                p.value().copy_(source[p.key()]);
            }
        }

        evaluate(net, data, ds.test); // warm-up
        std::vector<EvalFigures> gated, full;
        const PairedTimes t = alternate(
            kReps,
            [&] {
                gated.push_back(evaluate(net, data, ds.test));
                return gated.back().seconds;
            },
            [&] {
                full.push_back(evaluate(fixed, data, ds.test));
                return full.back().seconds;
            });
        const double n = double(gated.front().inputs);
        const double stepsGated = gated.front().steps / n;
        const double stepsFull = full.front().steps / n;
        const double stepRatio = stepsGated / stepsFull;
        const double timeRatio = t.medianRatio();
        const double stepSaving = 1.0 - stepRatio;
        const double timeSaving = 1.0 - timeRatio;
        const double realised = stepSaving > 0 ? timeSaving / stepSaving : 0.0;
        row(item, "expert-steps per input, critique-gated / fixed depth", "(fewer)",
            format("%.2f / %.2f = %.2f", stepsGated, stepsFull, stepRatio), "info",
            format("accuracy %.1f%% gated vs %.1f%% fixed depth (same weights, trained %.0f s)",
                   100.0 * gated.front().correct / n, 100.0 * full.front().correct / n,
                   trainSeconds));
        row(item, "wall time per input, critique-gated / fixed depth", "(fewer)",
            format("%.3f / %.3f ms = %.2f", 1000.0 * t.medianA() / n, 1000.0 * t.medianB() / n,
                   timeRatio),
            "info", format("median of %d alternated pairs, eval batch %lld", kReps,
                           (long long)kEvalBatch));
        row(item, "wall-time saving / expert-step saving", ">= 0.80",
            stepSaving > 0.01 ? format("%.2f", realised) : "n/a",
            stepSaving > 0.01 ? verdict(realised >= 0.8) : "not met",
            stepSaving > 0.01
                ? format("time -%.0f%% vs steps -%.0f%%", 100.0 * timeSaving, 100.0 * stepSaving)
                : "critique never halted early: no step saving to realise");
        // Diagnostic: the same comparison with the whole split in one batch, where the fixed
        // per-call and per-step costs (gather/scatter, one host sync per step) weigh less.
        const PairedTimes large = alternate(
            kReps, [&] { return evaluate(net, data, ds.test, kLargeEvalBatch).seconds; },
            [&] { return evaluate(fixed, data, ds.test, kLargeEvalBatch).seconds; });
        const double largeSaving = 1.0 - large.medianRatio();
        row(item, "  the same, whole test split as one batch", "(diagnostic)",
            stepSaving > 0.01 ? format("%.2f", largeSaving / stepSaving) : "n/a", "info",
            format("time -%.0f%% vs steps -%.0f%%; %.3f vs %.3f ms per input",
                   100.0 * largeSaving, 100.0 * stepSaving, 1000.0 * large.medianA() / n,
                   1000.0 * large.medianB() / n));
    });
    return 0;
}
