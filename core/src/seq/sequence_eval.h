#pragma once
// Evaluating a recursion model on fixed sequences (loss, accuracy, depth statistics, depth per
// difficulty class) and turning a pass into TokenTraces for the log and the GUI.
#include "data/sequence_data.h"
#include "mor/token_trace.h"
#include "seq/recursion_model.h"

#include <map>
#include <string>
#include <vector>

namespace mor::seq {

struct SequenceEval {
    int64_t sequences = 0;
    int64_t targets = 0;        ///< positions with a target
    double loss = 0.0;          ///< mean NLL per target (nats)
    double accuracy = 0.0;      ///< next-token / answer-digit accuracy
    double meanDepth = 0.0;     ///< mean recursions per target position
    std::vector<double> depthAtLeast; ///< [r-1]: fraction of target positions reaching r
    std::vector<double> depthPerClass;   ///< mean depth per difficulty class (-1 = none)
    std::vector<double> accuracyPerClass;
    std::vector<int64_t> countPerClass;
    /// expert_choice only (-1 otherwise): fraction of target positions whose inference depth
    /// (causal threshold routing) equals the depth training-time top-k routing gives them.
    double routingAgreement = -1.0;
    /// expert_choice only (-1 otherwise): along the top-k pass, fraction of routed decisions
    /// (active token, recursion with capacity < 1) the threshold rule makes the same way.
    double routingDecisionAgreement = -1.0;
    double seconds = 0.0;
    /// Log metrics with a prefix ("val"): loss, accuracy, mean_depth, depth/<r>, bpc or
    /// perplexity, depth_class/<k>, accuracy_class/<k>, routing_agreement and
    /// routing_decision_agreement (expert_choice).
    std::map<std::string, double> metrics(const std::string& prefix, bool text) const;
};

/// Causal (inference) routing over a split, in batches. Expert choice also runs the
/// training-time top-k routing on the same batches to measure the routing agreement.
SequenceEval evaluateSequences(RecursionModel& model, const data::SequenceSplit& split,
                               int64_t classes, int64_t batchSize = 32);

/// Traces of sequences [count x T] (targets / difficulty may be empty = none).
std::vector<TokenTrace> traceSequences(RecursionModel& model, const std::vector<int64_t>& inputs,
                                       const std::vector<int64_t>& targets,
                                       const std::vector<int>& difficulty, int64_t count,
                                       int64_t length, const std::vector<std::string>& vocab,
                                       const std::vector<std::string>& difficultyNames,
                                       int64_t firstSampleId);

} // namespace mor::seq
