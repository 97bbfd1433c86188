#pragma once
// The Routing tab for a Mixture-of-Recursions run: its probe tokens at one evaluation step as a
// routing snapshot with a column per recursion (rows = tokens, value = the router's score for
// the token at that recursion, mask = the token went through it), for the routing heatmap, the
// aggregate and the load plot. A Mixture-of-Depths run: a column per block.
//
// A score is a decision only for a token still in the recursions: the router scores the tokens
// that went through recursion r - 1 for recursion r (the paper's expert-choice and
// token-choice routing alike), so recursions past depth + 1 are written NaN, "not scored" (the
// model computes a score for every position, but a token that left is never selected). In a
// Mixture-of-Depths model every routed block's router scores every token.
#include "common/routingheatmap.h"

#include <mor/token_trace.h>

#include <QString>

#include <map>
#include <utility>
#include <vector>

namespace inspect {

struct RecursionRouting {
    mor::RoutingSnapshot snapshot; ///< nSamples = tokens, nExperts = recursions, sampleIds = row
    bool blocks = false; ///< Mixture-of-Depths: columns are blocks, a token skips some of them
    /// Per row: label = the token's depth (blocks used), domain = its difficulty class (-1:
    /// none), preview = what the token is (sequence, position, text, target, depth).
    std::vector<common::RowMeta> meta;
    /// Per row: the sequence's index in the step's traces and the token's position in it.
    std::vector<std::pair<int, int>> tokens;
    /// The difficulty classes' names, in the user's language.
    std::map<int64_t, QString> classNames;
};

/// The probe tokens of `traces` (one evaluation step, in order) that the model ran (depth >= 1).
/// A Mixture-of-Depths model has a router at every `depthEvery`-th block only (the run's
/// model.recursion.depth_every): the other blocks' columns are NaN, "no router" (the traces
/// store 1 there, every token selected).
RecursionRouting recursionRouting(const std::vector<mor::TokenTrace>& traces, int64_t step,
                                  int depthEvery = 1);

} // namespace inspect
