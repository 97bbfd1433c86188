#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// A fake mor::EngineInterface for widget tests that link no libtorch: traceSamples answers a
// given trace and records what it was asked; every other operation fails.
#include <mor/engine_interface.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace inspect_test {

class FakeTraceEngine final : public mor::EngineInterface {
public:
    explicit FakeTraceEngine(mor::SampleTrace answer) : m_answer(std::move(answer)) {}
    struct Call {
        std::string logPath;
        int64_t runId = -1, step = -2;
        std::vector<int64_t> sampleIds;
    };
    std::vector<Call> calls() const {
        const std::lock_guard<std::mutex> lock(m_mutex);
        return m_calls;
    }

    mor::Result<std::vector<mor::SampleTrace>>
    traceSamples(const std::string& logPath, int64_t runId, int64_t step,
                 const std::vector<int64_t>& sampleIds) override {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_calls.push_back({logPath, runId, step, sampleIds});
        return std::vector<mor::SampleTrace>{m_answer};
    }
    mor::RunOutcome train(const mor::ExperimentConfig&, const mor::RunOptions&,
                          mor::TrainingObserver*) override {
        return {};
    }
    mor::RunOutcome resume(int64_t, const mor::RunOptions&, mor::TrainingObserver*) override {
        return {};
    }
    mor::Result<std::vector<mor::SampleTrace>> traceRequest(const std::string&, int64_t,
                                                            const mor::TraceRequest&) override {
        return mor::Error{"fake"};
    }
    mor::Result<mor::CounterfactualTable> counterfactualTable(const std::string&, int64_t,
                                                              int64_t) override {
        return mor::Error{"fake"};
    }
    mor::Result<std::vector<mor::TokenTrace>> traceTokens(const std::string&, int64_t, int64_t,
                                                          const std::string&) override {
        return mor::Error{"fake"};
    }
    mor::Result<mor::GenerateResult> generate(const std::string&, int64_t,
                                              const mor::GenerateOptions&) override {
        return mor::Error{"fake"};
    }
    mor::Result<mor::PredictionBatch> predict(const std::string&, int64_t,
                                              const mor::PredictorOptions&,
                                              const std::vector<mor::PredictInput>&) override {
        return mor::Error{"fake"};
    }
    mor::Result<mor::PruneOutcome> pruneRun(const mor::PruneOptions&,
                                            mor::TrainingObserver*) override {
        return mor::Error{"fake"};
    }
    mor::Result<mor::RetrainOutcome> retrainRun(const mor::RetrainOptions&,
                                                mor::TrainingObserver*) override {
        return mor::Error{"fake"};
    }

private:
    mor::SampleTrace m_answer;
    mutable std::mutex m_mutex;
    std::vector<Call> m_calls;
};

} // namespace inspect_test
