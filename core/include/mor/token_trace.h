#pragma once
// What a Mixture-of-Recursions sequence model did on one probe sequence: per token, how many
// recursions it received, the router's score at every recursion and what the model would have
// predicted had the token stopped after each recursion. No torch types (GUI and CLI read it).
#include <cstdint>
#include <string>
#include <vector>

namespace mor {

/// One token position of a traced sequence.
struct TokenStep {
    std::string text;               ///< the input token as display text ("a", "\\n", "1")
    int64_t target = -1;            ///< the token to predict at this position (-1 = none)
    std::string targetText;         ///< display text of the target
    int depth = 0;                  ///< recursions this token received (1..maxRecursions)
    /// Router score at each recursion r = 1..maxRecursions (sigmoid / softmax score the
    /// router gave this token for continuing into recursion r; 0 when not scored). Mixture-
    /// of-Depths: at each block; a block without a router (depth_every) stores 1.
    std::vector<float> routerScores;
    /// Prediction had the token left after recursion r (head applied to its state then);
    /// size = depth. Mixture-of-Depths: after every block, size = maxRecursions (older logs
    /// hold the first `depth` blocks only).
    std::vector<int64_t> recursionPreds;
    /// Probability of the target after recursion r; size = depth.
    std::vector<float> recursionTargetProbs;
    int64_t pred = -1;              ///< final prediction
    float loss = 0.f;               ///< negative log-likelihood of the target (nats)
    int difficulty = -1;            ///< task-defined difficulty class (-1 = none), e.g. carries
    /// routing "mixture_of_depths": the blocks (0-based) this token skipped on the residual
    /// path; empty for the other routings.
    std::vector<int> skippedBlocks;
};

/// One traced sequence.
struct TokenTrace;

/// Counts over traces' tokens that every reader of them states alike (the Sequence view's
/// summary and plots, `mor trace`).
struct TraceCounts {
    int tokens = 0;      ///< positions
    int scored = 0;      ///< tokens with a depth (>= 1 recursion)
    double depthSum = 0; ///< their recursions in all
    int targets = 0;     ///< tokens with a target
    int right = 0;       ///< of those, predicted right
    /// Mean recursions per scored token (0 when none).
    double meanDepth() const { return scored > 0 ? depthSum / double(scored) : 0.0; }
};
/// The counts over every token of `traces` (core/src/log/token_trace_summary.cpp).
TraceCounts traceCounts(const std::vector<TokenTrace>& traces);

/// What the recursions past the first did to a trace's predictions: of the tokens with a target
/// that went deeper than one recursion, how many were wrong after recursion 1 and right at
/// their depth (fixed), and how many the other way round (broken).
struct RecursionEffect {
    int scored = 0; ///< tokens with a target and a prediction after recursion 1
    int deeper = 0; ///< of those, tokens that went past recursion 1
    int fixed = 0;  ///< wrong after recursion 1, right after the last
    int broken = 0; ///< right after recursion 1, wrong after the last
};
/// The effect over a trace's tokens (core/src/log/token_trace_summary.cpp).
RecursionEffect recursionEffect(const TokenTrace& trace);

/// The characters (UTF-8, each listed once, in order) of `typed` that the trace of it does not
/// contain: what the tokenizer left out as unknown to the model. When the trace is just the
/// end of `typed` (a text longer than the model's context), none, and *cutAtStart is set.
std::vector<std::string> droppedCharacters(const std::string& typed, const TokenTrace& trace,
                                           bool* cutAtStart);

struct TokenTrace {
    int64_t sampleId = -1;          ///< index of the probe sequence in the data set
    int maxRecursions = 0;          ///< N_r of the model
    std::string routing;            ///< "expert_choice" | "token_choice" | "fixed" | "vanilla"
    std::vector<TokenStep> tokens;  ///< in sequence order
    /// Names of the difficulty classes used in TokenStep::difficulty (may be empty).
    std::vector<std::string> difficultyNames;
};

} // namespace mor
