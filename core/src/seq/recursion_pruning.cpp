// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq/recursion_pruning.h"

#include "engine/model_family.h"
#include "seq/sequence_eval.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace mor::seq {

namespace {

/// block<b>_layer<l>.<linear>.weight with 2 dimensions.
bool recursionPruneIsBlockWeight(const std::string& name, const torch::Tensor& value) {
    if (name.rfind("block", 0) != 0 || value.dim() != 2) {
        return false;
    }
    const auto dot = name.rfind('.');
    return dot != std::string::npos && name.compare(dot + 1, std::string::npos, "weight") == 0;
}

/// Multiply-adds of the block layers' linear maps per token, all and nonzero.
void recursionPruneBlockMacs(torch::nn::Module& module, double* all, double* nonzero) {
    torch::NoGradGuard noGrad;
    *all = 0.0;
    *nonzero = 0.0;
    for (const auto& item : module.named_parameters(true)) {
        if (recursionPruneIsBlockWeight(item.key(), item.value())) {
            *all += double(item.value().numel());
            *nonzero += double(item.value().ne(0).sum().item<int64_t>());
        }
    }
}

} // namespace

std::vector<std::string> recursionPruneWeightNames(torch::nn::Module& module) {
    std::vector<std::string> names;
    for (const auto& item : module.named_parameters(true)) {
        if (recursionPruneIsBlockWeight(item.key(), item.value())) {
            names.push_back(item.key());
        }
    }
    return names;
}

std::vector<std::string> recursionPruneUnitNames(torch::nn::Module& module) {
    std::vector<std::string> names;
    const std::string ff1 = ".ff1.weight";
    for (const auto& name : recursionPruneWeightNames(module)) {
        if (name.size() > ff1.size() &&
            name.compare(name.size() - ff1.size(), ff1.size(), ff1) == 0) {
            names.push_back(name);
        }
    }
    return names;
}

bool recursionCapDepth(RecursionConfig& config, int64_t cap, std::string* note,
                       std::string* error) {
    if (cap < 1 || cap >= config.recursions) {
        *error = "depth: the cap must lie in [1, " + std::to_string(config.recursions - 1) +
                 "] (the run has " + std::to_string(config.recursions) + " recursions)";
        return false;
    }
    const int64_t from = config.recursions;
    if (config.routing == RecursionRouting::TokenChoice) {
        // The router keeps all N_r gates; recursionApplyDepthCap clamps the chosen depth.
        *note = "recursions capped at " + std::to_string(cap) + " of " + std::to_string(from) +
                " (token_choice: each token's chosen depth clamped to the cap, stored in the "
                "checkpoint)";
        return true;
    }
    config.recursions = cap;
    if (config.capacity != "linear") {
        // An explicit schedule: its first `cap` fractions (they do not increase, so the
        // truncated list is valid as well).
        std::istringstream in(config.capacity);
        std::string item, kept;
        for (int64_t r = 0; r < cap && std::getline(in, item, ','); ++r) {
            kept += (r ? "," : "") + item;
        }
        config.capacity = kept;
    }
    *note = "recursions capped at " + std::to_string(cap) + " of " + std::to_string(from) +
            " (tokens routed deeper stop at the cap)";
    return true;
}

bool recursionApplyDepthCap(engine::ModelFamily& family, int64_t cap, std::string* error) {
    auto* recursion = dynamic_cast<RecursionFamily*>(&family);
    if (!recursion) {
        *error = "depth: not a recursion model";
        return false;
    }
    auto& model = recursion->model();
    if (model->config().routing != RecursionRouting::TokenChoice) {
        return true;
    }
    if (cap < 1 || cap >= model->tokenDepthLimit()) {
        *error = "depth: the cap must be below the run's present maximum of " +
                 std::to_string(model->tokenDepthLimit()) + " recursions";
        return false;
    }
    model->setTokenDepthCap(cap);
    return true;
}

PruneMeasure recursionPruneMeasure(RecursionFamily& family, const EvalResult& test) {
    PruneMeasure m;
    auto& model = family.model();
    const RecursionConfig& c = model->config();
    m.testAccuracy = test.accuracy;
    m.testLoss = test.loss;
    m.meanDepth = test.meanDepth;
    m.parameters = engine::countParameters(*model);
    {
        torch::NoGradGuard noGrad;
        for (const auto& p : model->parameters(true)) {
            m.nonzeroParameters += p.ne(0).sum().item<int64_t>();
        }
    }
    m.flopsPerInput = recursionFlopsPerToken(model, test.meanDepth);
    // The block layers' linear maps, as recursionFlopsPerToken counts them.
    const double linear = recursionLinearFlopsPerLayer(c);
    const double blockLayers = test.meanDepth * double(c.layersPerBlock);
    // The block layers' linear maps scaled by their nonzero share (an estimate: a zero row of
    // ff1 also makes its ff2 column idle, which is not subtracted).
    double all = 0.0, nonzero = 0.0;
    recursionPruneBlockMacs(*model, &all, &nonzero);
    const double zeroShare = all > 0.0 ? 1.0 - nonzero / all : 0.0;
    m.sparseFlopsPerInput = m.flopsPerInput - blockLayers * linear * zeroShare;
    m.expertStepsPerInput = test.meanDepth;
    return m;
}

std::vector<double> recursionSequenceAccuracy(RecursionModel& model,
                                              const data::SequenceSplit& split,
                                              int64_t batchSize) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = model->is_training();
    model->eval();
    const int64_t T = split.length;
    const auto longs = torch::TensorOptions().dtype(torch::kLong);
    const auto device = model->parameters().front().device();
    batchSize = std::max<int64_t>(1, batchSize);
    std::vector<double> out;
    for (int64_t from = 0; from < split.count; from += batchSize) {
        const int64_t b = std::min(batchSize, split.count - from);
        const auto offset = static_cast<size_t>(from * T);
        auto inputs = torch::from_blob(const_cast<int64_t*>(split.inputs.data() + offset),
                                       {b, T}, longs)
                          .to(device, /*non_blocking=*/false, /*copy=*/true);
        auto targets = torch::from_blob(const_cast<int64_t*>(split.targets.data() + offset),
                                        {b, T}, longs)
                           .to(device, /*non_blocking=*/false, /*copy=*/true);
        const auto pass = model->forward(inputs, false);
        const auto mask = targets.ge(0);
        const auto hit = pass.logits.argmax(-1).eq(targets.clamp_min(0)).logical_and(mask);
        const auto hits = hit.sum(1).to(torch::kDouble).cpu().contiguous();
        const auto scored = mask.sum(1).to(torch::kDouble).cpu().contiguous();
        const double* h = hits.data_ptr<double>();
        const double* n = scored.data_ptr<double>();
        for (int64_t i = 0; i < b; ++i) {
            if (n[i] > 0.0) {
                out.push_back(h[i] / n[i]);
            }
        }
    }
    model->train(wasTraining);
    return out;
}

} // namespace mor::seq
