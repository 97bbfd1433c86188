#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// One training run of any model family, from the start or a checkpoint to its end: the one
// loop behind trainExperiment() and resumeExperiment().
#include "engine/best_weights.h"
#include "engine/checkpoint.h"
#include "engine/model_family.h"
#include "mor/experiment_log.h"
#include "mor/trainer.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace mor::engine {

class DistributedGroup;

class TrainingSession {
public:
    TrainingSession(ExperimentConfig config, std::unique_ptr<ModelFamily> family,
                    torch::Device device, ExperimentLog* log, TrainingObserver* observer);

    /// Trains data-parallel in `group` (not owned; outlives the session). Only rank 0 should
    /// get a log: it evaluates and writes checkpoints while the others wait for it.
    void setDistributed(DistributedGroup* group) { m_group = group; }
    /// Starts a new run (logs it when there is a log).
    RunOutcome runNew(const RunOptions& options);
    /// Continues `runId` from the checkpoint at `checkpointPath` with `state`; an empty path
    /// (killed before its first checkpoint) restarts it from step 0.
    RunOutcome runResumed(int64_t runId, const std::string& checkpointDir,
                          const std::string& checkpointPath, const CheckpointState& state);

    ModelFamily& family() { return *m_family; }
    torch::optim::Optimizer& optimizer() { return *m_optimizer; }
    const std::string& optimizerName() const { return m_optimizerName; }

private:
    RunOutcome loop(CheckpointState state);
    RunOutcome fail(RunOutcome out);
    bool weightsFinite();
    void evaluateAndLog(CheckpointState& state, bool* improved);
    bool writeCheckpoint(const CheckpointState& state, bool best);
    /// Waits for the queued checkpoint writes and reports their errors; false when a best.pt
    /// was not written.
    bool finishCheckpoints();
    void event(const std::string& level, const std::string& message);
    bool startDistributed(int64_t step, std::string* error);
    void testOnBest(RunOutcome& out, const CheckpointState& state);
    /// Puts m_bestWeights back and lets the family refresh what it derives from them; false
    /// (nothing changed) when the module no longer has the same tensors.
    bool restoreBestWeights();

    ExperimentConfig m_config;
    std::unique_ptr<ModelFamily> m_family;
    torch::Device m_device;
    ExperimentLog* m_log;
    TrainingObserver* m_observer;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    std::string m_optimizerName;
    int64_t m_runId = 0;
    std::string m_checkpointDir;
    std::string m_lastCheckpoint;   ///< the last checkpoint known to be complete
    std::string m_queuedCheckpoint; ///< the last checkpoint queued (complete or not)
    int64_t m_bestQueuedStep = -1;  ///< step of the best.pt this session queued last
    /// This session's best validation's weights: the test split is evaluated on them with or
    /// without a log, without reading best.pt back.
    BestWeights m_bestWeights;
    DistributedGroup* m_group = nullptr;
    CheckpointWriter m_checkpoints; ///< last: destroyed (waited for) first
};

} // namespace mor::engine
