#pragma once
// Hand-made token traces for the sequence view tests: plausible values with every case the view
// must draw (spaces, newlines, digits, punctuation, several depths, a wrong prediction).
#include <mor/token_trace.h>

#include <map>
#include <vector>

namespace sequence_test {

/// One probe sequence "ab 1,\\nc" of a 3-recursion model (7 tokens; the newline escaped as
/// real traces write it); `seed` varies the depths.
mor::TokenTrace makeTrace(int64_t sampleId, int seed = 0, bool withDifficulty = false);
/// Probe traces at evaluation steps 100, 200 and 300 (two sequences per step; deeper later).
std::map<int64_t, std::vector<mor::TokenTrace>> makeRun(bool withDifficulty = false);

/// The first of the deepest tokens at or after `from` (`from` when none is deeper).
int deepestToken(const mor::TokenTrace& trace, int from = 0);
/// The last token of exactly `depth` recursions (0 when none has it).
int lastTokenOfDepth(const mor::TokenTrace& trace, int depth);

} // namespace sequence_test
