#pragma once
// Mixture-of-Recursions sequence models (model.family "recursion"): the types of text
// generation with per-token recursion depth (mor::Run::generate, SequenceGenerator), parameter
// counts. Training goes through trainExperiment (trainer.h) like every family.
#include "mor/config.h"
#include "mor/token_trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

/// One token of generated (or prompt) text and the recursions it received.
struct GeneratedToken {
    std::string text;    ///< the token as UTF-8 text (a character, a digit, "+")
    int depth = 0;       ///< recursions this token received (1..maxRecursions)
    bool prompt = false; ///< part of the prompt (depth = what the model spent reading it)
};

struct GenerateOptions {
    std::string prompt;        ///< characters outside the model's vocabulary are replaced
    int64_t tokens = 200;      ///< tokens to sample after the prompt
    double temperature = 1.0;  ///< 0 = greedy
    int64_t seed = 1;
    bool useCache = true;      ///< false: recompute the whole context for every token
    int64_t step = -1;         ///< checkpoint step (-1 = the last one)
};

struct GenerateResult {
    bool ok = false;
    std::string error;
    std::vector<GeneratedToken> tokens; ///< prompt tokens first, then the sampled ones
    int maxRecursions = 0;
    std::string routing;
    int64_t generated = 0;     ///< sampled tokens
    double seconds = 0.0;      ///< time spent sampling (prompt included)
    double tokensPerSecond = 0.0;
    double meanDepth = 0.0;    ///< over the sampled tokens
};

/// Trainable parameters of the recursion model a config describes (for a vocabulary of
/// `vocabSize` tokens); -1 with *error when the config is not a valid recursion model.
int64_t countSequenceParameters(const ExperimentConfig& config, int64_t vocabSize,
                                std::string* error);

/// Positions per sequence of a sequence config (addition: 3 * digits + 2; pointer_chase:
/// 25; else seq_len).
int64_t sequenceLength(const DataConfig& data);

} // namespace mor
