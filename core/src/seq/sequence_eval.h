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
/// and routing_decision_agreement (routed decisions the threshold rule makes the same way).
EvalResult evaluateSequences(RecursionModel& model, const data::SequenceSplit& split,
                             int64_t classes, const std::string& splitName,
                             const std::string& prefix, bool text, int64_t batchSize = 32);

/// Traces of sequences [count x T] (targets / difficulty may be empty = none).
std::vector<TokenTrace> traceSequences(RecursionModel& model, const std::vector<int64_t>& inputs,
                                       const std::vector<int64_t>& targets,
                                       const std::vector<int>& difficulty, int64_t count,
                                       int64_t length, const std::vector<std::string>& vocab,
                                       const std::vector<std::string>& difficultyNames,
                                       int64_t firstSampleId);

} // namespace mor::seq
