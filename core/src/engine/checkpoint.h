#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoints of any family, one naming scheme: <dir>/step-<8 digits>.pt (weights),
// <path>.optim (optimizer), the family's extra state next to it, and <dir>/best.pt (the
// weights with the best validation accuracy so far). Every file is written to a temporary
// name and renamed, the weights last. The training state (step, best accuracy, ...) goes into
// the log's checkpoints row.
#include "mor/log_reader.h"

#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mor::engine {

class ModelFamily;

struct CheckpointState {
    int64_t step = 0;
    int64_t evaluations = 0;
    int64_t badEvaluations = 0; ///< evaluations since the best one (early stopping)
    double bestAccuracy = -1.0;
    int64_t bestStep = -1;

    std::string toJson() const;
    static CheckpointState fromJson(const std::string& json);
};

/// "<log>.checkpoints/run-<id>": where a run's checkpoints go unless RunOptions says otherwise.
std::string checkpointDirFor(const std::string& logPath, int64_t runId);
/// "<dir>/step-00000123.pt".
std::string checkpointFile(const std::string& dir, int64_t step);
/// "<dir>/best.pt".
std::string bestCheckpointFile(const std::string& dir);

/// The checkpoint at or before `step` (the last one when step < 0); nullptr when none.
const CheckpointInfo* pickCheckpoint(const std::vector<CheckpointInfo>& checkpoints, int64_t step);
/// best.pt in the folder of the run's checkpoints when it exists, else "".
std::string bestCheckpointOf(const std::vector<CheckpointInfo>& checkpoints);

using BufferFilter = std::function<bool(const std::string& name)>;

/// Weights of `module` to `path` and, when given, the optimizer to `<path>.optim`.
bool saveModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, std::string* error);
/// Reads saveModule's files by parameter name; buffers `mayBeMissing` accepts may be absent.
/// The optimizer part is read when given and present.
bool loadModule(const std::string& path, torch::nn::Module& module,
                torch::optim::Optimizer* optimizer, const BufferFilter& mayBeMissing,
                std::string* error);

/// A family's checkpoint: its extra state, the optimizer (when given), then the weights.
bool saveCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error);
bool loadCheckpoint(const std::string& path, ModelFamily& family,
                    torch::optim::Optimizer* optimizer, std::string* error);

/// Writes `text` to `path` through a temporary file and a rename.
bool writeFileAtomically(const std::string& path, const std::string& text, std::string* error);

/// Writes a training's checkpoints on one background thread, so that the training thread
/// only copies the weights and the optimizer state (issue 20: serialising them took ~4 ms per
/// checkpoint on the training thread). The files are those saveCheckpoint writes, in the same
/// order (the family's extra state at once on the caller's thread, then the optimizer, then the
/// weights, each through a temporary name and a rename), from the copies taken when save() was
/// called. Checkpoints are written in the order they were queued.
///
/// This object is the one place that knows about pending writes: a checkpoint file of the
/// session may be read only after wait() (or the destructor) returned, and `done` (called on the
/// writer thread once all files of a checkpoint are in place) is where the log row that
/// announces the checkpoint to readers and to resume is pushed.
class CheckpointWriter {
public:
    struct Written {
        std::string path;     ///< the checkpoint (weights; the optimizer in <path>.optim)
        bool ok = true;       ///< false: the checkpoint is incomplete and must not be announced
        std::string bestPath; ///< "" when it was not the best so far
        bool bestOk = true;   ///< false: bestPath was not (fully) written
        std::string error;    ///< what failed, "" when nothing did
    };
    using Done = std::function<void(const Written&)>;

    CheckpointWriter();
    ~CheckpointWriter(); ///< waits for every queued checkpoint
    CheckpointWriter(const CheckpointWriter&) = delete;
    CheckpointWriter& operator=(const CheckpointWriter&) = delete;

    /// Queues the checkpoint `path` (weights and, when given, the optimizer) and, when
    /// `bestPath` is not empty, the same weights as `bestPath` (no optimizer). Returns false with
    /// `error` when the family's extra state could not be written (nothing is queued then). An
    /// optimizer other than AdamW or SGD is written at once on the caller's thread.
    bool save(const std::string& path, const std::string& bestPath, ModelFamily& family,
              torch::optim::Optimizer* optimizer, Done done, std::string* error);
    /// Blocks until every queued checkpoint is written; returns what was written (or failed)
    /// since the previous wait(), in queue order.
    std::vector<Written> wait();
    /// Blocks until no queued checkpoint writes `file` (as its path or its best path): the
    /// file is then complete (or its write failed: wait() says) and may be read. Later
    /// checkpoints that do not write it are not waited for.
    void waitFor(const std::string& file);

private:
    struct Job;
    void threadMain();

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<Job>> m_jobs;
    bool m_busy = false, m_stop = false;
    std::string m_busyPath, m_busyBestPath; ///< the files of the job being written
    std::vector<Written> m_written;
    std::thread m_thread;
};

} // namespace mor::engine
