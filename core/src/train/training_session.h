#pragma once
// One training run from start (or a checkpoint) to its end: the loop behind
// trainExperiment() and resumeExperiment().
#include "model/mor_model.h"
#include "mor/experiment_log.h"
#include "mor/trainer.h"
#include "train/checkpoint.h"
#include "train/tensors.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace mor::train {

class DistributedGroup;

class TrainingSession {
public:
    TrainingSession(ExperimentConfig config, Dataset dataset, torch::Device device,
                    ExperimentLog* log, TrainingObserver* observer);

    /// Trains data-parallel in `group` (not owned; outlives the session). Only rank 0 should
    /// get a log: it evaluates and writes checkpoints while the others wait for it.
    void setDistributed(DistributedGroup* group) { m_group = group; }
    /// Starts a new run (logs it when there is a log).
    RunOutcome runNew(const RunOptions& options);
    /// Continues `runId` from the checkpoint at `checkpointPath` with `state`; an empty path
    /// (killed before its first checkpoint) restarts it from step 0.
    RunOutcome runResumed(int64_t runId, const std::string& checkpointDir,
                          const std::string& checkpointPath, const CheckpointState& state);

private:
    RunOutcome loop(CheckpointState state);
    void logSamples();
    void evaluateAndLog(CheckpointState& state, bool* improved);
    bool writeCheckpoint(const CheckpointState& state, bool best);
    /// The critic temperatures fitted at the last evaluation (evaluation, checkpoints, test)
    /// or T = 1 (training steps); no-op without calibration.
    void useCalibratedCritics(bool calibrated);
    void event(const std::string& level, const std::string& message);
    std::vector<int64_t> epochOrder(int64_t epoch) const;
    bool startDistributed(int64_t step, std::string* error);

    ExperimentConfig m_config;
    Dataset m_dataset;
    torch::Device m_device;
    ExperimentLog* m_log;
    TrainingObserver* m_observer;
    DataTensors m_data;
    model::MoRModel m_model{nullptr};
    std::unique_ptr<torch::optim::AdamW> m_adamw;
    std::unique_ptr<torch::optim::SGD> m_sgd;
    torch::optim::Optimizer* m_optimizer = nullptr;
    int64_t m_runId = 0;
    std::string m_checkpointDir;
    std::string m_lastCheckpoint;
    std::vector<int64_t> m_routingIds; ///< validation inputs whose routing is snapshotted
    std::vector<double> m_criticTemperatures; ///< held-out calibration of the last evaluation
    DistributedGroup* m_group = nullptr;
};

/// Checkpoint folder for a run: options.checkpointDir or "<log>.checkpoints/run-<id>".
std::string checkpointDirFor(const std::string& logPath, int64_t runId);
/// The model for a config and data shape, on `device`.
model::MoRModel buildModel(const ExperimentConfig& config, const Dataset& dataset,
                           const torch::Device& device);
/// Resolves "cpu" | "cuda" | "auto"; error when CUDA is asked for but absent.
bool resolveDevice(const std::string& name, torch::Device* device, std::string* error);

} // namespace mor::train
