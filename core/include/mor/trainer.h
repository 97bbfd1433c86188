#pragma once
// Running experiments: train, resume, evaluate, trace a checkpoint. The CLI and the GUI
// both call these; progress comes back through TrainingObserver (on the calling thread).
#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/evaluation.h"
#include "mor/trace.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor {

struct TrainingProgress {
    int64_t runId = 0;
    int64_t step = 0;        ///< optimizer steps done
    int64_t totalSteps = 0;
    int64_t epoch = 0;       ///< 1-based
    int64_t epochs = 0;
    double loss = 0.0;       ///< total loss of the last step
    double learningRate = 0.0;
    double samplesPerSecond = 0.0;
    double etaSeconds = 0.0;
    std::map<std::string, double> lossTerms;
};

/// Receives progress; polled for pause and stop between batches. Called on the training thread.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onStarted(int64_t runId, int64_t totalSteps) {}
    virtual void onProgress(const TrainingProgress& progress) {}
    virtual void onEvaluation(int64_t step, const EvalResult& validation) {}
    virtual void onEvent(const std::string& level, const std::string& message) {}
    virtual void onFinished(const std::string& status) {}
    virtual bool stopRequested() { return false; }
    virtual bool pauseRequested() { return false; }
};

struct RunOptions {
    std::string logPath;       ///< empty: nothing is logged (benchmarks)
    std::string name;          ///< run name (default: the config's name)
    int64_t seed = -1;         ///< overrides train.seed when >= 0
    std::string device;        ///< overrides train.device when set
    int64_t threads = -1;      ///< overrides train.threads when >= 0
    std::vector<std::string> tags;
    std::string checkpointDir; ///< default: "<log>.checkpoints/run-<id>"

    // Data-parallel training (README, "Data-parallel training"): worldSize processes train
    // one model; each takes its slice of every global batch of train.batch_size inputs and
    // the gradients are averaged with c10d (Gloo on CPU, NCCL on CUDA). Rank 0 writes the
    // log and the checkpoints. The CLI fills these from RANK, WORLD_SIZE, MASTER_ADDR, ...
    int64_t rank = 0;                        ///< this process, in [0, worldSize)
    int64_t worldSize = 1;                   ///< 1: no data parallelism
    int64_t localRank = 0;                   ///< rank on this machine (picks the CUDA device)
    std::string masterAddr = "127.0.0.1";    ///< host of rank 0's rendezvous store
    int64_t masterPort = 29500;
    int64_t distributedTimeoutSeconds = 120; ///< a collective waiting longer fails the run
};

struct RunOutcome {
    int64_t runId = 0;
    std::string status;        ///< finished | stopped | failed
    std::string error;         ///< why it failed (config, data, NaN, ...)
    EvalResult test;           ///< evaluation on the test split (when finished)
    int64_t steps = 0;
    double seconds = 0.0;
    int64_t parameters = 0;
};

RunOutcome trainExperiment(const ExperimentConfig& config, const RunOptions& options,
                           TrainingObserver* observer);
/// Continues run `runId` of the log from its last checkpoint.
RunOutcome resumeExperiment(const std::string& logPath, int64_t runId, const RunOptions& options,
                            TrainingObserver* observer);
/// Re-evaluates the last checkpoint of a run on its test split.
RunOutcome evaluateRun(const std::string& logPath, int64_t runId, std::string* error);

/// Runs the checkpoint at `step` (the last one when step < 0) on the given samples of the
/// run's data set and returns their full traces. Used by the stepper for any input.
std::vector<SampleTrace> traceCheckpoint(const std::string& logPath, int64_t runId, int64_t step,
                                         const std::vector<int64_t>& sampleIds,
                                         std::string* error);

/// Writes the weights of a run's last checkpoint in a format Python PyTorch loads
/// (a TorchScript archive of named tensors).
bool exportWeights(const std::string& logPath, int64_t runId, const std::string& outPath,
                   std::string* error);

/// Number of trainable parameters of the model the config describes.
int64_t countParameters(const ExperimentConfig& config, int64_t numFeatures, int64_t numClasses,
                        int64_t numDomains);

/// Sets the intra-op thread count (0 = all cores); LibTorch starts at 1 here.
void setThreads(int64_t threads);
/// "cpu" or "cuda" — what "auto" resolves to on this build and machine.
std::string bestDevice();

} // namespace mor
