// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/engineaccess.h"

#include <mor/engine_interface.h>

#include <QCoreApplication>

#include <atomic>

namespace common {

namespace {

std::atomic<mor::EngineInterface*> g_engineAccessInstalled{nullptr};

std::string engineAccessMissing() {
    return QCoreApplication::translate(
               "EngineAccess",
               "this program has no training engine (it only reads logs): train, trace and "
               "generate in MoR Studio or with the mor command")
        .toStdString();
}

/// What engine() answers when nothing is installed: every call fails with the message above.
class EngineAccessMissingEngine final : public mor::EngineInterface {
public:
    mor::RunOutcome train(const mor::ExperimentConfig&, const mor::RunOptions&,
                          mor::TrainingObserver*) override {
        return failed<mor::RunOutcome>(0);
    }
    mor::RunOutcome resume(int64_t runId, const mor::RunOptions&,
                           mor::TrainingObserver*) override {
        return failed<mor::RunOutcome>(runId);
    }
    mor::Result<std::vector<mor::SampleTrace>>
    traceSamples(const std::string&, int64_t, int64_t, const std::vector<int64_t>&) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<std::vector<mor::SampleTrace>> traceRequest(const std::string&, int64_t,
                                                            const mor::TraceRequest&) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<mor::CounterfactualTable> counterfactualTable(const std::string&, int64_t,
                                                              int64_t) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<std::vector<mor::TokenTrace>> traceTokens(const std::string&, int64_t, int64_t,
                                                          const std::string&) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<mor::GenerateResult> generate(const std::string&, int64_t,
                                              const mor::GenerateOptions&) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<mor::PredictionBatch> predict(const std::string&, int64_t,
                                              const mor::PredictorOptions&,
                                              const std::vector<mor::PredictInput>&) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<mor::PruneOutcome> pruneRun(const mor::PruneOptions&,
                                            mor::TrainingObserver*) override {
        return mor::Error{engineAccessMissing()};
    }
    mor::Result<mor::RetrainOutcome> retrainRun(const mor::RetrainOptions&,
                                                mor::TrainingObserver*) override {
        return mor::Error{engineAccessMissing()};
    }

private:
    template <typename Outcome>
    static Outcome failed(int64_t runId) {
        Outcome out;
        out.runId = runId;
        out.status = "failed";
        out.error = engineAccessMissing();
        return out;
    }
};

} // namespace

void EngineAccess::install(mor::EngineInterface* engine) {
    g_engineAccessInstalled.store(engine);
}

bool EngineAccess::installed() {
    return g_engineAccessInstalled.load() != nullptr;
}

mor::EngineInterface& EngineAccess::engine() {
    if (mor::EngineInterface* engine = g_engineAccessInstalled.load()) {
        return *engine;
    }
    static EngineAccessMissingEngine missing;
    return missing;
}

} // namespace common
