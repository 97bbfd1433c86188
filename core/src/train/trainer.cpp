// SPDX-License-Identifier: GPL-3.0-or-later
// The reflection-only answers of a logged run (train/reflection_probes.h: traces and the
// counterfactual table, called by mor::Run) and the parameter count of mor/trainer.h.
// Training, resuming and evaluating any family is the engine's (api/engine_api.cpp).
#include "mor/trainer.h"

#include "engine/checkpoint.h"
#include "model/counterfactual.h"
#include "train/checkpoint.h"
#include "train/evaluator.h"
#include "train/reflection_family.h"
#include "train/reflection_probes.h"

#include <algorithm>

namespace mor {

int64_t countParameters(const ExperimentConfig& config, int64_t numFeatures, int64_t numClasses,
                        int64_t numDomains) {
    model::ModelShape shape{numFeatures, numClasses, std::max<int64_t>(1, numDomains)};
    model::MoRModel m(config.model, shape);
    return engine::countParameters(*m);
}

namespace train {

Result<std::vector<SampleTrace>> traceReflectionRun(const engine::StoredRun& run,
                                                    ReflectionFamily& family,
                                                    const TraceRequest& request) {
    try {
        const auto& dataset = family.dataset();
        const std::string bad = model::checkIntervention(
            request.intervention, int64_t(run.config.model.experts.size()));
        if (!bad.empty()) {
            return Error{bad};
        }
        if (!request.features.empty()) { // typed inputs: no label, no domain
            std::vector<float> flat;
            std::vector<int64_t> ids;
            for (const auto& row : request.features) {
                if (int64_t(row.size()) != dataset.numFeatures) {
                    return Error{"a typed input has " + std::to_string(row.size()) +
                                 " features; the run's data set has " +
                                 std::to_string(dataset.numFeatures)};
                }
                flat.insert(flat.end(), row.begin(), row.end());
                ids.push_back(-1);
            }
            const auto x = torch::tensor(flat).view({int64_t(ids.size()), dataset.numFeatures});
            return family.model()->trace(x.to(family.data().features.device()), {}, {}, ids,
                                         request.intervention);
        }
        for (int64_t id : request.sampleIds) {
            if (id < 0 || id >= dataset.size()) {
                return Error{"sample " + std::to_string(id) + " is not in the data set (0.." +
                             std::to_string(dataset.size() - 1) + ")"};
            }
        }
        auto b = family.data().batch(request.sampleIds);
        return family.model()->trace(b.x, b.y, b.domain, request.sampleIds,
                                     request.intervention);
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what()};
    }
}

Result<CounterfactualTable> reflectionCounterfactualTable(const engine::StoredRun& run,
                                                          ReflectionFamily& family,
                                                          int64_t checkpointStep) {
    try {
        setThreads(run.config.train.threads);
        const auto& test = family.dataset().test;
        auto b = family.data().batch(test);
        CounterfactualTable out;
        out.runId = run.summary.id;
        out.step = checkpointStep;
        out.samples = int64_t(test.size());
        out.rows = model::counterfactualRows(
            *family.model(), b.x, b.y, b.domain, std::max<int64_t>(256, run.config.train.batchSize),
            &out.maxDepth, &out.bestExpert);
        return out;
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what()};
    }
}

} // namespace train

} // namespace mor
