// SPDX-License-Identifier: GPL-3.0-or-later
// The reflection-only entry points of core/include/mor/trainer.h: traces, counterfactuals,
// weights export, parameter counts. Training, resuming and evaluating any family is the
// engine's (engine/engine_api.cpp).
#include "mor/trainer.h"

#include "engine/checkpoint.h"
#include "engine/run.h"
#include "model/counterfactual.h"
#include "train/checkpoint.h"
#include "train/evaluator.h"
#include "train/reflection_family.h"

#include <algorithm>

namespace mor {

namespace {

/// The config, data set and device of a logged reflection run.
struct LoadedRun {
    ExperimentConfig config;
    Dataset dataset;
    torch::Device device{torch::kCPU};
    std::vector<CheckpointInfo> checkpoints;
};

bool loadRun(const std::string& logPath, int64_t runId, LoadedRun* run, std::string* error) {
    engine::StoredRun stored;
    if (!engine::readRunOf(logPath, runId, Family::Reflection,
                           "trace text with traceSequenceCheckpoint (mor generate)", &stored,
                           error)) {
        return false;
    }
    auto data = loadDataset(stored.config.data, stored.config.train.seed);
    if (!data.ok()) {
        *error = data.error;
        return false;
    }
    if (!engine::resolveDevice(stored.config.train.device, &run->device, error)) {
        return false;
    }
    run->config = stored.config;
    run->dataset = std::move(data.dataset);
    run->checkpoints = std::move(stored.checkpoints);
    return true;
}

/// The checkpoint of `run` at `step` (the last one when step < 0, else the latest <= step).
const CheckpointInfo* pickCheckpoint(const LoadedRun& run, int64_t step) {
    return engine::pickCheckpoint(run.checkpoints, step);
}

} // namespace

int64_t countParameters(const ExperimentConfig& config, int64_t numFeatures, int64_t numClasses,
                        int64_t numDomains) {
    model::ModelShape shape{numFeatures, numClasses, std::max<int64_t>(1, numDomains)};
    model::MoRModel m(config.model, shape);
    return engine::countParameters(*m);
}

std::vector<SampleTrace> traceCheckpoint(const std::string& logPath, int64_t runId, int64_t step,
                                         const std::vector<int64_t>& sampleIds,
                                         std::string* error) {
    TraceRequest request;
    request.logPath = logPath;
    request.runId = runId;
    request.step = step;
    request.sampleIds = sampleIds;
    return traceCounterfactual(request, error);
}

namespace {
/// A reflection run's checkpoint, loaded onto its device (counterfactuals and traces).
struct LoadedModel {
    LoadedRun run;
    const CheckpointInfo* checkpoint = nullptr;
    int64_t step = 0; ///< of the weights loaded
    model::MoRModel model{nullptr};
};

bool loadModel(const std::string& logPath, int64_t runId, int64_t step, LoadedModel* out,
               std::string* error) {
    if (!loadRun(logPath, runId, &out->run, error)) {
        return false;
    }
    out->checkpoint = pickCheckpoint(out->run, step);
    if (!out->checkpoint) {
        *error = "run " + std::to_string(runId) + " has no checkpoint" +
                 (step >= 0 ? " at or before step " + std::to_string(step) : std::string());
        return false;
    }
    out->model = train::buildModel(out->run.config, out->run.dataset, out->run.device);
    out->step = out->checkpoint->step;
    return train::loadCheckpoint(out->checkpoint->path, out->model, nullptr, error);
}
} // namespace

std::vector<SampleTrace> traceCounterfactual(const TraceRequest& request, std::string* error) {
    std::string err;
    const auto fail = [&](const std::string& message) {
        if (error) {
            *error = message;
        }
        return std::vector<SampleTrace>{};
    };
    try {
        LoadedModel loaded;
        if (!loadModel(request.logPath, request.runId, request.step, &loaded, &err)) {
            return fail(err);
        }
        const auto& dataset = loaded.run.dataset;
        const std::string bad = model::checkIntervention(
            request.intervention, int64_t(loaded.run.config.model.experts.size()));
        if (!bad.empty()) {
            return fail(bad);
        }
        if (!request.features.empty()) { // typed inputs: no label, no domain
            std::vector<float> flat;
            std::vector<int64_t> ids;
            for (const auto& row : request.features) {
                if (int64_t(row.size()) != dataset.numFeatures) {
                    return fail("a typed input has " + std::to_string(row.size()) +
                                " features; the run's data set has " +
                                std::to_string(dataset.numFeatures));
                }
                flat.insert(flat.end(), row.begin(), row.end());
                ids.push_back(-1);
            }
            const auto x = torch::tensor(flat).view({int64_t(ids.size()), dataset.numFeatures});
            return loaded.model->trace(x, {}, {}, ids, request.intervention);
        }
        for (int64_t id : request.sampleIds) {
            if (id < 0 || id >= dataset.size()) {
                return fail("sample " + std::to_string(id) + " is not in the data set (0.." +
                            std::to_string(dataset.size() - 1) + ")");
            }
        }
        auto data = train::DataTensors::fromDataset(dataset, loaded.run.device);
        auto b = data.batch(request.sampleIds);
        return loaded.model->trace(b.x, b.y, b.domain, request.sampleIds, request.intervention);
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}

bool counterfactualTable(const std::string& logPath, int64_t runId, int64_t step,
                         CounterfactualTable* table, std::string* error) {
    std::string err;
    try {
        LoadedModel loaded;
        if (!loadModel(logPath, runId, step, &loaded, &err)) {
            if (error) {
                *error = err;
            }
            return false;
        }
        setThreads(loaded.run.config.train.threads);
        auto data = train::DataTensors::fromDataset(loaded.run.dataset, loaded.run.device);
        auto b = data.batch(loaded.run.dataset.test);
        CounterfactualTable out;
        out.runId = runId;
        out.step = loaded.step;
        out.samples = int64_t(loaded.run.dataset.test.size());
        out.rows = model::counterfactualRows(
            *loaded.model, b.x, b.y, b.domain,
            std::max<int64_t>(256, loaded.run.config.train.batchSize), &out.maxDepth,
            &out.bestExpert);
        *table = std::move(out);
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = std::string("internal error: ") + e.what();
        }
        return false;
    }
}

bool exportWeights(const std::string& logPath, int64_t runId, const std::string& outPath,
                   std::string* error) {
    std::string err;
    try {
        LoadedRun run;
        if (!loadRun(logPath, runId, &run, &err)) {
            if (error) {
                *error = err;
            }
            return false;
        }
        const CheckpointInfo* ckpt = pickCheckpoint(run, -1);
        if (!ckpt) {
            if (error) {
                *error = "run " + std::to_string(runId) + " has no checkpoint";
            }
            return false;
        }
        auto model = train::buildModel(run.config, run.dataset, torch::Device(torch::kCPU));
        if (!train::loadCheckpoint(ckpt->path, model, nullptr, error)) {
            return false;
        }
        // torch::save writes a TorchScript archive; Python reads it with torch.jit.load().
        torch::save(model, outPath);
        return true;
    } catch (const std::exception& e) {
        if (error) {
            *error = std::string("cannot export weights: ") + e.what();
        }
        return false;
    }
}

} // namespace mor
