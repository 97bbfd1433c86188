#pragma once
// Data-parallel training: the c10d process group one training process belongs to.
// PyTorch's own collectives do the work (ProcessGroupGloo on CPU, ProcessGroupNCCL on CUDA
// when LibTorch has it), with a TCPStore on rank 0 for the rendezvous, as torchrun does.
// Every collective reports failure (a peer died, the network broke, a timeout) as a value,
// so the training loop can mark the run failed instead of leaving it "running".
#include "mor/trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mor::engine {

/// What one optimizer step measured: on this rank before DistributedGroup::reduceStep(), over
/// all ranks after it. `loss` and `terms` are weighted by the rank's share of the global batch
/// (share = rows here x world size / global rows), so their average over ranks is the loss of
/// the whole global batch.
struct StepStats {
    double loss = 0.0;
    double correct = 0.0;
    int64_t seen = 0;
    bool finite = true; ///< false on every rank when one rank saw a non-finite loss
    bool stop = false;  ///< true on every rank when one rank was asked to stop
    std::map<std::string, double> terms;
};

class DistributedGroup {
public:
    /// Joins the group that options.rank, worldSize, masterAddr and masterPort describe; waits
    /// up to options.distributedTimeoutSeconds for the others. nullptr and `error` on failure.
    static std::unique_ptr<DistributedGroup> join(const RunOptions& options,
                                                  const torch::Device& device,
                                                  std::string* error);
    ~DistributedGroup();

    int64_t rank() const { return m_rank; }
    int64_t worldSize() const { return m_worldSize; }
    bool isMain() const { return m_rank == 0; }
    const std::string& backend() const { return m_backend; }

    /// This rank's contiguous slice of the global micro-batch [begin, end) of the epoch order.
    std::pair<int64_t, int64_t> shard(int64_t begin, int64_t end) const;

    /// Overwrites `tensors` (parameters and buffers) with rank 0's values.
    bool broadcastTensors(const std::vector<torch::Tensor>& tensors, std::string* error);
    /// Averages the gradients of `parameters` over the ranks and sums `stats` element-wise.
    /// A gradient undefined on every rank stays undefined (that parameter did not take part,
    /// as in one process); one defined on some rank only counts as zero elsewhere.
    bool averageGradients(const std::vector<torch::Tensor>& parameters,
                          std::vector<double>* stats, std::string* error);
    /// averageGradients() plus the step statistics: loss and terms averaged, counts summed.
    /// The loss terms reduced are the ones rank 0 had at its first step.
    bool reduceStep(const std::vector<torch::Tensor>& parameters, StepStats* stats,
                    std::string* error);
    /// Every rank gets rank 0's `values`; the others wait up to `wait` (rank 0 may be
    /// evaluating or writing a checkpoint meanwhile). A dead peer fails at once.
    bool broadcastValues(std::vector<double>* values, std::chrono::milliseconds wait,
                         std::string* error);
    /// Rank 0 publishes `text` under `key`; every rank returns rank 0's text.
    bool shareText(const std::string& key, std::string* text, std::string* error);

private:
    DistributedGroup() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    int64_t m_rank = 0;
    int64_t m_worldSize = 1;
    std::string m_backend;
    std::chrono::milliseconds m_timeout{0};
    std::vector<std::string> m_termNames; ///< loss terms reduced each step, in rank 0's order
};

/// The group for a run: nullptr with an empty `error` when options.worldSize <= 1, nullptr
/// with `error` when joining fails. On CUDA each process takes GPU localRank (mod count).
std::unique_ptr<DistributedGroup> joinForRun(const RunOptions& options, torch::Device* device,
                                             std::string* error);

} // namespace mor::engine
