// SPDX-License-Identifier: GPL-3.0-or-later
// mor::SequenceGenerator: a recursion run loaded once, sampling text for `mor serve`.
#include "mor/predictor.h"

#include "mor/trainer.h"

#include "engine/model_family.h"
#include "serve/loaded_run.h"
#include "seq/sequence_probes.h"

#include <torch/torch.h>

#include <algorithm>

namespace mor {

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
