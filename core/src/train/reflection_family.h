#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The reflection classifier (core/src/model) as a ModelFamily of the engine: batches of a
// tabular data set, evaluation with held-out critic calibration, routing snapshots and probe
// traces. Model maths only; the training loop is the engine's.
#include "engine/model_family.h"
#include "model/mor_model.h"
#include "mor/dataset.h"
#include "train/evaluator.h"
#include "train/tensors.h"

namespace mor::train {

/// The model for a config and data shape, on `device`.
model::MoRModel buildModel(const ExperimentConfig& config, const Dataset& dataset,
                           const torch::Device& device);

class ReflectionFamily : public engine::ModelFamily {
public:
    /// Seeds torch with train.seed and builds the model.
    ReflectionFamily(const ExperimentConfig& config, Dataset dataset, const torch::Device& device);

    Family family() const override { return Family::Reflection; }
    torch::nn::Module& module() override { return *m_model; }
    std::vector<int64_t> epochOrder(int64_t epoch) const override;
    engine::BatchLoss forward(const std::vector<int64_t>& rows) override;
    void setTraining(bool training) override;
    EvalResult evaluate(engine::Split split, bool capture) override;
    void logTraces(ExperimentLog& log, int64_t runId, int64_t step) override;
    RunInfo runInfo() const override;
    std::vector<SampleInfo> samples() const override;
    bool loadState(const std::string& checkpointPath, std::string* error) override;
    void weightsRestored() override;
    bool bufferMayBeMissing(const std::string& name) const override;

    model::MoRModel& model() { return m_model; }
    const Dataset& dataset() const { return m_dataset; }
    const DataTensors& data() const { return m_data; }

private:
    /// The critic temperatures fitted at the last evaluation (evaluation, checkpoints, test)
    /// or T = 1 (training steps); no-op without calibration.
    void useCalibratedCritics(bool calibrated);

    ExperimentConfig m_config;
    Dataset m_dataset;
    torch::Device m_device;
    DataTensors m_data;
    model::MoRModel m_model{nullptr};
    std::vector<int64_t> m_routingIds; ///< validation inputs whose routing is snapshotted
    std::vector<double> m_criticTemperatures; ///< held-out calibration of the last evaluation
    RoutingCapture m_routing;          ///< of the last validation pass with capture
};

} // namespace mor::train
