#pragma once
// Grouped dispatch: reflection experts of one shape computed together. Their routed rows are
// sorted by expert (no padding), and every layer of every reflection step is one segment product
// (grouped_linear.h: each expert's block of rows times its own weights, one autograd node) over
// all experts of the group, with one compaction per step for the whole group in evaluation and
// the loss terms once per group in training, instead of a gather, a few small products and a
// scatter per expert. The parameters, their names and the checkpoint layout are the experts'
// own: this changes the computation only.
#include "model/halting_policy.h"
#include "model/reflection_expert.h"
#include "mor/config.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace mor::model {

/// When MoRModel runs groups of equal experts grouped (same results within float rounding;
/// tst_grouped_dispatch). Training by default: grouped training measured 1.03-2.2x faster than
/// per-expert at every expert count and batch from 1 to 1024, grouped answer-only evaluation
/// 1.07-1.2x slower at E = 2 or batch 1 (tests/bench/results/issue20.md, session 12), so
/// evaluation, traces and serving stay per-expert. (Since session 24 a group's answer-only pass
/// runs each member's block through the fused step where it can; since session 37 it ends in
/// the answer-only tail as per-expert passes do, answer_only_pass.cpp.) Never under autocast.
enum class GroupedDispatchMode { Training, Always, Never };
void setGroupedDispatchMode(GroupedDispatchMode mode);
GroupedDispatchMode groupedDispatchMode();
/// Always (on) or Never (off): the comparisons in tests and benchmarks.
void setGroupedDispatch(bool on);
/// Whether a training (or evaluation) pass runs groups now: the mode, and no autocast.
bool groupedDispatch(bool training = true);

/// True when the expert can be computed in a group: a gru or mlp cell, reading neither token
/// states nor raw features.
bool groupable(const ReflectionExpertImpl& expert);

/// Groups (of at least two experts, each list ascending) of groupable experts whose shape and
/// halting settings are equal; every other expert runs on its own.
std::vector<std::vector<int64_t>> expertGroups(const std::vector<ExpertConfig>& configs,
                                               const std::vector<ReflectionExpert>& experts);

/// A group that a pass runs together: its experts' indices (ascending) and their modules.
struct DispatchGroup {
    std::vector<int64_t> experts;
    std::vector<ReflectionExpertImpl*> members;
};

/// The groups a training (or evaluation) pass runs grouped: expertGroups(), and in evaluation
/// only those whose members read their critique alike (sameCalibration); the other experts run
/// on their own.
std::vector<DispatchGroup> dispatchGroups(const std::vector<ExpertConfig>& configs,
                                          const std::vector<ReflectionExpert>& experts,
                                          bool training);

/// What a group computed in one pass.
struct GroupRun {
    std::vector<torch::Tensor> rows; ///< per member: int64 [n_g] batch rows, ascending
    std::vector<ExpertRun> runs;     ///< per member (views into the group's tensors); n_g > 0 only
    torch::Tensor batchRows;         ///< int64 [N]: batch row of each routed (row, member) pair
    torch::Tensor members;           ///< int64 [N]: member index of each pair
    torch::Tensor answer;            ///< [N, C]
    torch::Tensor confidence;        ///< [N]
    torch::Tensor iterations;        ///< int64 [N]
    /// The whole group's run over its N routed pairs (the members' runs are its parts), for
    /// losses computed once per group (model_losses.cpp).
    ExpertRun all;
};

/// One group's pass, as ReflectionExpertImpl::reflect on each member's rows: every step for
/// every row (training), or with shrink (evaluation) only the rows still reflecting, compacted
/// once per step for the whole group. Rows are those the mask (bool [B, G], column g = member
/// g) selects; e [B, H]; `policy` is the members' (equal) halting policy. Evaluation reads the
/// first member's critic temperature and halting threshold: see sameCalibration().
GroupRun reflectGroup(const std::vector<ReflectionExpertImpl*>& experts,
                      const HaltingPolicy& policy, const torch::Tensor& e,
                      const torch::Tensor& mask, bool shrink = false);

/// True when the members read their critique alike in evaluation: the same fitted critic
/// temperature and the same active halting threshold (else they are evaluated one by one).
bool sameCalibration(const std::vector<ReflectionExpertImpl*>& experts);

} // namespace mor::model
