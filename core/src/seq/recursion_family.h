#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The Mixture-of-Recursions sequence model (core/src/seq) as a ModelFamily of the engine:
// batches of token sequences (random windows of a text, or the rows of a task), evaluation
// with depth statistics, per-token traces of the probe sequences, the vocabulary as extra
// checkpoint state. Model maths only; the training loop is the engine's.
#include "data/sequence_data.h"
#include "engine/model_family.h"
#include "seq/recursion_model.h"

namespace mor::seq {

class RecursionFamily : public engine::ModelFamily {
public:
    /// Seeds torch with train.seed and builds the model for the data's vocabulary.
    RecursionFamily(const ExperimentConfig& config, data::SequenceData data,
                    const torch::Device& device);

    Family family() const override { return Family::Recursion; }
    torch::nn::Module& module() override { return *m_model; }
    std::vector<int64_t> epochOrder(int64_t epoch) const override;
    void beginStep(int64_t step) override { m_model->setTrainingStep(step); }
    engine::BatchLoss forward(const std::vector<int64_t>& rows) override;
    void setTraining(bool training) override { m_model->train(training); }
    EvalResult evaluate(engine::Split split, bool capture) override;
    void logTraces(ExperimentLog& log, int64_t runId, int64_t step) override;
    RunInfo runInfo() const override;
    std::vector<SampleInfo> samples() const override;
    /// The vocabulary next to the weights (<path>.vocab, JSON).
    bool saveState(const std::string& checkpointPath, std::string* error) override;
    /// Checks that the stored vocabulary is the data's.
    bool loadState(const std::string& checkpointPath, std::string* error) override;
    /// Checkpoints from before the token-choice depth cap have no "token_depth_cap" (= none).
    bool bufferMayBeMissing(const std::string& name) const override {
        return name == "token_depth_cap";
    }

    RecursionModel& model() { return m_model; }
    const data::SequenceData& data() const { return m_data; }

private:
    int64_t probeCount() const;

    ExperimentConfig m_config;
    data::SequenceData m_data;
    torch::Device m_device;
    RecursionModel m_model{nullptr};
};

} // namespace mor::seq
