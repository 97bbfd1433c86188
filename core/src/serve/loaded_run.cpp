// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a logged run for inference (Predictor, SequenceGenerator, the weight export): the
// run read once by engine::readRun, its family and checkpoint opened by the family registry;
// an exported archive (options.weights) replaces the weights.
#include "serve/loaded_run.h"

#include "engine/run.h"
#include "families/family_registry.h"
#include "model/eval_detail.h"
#include "mor/trainer.h"
#include "seq/recursion_family.h"
#include "serve/weight_archive.h"

#include <algorithm>

namespace mor::serve {

bool loadReflectionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                       LoadedReflectionRun* out, std::string* error) {
    engine::StoredRun stored;
    if (!engine::readRun(logPath, runId, &stored, error)) {
        return false;
    }
    const ExperimentConfig& config = stored.config;
    if (config.model.family != Family::Reflection) {
        *error = "run " + std::to_string(runId) + " is a " + familyName(config.model.family) +
                 " model, not a Mixture-of-Reflection (feature vector) model";
        return false;
    }
    engine::CheckpointChoice choice;
    if (options.weights.empty() &&
        !engine::CheckpointChoice::parse(options.checkpoint, options.step, &choice, error)) {
        return false;
    }
    if (!engine::resolveDevice(config.train.device, &out->device, error)) {
        return false;
    }
    setThreads(options.threads >= 0 ? options.threads : config.train.threads);
    std::unique_ptr<engine::ModelFamily> family;
    if (options.weights.empty()) {
        engine::OpenedFamily opened;
        if (!engine::openFamily(stored, choice, out->device, &opened, error)) {
            return false;
        }
        family = std::move(opened.family);
        out->step = opened.checkpoint.step;
        out->path = opened.checkpoint.path;
    } else {
        // The archive holds every weight: the family as the registry builds it, then the
        // archive read into its network (no checkpoint of the run is needed).
        family = engine::makeFamily(config, out->device, error);
        if (!family || !loadWeightArchive(family->module(), options.weights, error)) {
            return false;
        }
        family->setTraining(false);
        out->step = -1;
        out->path = options.weights;
    }
    out->family.reset(static_cast<train::ReflectionFamily*>(family.release()));
    const Dataset& dataset = out->dataset();
    if (dataset.inputKind != "vector" && dataset.inputKind != "bits" &&
        dataset.inputKind != "image") {
        *error = "run " + std::to_string(runId) + " takes " + dataset.inputKind +
                 " inputs; only feature-vector models can be served";
        return false;
    }
    out->config = config;
    out->model = out->family->model();
    out->name = stored.summary.name;
    out->status = stored.summary.status;
    return true;
}

std::vector<int64_t> predictClasses(model::MoRModel& model, const torch::Tensor& x) {
    c10::InferenceMode inferenceMode; // no autograd bookkeeping; only numbers leave
    const model::EvalDetailGuard answerOnly(false); // only the answer is read
    std::vector<int64_t> out;
    out.reserve(size_t(x.size(0)));
    for (int64_t i = 0; i < x.size(0); i += 512) {
        const auto chunk = x.slice(0, i, std::min(x.size(0), i + 512));
        const auto pred = model->forward(chunk, torch::Tensor(), torch::Tensor())
                              .logits.argmax(1)
                              .to(torch::kCPU, torch::kInt64)
                              .contiguous();
        out.insert(out.end(), pred.data_ptr<int64_t>(), pred.data_ptr<int64_t>() + pred.numel());
    }
    return out;
}

bool loadRecursionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                      seq::LoadedSequenceRun* out, std::string* error) {
    engine::StoredRun stored;
    if (!engine::readRun(logPath, runId, &stored, error) || !seq::checkRecursionRun(stored, error)) {
        return false;
    }
    // The vocabulary is checkpoint state: an archive's weights are read into the network of
    // the checkpoint at or before options.step.
    engine::CheckpointChoice choice;
    choice.step = options.step;
    if (options.weights.empty() &&
        !engine::CheckpointChoice::parse(options.checkpoint, options.step, &choice, error)) {
        return false;
    }
    setThreads(options.threads >= 0 ? options.threads : stored.config.train.threads);
    engine::OpenedFamily opened;
    if (!engine::openFamily(stored, choice, torch::kCPU, &opened, error)) {
        return false;
    }
    auto& family = static_cast<seq::RecursionFamily&>(*opened.family);
    *out = seq::loadedSequenceRun(stored, family, opened.checkpoint.step, opened.checkpoint.path);
    if (!options.weights.empty()) {
        if (!loadWeightArchive(*out->model, options.weights, error)) {
            return false;
        }
        out->step = -1;
        out->checkpointPath = options.weights;
    }
    out->model->eval();
    return true;
}

std::vector<int64_t> predictTokens(seq::RecursionModel& model, const data::SequenceSplit& split) {
    torch::NoGradGuard noGrad;
    std::vector<int64_t> out;
    const int64_t t = split.length;
    for (int64_t i = 0; i < split.count; i += 64) {
        const int64_t n = std::min<int64_t>(64, split.count - i);
        auto input = torch::from_blob(const_cast<int64_t*>(split.inputs.data()) + i * t, {n, t},
                                      torch::kInt64)
                         .clone();
        const auto pred = model->forward(input, false).logits.argmax(-1).contiguous();
        const int64_t* p = pred.data_ptr<int64_t>();
        for (int64_t k = 0; k < n * t; ++k) {
            if (split.targets[size_t(i * t + k)] >= 0) {
                out.push_back(p[k]);
            }
        }
    }
    return out;
}

} // namespace mor::serve
