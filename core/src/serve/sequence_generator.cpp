// SPDX-License-Identifier: GPL-3.0-or-later
// mor::SequenceGenerator: a recursion run loaded once, sampling text for `mor serve`.
#include "mor/predictor.h"

#include "mor/trainer.h"

#include "data/sequence_data.h"
#include "engine/model_family.h"
#include "engine/run.h"
#include "serve/loaded_run.h"
#include "serve/weight_archive.h"
#include "seq/sequence_probes.h"

#include <torch/torch.h>

#include <algorithm>

namespace mor {

namespace serve {

bool loadRecursionRun(const std::string& logPath, int64_t runId, const PredictorOptions& options,
                      seq::LoadedSequenceRun* out, std::string* error) {
    if (options.checkpoint != "last" && options.weights.empty()) {
        *error = "run " + std::to_string(runId) +
                 " is a recursion model; only its last checkpoint can be served (--checkpoint last)";
        return false;
    }
    // The run read once (engine::readRun), its checkpoint picked and the network built as
    // every recursion run is loaded (seq/sequence_store.cpp).
    engine::StoredRun stored;
    if (!engine::readRun(logPath, runId, &stored, error) ||
        !seq::loadSequenceCheckpoint(stored, options.step, out, error)) {
        return false;
    }
    setThreads(options.threads >= 0 ? options.threads : out->config.train.threads);
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

} // namespace serve

struct SequenceGenerator::Impl {
    seq::LoadedSequenceRun run;
    GeneratorSummary summary;
};

SequenceGenerator::SequenceGenerator() : m(std::make_unique<Impl>()) {}
SequenceGenerator::~SequenceGenerator() = default;

const GeneratorSummary& SequenceGenerator::summary() const {
    return m->summary;
}

Result<std::unique_ptr<SequenceGenerator>>
SequenceGenerator::open(const std::string& logPath, int64_t runId,
                        const PredictorOptions& options) {
    std::string err;
    std::unique_ptr<SequenceGenerator> g(new SequenceGenerator());
    try {
        if (!serve::loadRecursionRun(logPath, runId, options, &g->m->run, &err)) {
            return Error{err};
        }
    } catch (const std::exception& e) {
        return Error{"cannot load run " + std::to_string(runId) + ": " + e.what()};
    }
    seq::LoadedSequenceRun& r = g->m->run;
    GeneratorSummary& s = g->m->summary;
    s.runId = runId;
    s.runName = r.runName;
    s.runStatus = r.runStatus;
    s.dataset = dataKindName(r.config.data.kind);
    s.vocabSize = int64_t(r.vocab.size());
    s.contextLength = r.model->maxLen();
    s.maxRecursions = int(r.model->recursions());
    s.routing = choiceName(r.config.model.recursion.routing, recursionRoutingNames());
    s.parameters = engine::countParameters(*r.model);
    s.checkpointStep = r.step;
    s.checkpointPath = r.checkpointPath;
    return g;
}

GenerateResult SequenceGenerator::generate(const GenerateOptions& options) {
    // The one generation loop (seq/sequence_api.cpp), on the run loaded once by open().
    auto generated = seq::generateTokens(m->run, options);
    if (!generated) {
        GenerateResult failed;
        failed.error = generated.error();
        return failed;
    }
    return std::move(*generated);
}

} // namespace mor
