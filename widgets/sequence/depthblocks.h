#pragma once
// Mixture-of-Depths traces (model.recursion.routing "mixture_of_depths", issue 23): a token's
// "depth" is the number of distinct blocks it went through, and TokenStep::skippedBlocks names
// the blocks it skipped on the residual path. Helpers the sequence views share; a log that did
// not record skippedBlocks (an older schema) is told apart from "skipped none" and shown as
// "not recorded".
#include <mor/router_scores.h>
#include <mor/token_trace.h>

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <vector>

namespace sequence {

/// True for a Mixture-of-Depths trace.
bool isMixtureOfDepths(const mor::TokenTrace& trace);
/// Whether the trace says which blocks `token` skipped: it lists some, or the token used every
/// block (so none were skipped). False for a token that used fewer blocks than the model has
/// but lists none (the log did not record them).
bool skippedBlocksRecorded(const mor::TokenTrace& trace, const mor::TokenStep& token);
/// Blocks the token went through: maxRecursions minus its skipped blocks when recorded, else
/// its depth.
int blocksUsed(const mor::TokenTrace& trace, const mor::TokenStep& token);
/// Per block 0..maxRecursions-1: true = the token went through it. Empty when not recorded.
std::vector<bool> blockMask(const mor::TokenTrace& trace, const mor::TokenStep& token);
/// A run config's model.recursion.depth_every (1 when absent or invalid): a Mixture-of-Depths
/// model has a router at every depth_every-th block; the others process every token (their
/// traced router score is stored as 1, "every token selected").
int depthEveryOf(const QByteArray& configJson);
/// Which blocks have a router, which stored scores are a router's decision and what value to
/// show: mor/router_scores.h (one rule for the model, `mor trace` and the views).

class DepthBlocks {
    Q_DECLARE_TR_FUNCTIONS(DepthBlocks)
public:
    /// "2, 4" (blocks numbered from 1, as the stepper's axis), "none" or "not recorded".
    static QString skippedText(const mor::TokenTrace& trace, const mor::TokenStep& token);
};

} // namespace sequence
