#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Several samples of one recursion run generated together with depth-wise batching
// (`mor generate --batch N`): sequence b is what mor::Run::generate gives with seed
// options.seed + b, computed in one batch per step, where each recursion runs only on the
// tokens that continue to it.
#include "mor/result.h"
#include "mor/sequence.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct BatchedGenerateResult {
    std::vector<GenerateResult> sequences; ///< one per seed; their seconds are the batch's
    int maxRecursions = 0;
    std::string routing;
    int64_t generated = 0;        ///< sampled tokens over every sequence
    double seconds = 0.0;         ///< time of the whole batch (prompt included)
    double tokensPerSecond = 0.0; ///< generated / seconds
    double meanDepth = 0.0;       ///< over every sampled token
};

/// `batch` (>= 1) sequences of run `runId` in `logPath` (a recursion run) at options.step.
Result<BatchedGenerateResult> generateBatched(const std::string& logPath, int64_t runId,
                                              const GenerateOptions& options, int64_t batch);

} // namespace mor
