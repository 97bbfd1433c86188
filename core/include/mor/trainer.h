#pragma once
// Training experiments and the types of what a trained run answers. The CLI and the GUI both
// call trainExperiment; a logged run is resumed, evaluated and traced through mor::Run
// (mor/run.h). Progress comes back through TrainingObserver (on the calling thread).
#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/evaluation.h"
#include "mor/trace.h"

#include <cstdint>
#include <map>
#include <optional>
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
    std::optional<DeviceChoice> device; ///< overrides train.device when set
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
    std::string optimizer;      ///< the optimizer the engine built: adamw | adam | sgd
    /// The checkpoint the test metrics were measured on: the run's best.pt (best validation
    /// accuracy) when there is one; empty when no file holds the tested weights (no log).
    std::string testCheckpoint;
    /// The step whose weights the test metrics were measured on: the evaluation with the best
    /// validation accuracy, with or without a log (the session keeps those weights in memory);
    /// the last step when no evaluation ran; -1 when the test split was not evaluated.
    int64_t testStep = -1;
};

/// Trains a new run (resuming one: mor::Run::resume).
RunOutcome trainExperiment(const ExperimentConfig& config, const RunOptions& options,
                           TrainingObserver* observer);

/// A "what if" applied to one pass of a reflection model (counterfactuals, issue 19). The
/// default changes nothing: the plain trace is the intervention-free case of the same pass.
struct Intervention {
    /// > 0: every selected expert stops at step k and answers with its draft and critique of
    /// step min(k, its max depth) (its halting policy is not asked).
    int64_t forceHalt = 0;
    /// > 0: every selected expert runs to its max depth (or forceHalt) and then this many
    /// more steps, and answers with the last one.
    int64_t extraSteps = 0;
    /// Experts dropped from the selection before fusing; an input left with no expert gets
    /// the best remaining one by router p.
    std::vector<int> veto;
    /// Non-empty: every input is routed to exactly these experts.
    std::vector<int> route;
    /// Gates of `route`, one per expert of `route` (empty: their router p, renormalised over
    /// the set when model.router.renormalize is on).
    std::vector<float> routeGates;
    /// The cell reads a zero critique at every step instead of its own last one.
    bool noCritiqueFeedback = false;

    bool active() const {
        return forceHalt > 0 || extraSteps > 0 || !veto.empty() || !route.empty() ||
               noCritiqueFeedback;
    }
    /// Whether the experts themselves reflect differently (not only routing and fusion).
    bool changesReflection() const {
        return forceHalt > 0 || extraSteps > 0 || noCritiqueFeedback;
    }
};

/// What mor::Run::trace runs: a checkpoint of the run and either samples of its data set or
/// typed feature rows, under an intervention.
struct TraceRequest {
    int64_t step = -1;                          ///< checkpoint at or before it; < 0: the last
    std::vector<int64_t> sampleIds;             ///< samples of the run's data set
    std::vector<std::vector<float>> features;   ///< or typed inputs (label -1), used when set
    Intervention intervention;
};

/// One row of the counterfactual table: the test accuracy had the model been changed so.
struct CounterfactualRow {
    std::string kind;          ///< "model" | "halt" | "veto" | "route"
    int64_t value = -1;        ///< halt: k; veto / route: the expert; model: -1
    std::string label;         ///< e.g. "halt at t=3", "veto expert 1", "route all to expert 0"
    double accuracy = 0.0;
    double expertSteps = 0.0;  ///< mean expert-steps per input
};

/// "Is the router / the critique / the k-th step doing any work?": accuracies on the test
/// split of the model as trained ("model"), if every expert halted at step k for
/// k = 1..max depth ("halt"; k = max depth is the fixed-depth accuracy), with each expert
/// vetoed ("veto") and with the router replaced by each fixed expert ("route").
struct CounterfactualTable {
    int64_t runId = 0;
    int64_t step = 0;            ///< checkpoint step
    int64_t samples = 0;         ///< test inputs
    int64_t maxDepth = 0;
    int bestExpert = -1;         ///< the best fixed expert (highest "route" accuracy)
    std::vector<CounterfactualRow> rows;
};

/// Number of trainable parameters of the model the config describes.
int64_t countParameters(const ExperimentConfig& config, int64_t numFeatures, int64_t numClasses,
                        int64_t numDomains);

/// Sets the intra-op thread count (0 = all cores); LibTorch starts at 1 here.
void setThreads(int64_t threads);
/// "cpu" or "cuda" — what "auto" resolves to on this build and machine.
std::string bestDevice();

} // namespace mor
