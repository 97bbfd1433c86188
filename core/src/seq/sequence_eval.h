#pragma once
// Evaluating a recursion model on fixed sequences (loss, accuracy, depth statistics, depth per
// difficulty class) and turning a pass into TokenTraces for the log and the GUI.
#include "data/sequence_data.h"
#include "mor/evaluation.h"
#include "mor/token_trace.h"
#include "seq/recursion_model.h"

#include <map>
#include <string>
#include <vector>

namespace mor::seq {

/// One pass over a split with causal (inference) routing, in batches: the family-wide
/// EvalResult (split = `split`; samples = sequences; loss = mean NLL per target in nats;
/// accuracy = next-token / answer-digit accuracy; meanDepth = mean recursions per target) and
/// in `metrics`, prefixed `prefix` ("val", "test"): loss, accuracy, mean_depth, depth/<r>
/// (fraction of targets reaching r recursions), bpc (text) and perplexity,
/// depth_class/<k> and accuracy_class/<k> (difficulty classes with targets), and for expert
/// choice routing_agreement (targets whose causal depth equals the training-time top-k depth)
/// and routing_decision_agreement (routed decisions the threshold rule makes the same way);
/// flops: recursionFlopsPerToken at the mean depth of every position (not only the targets').
EvalResult evaluateSequences(RecursionModel& model, const data::SequenceSplit& split,
                             int64_t classes, const std::string& splitName,
                             const std::string& prefix, bool text, int64_t batchSize = 32);

/// Forward FLOPs per token (a multiply-add = 2) when the shared block runs `meanDepth` times
/// per token: per layer the linear maps (qkv, out, ff1, ff2) and causal attention over on
/// average (T + 1) / 2 positions (scores and the weighted sum); the unique edge layers for every
/// token, the block layers `meanDepth` times; the head; the routers (expert choice: one score
/// per recursion entered, token choice: N_r gates, mixture_of_depths: one score per routed
/// block). The sequence evaluation logs it as <prefix>/flops, pruning as flops_per_input.
double recursionFlopsPerToken(const RecursionModel& model, double meanDepth);

/// The FLOPs of one block layer's linear maps for one token (qkv, out, ff1, ff2; a multiply-add
/// = 2): the part of recursionFlopsPerToken's layer that pruning's zero weights can idle.
double recursionLinearFlopsPerLayer(const RecursionConfig& config);

/// Traces of sequences [count x T] (targets / difficulty may be empty = none).
std::vector<TokenTrace> traceSequences(RecursionModel& model, const std::vector<int64_t>& inputs,
                                       const std::vector<int64_t>& targets,
                                       const std::vector<int>& difficulty, int64_t count,
                                       int64_t length, const std::vector<std::string>& vocab,
                                       const std::vector<std::string>& difficultyNames,
                                       int64_t firstSampleId);

} // namespace mor::seq
