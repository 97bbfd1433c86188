#pragma once
// The Routing tab for a Mixture-of-Recursions run: its probe tokens at one evaluation step as a
// routing snapshot with a column per recursion (rows = tokens, value = the router's score for
// the token at that recursion, mask = the token went through it), for the routing heatmap, the
// aggregate and the load plot. A Mixture-of-Depths run: a column per block.
//
// Expert-choice: the router of recursion r ranks the tokens that went through recursion r - 1,
// so a score is a decision only up to a token's depth + 1; past it the value is NaN, "not
// scored" (the model computes a score at every position, but a token that left is never
// selected). Token-choice: the router decides a token's depth once, up front; its value at r is
// its probability for depth r, P(depth = r), kept for every recursion (the chosen depth is the
// most probable r). Mixture-of-Depths: every routed block's router scores every token. Fixed
// and vanilla routing have no router: every value is NaN and `routed` is false
// (mor/router_scores.h).
#include "common/routingheatmap.h"

#include <mor/token_trace.h>

#include <QString>

#include <map>
#include <string>
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
    bool routed = false;  ///< a trace's model has a router (expert/token choice, depths)
    /// Token choice: a column is the router's probability for that depth, P(depth = r)
    /// (mor::routerValue), not a score for entering recursion r.
    bool depthChoice = false;
    std::string routing;  ///< the traces' routing ("expert_choice", "fixed", ...)
};

/// The probe tokens of `traces` (one evaluation step, in order) that the model ran (depth >= 1).
/// A Mixture-of-Depths model has a router at every `depthEvery`-th block only (the run's
/// model.recursion.depth_every): the other blocks' columns are NaN, "no router" (the traces
/// store 1 there, every token selected).
RecursionRouting recursionRouting(const std::vector<mor::TokenTrace>& traces, int64_t step,
                                  int depthEvery = 1);

} // namespace inspect
