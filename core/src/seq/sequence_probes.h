#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// What a logged recursion run answers through mor::Run: sampled text and token traces. The
// run is already read (engine::StoredRun); these load the checkpoint weights.
#include "engine/run.h"
#include "mor/result.h"
#include "mor/sequence.h"
#include "mor/token_trace.h"
#include "seq/sequence_store.h"

#include <string>
#include <vector>

namespace mor::seq {

/// The one generation loop (mor generate, mor::Run::generate, mor serve's SequenceGenerator):
/// the prompt, then options.tokens sampled tokens, each with the recursions it received.
/// options.step is not read (the run is already loaded at a checkpoint).
Result<GenerateResult> generateTokens(const LoadedSequenceRun& run,
                                      const GenerateOptions& options);

/// Samples text from `run`'s checkpoint at options.step (a recursion run).
Result<GenerateResult> generateFromRun(const engine::StoredRun& run,
                                       const GenerateOptions& options);

/// `text` through `run`'s checkpoint at `step` with causal routing: one trace per token.
Result<std::vector<TokenTrace>> traceTextOfRun(const engine::StoredRun& run, int64_t step,
                                               const std::string& text);

} // namespace mor::seq
