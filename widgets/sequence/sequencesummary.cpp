// SPDX-License-Identifier: GPL-3.0-or-later
// The Sequence view's one-line summary of the trace on screen (its own file: sequenceview.cpp
// is at the size the style allows). Translated in the view's context.
#include "sequence/depthblocks.h"
#include "sequence/sequencestats.h"
#include "sequence/sequenceview.h"

#include <QStringList>

#include <algorithm>

namespace sequence {

QString SequenceView::summaryOf(const mor::TokenTrace& trace) {
    const mor::TraceCounts counts = mor::traceCounts({trace});
    const int n = counts.tokens, right = counts.right, targets = counts.targets;
    if (!isMixtureOfDepths(trace)) {
        QString text = tr("%n token(s), mean depth %1, %2 of %3 predicted right", nullptr, n)
                           .arg(QString::number(counts.meanDepth(), 'f', 2))
                           .arg(right)
                           .arg(targets);
        // What the recursions past the first did (the ladder shows where).
        const mor::RecursionEffect effect = mor::recursionEffect(trace);
        if (effect.deeper > 0) {
            text += QLatin1Char('\n') +
                    tr("Of the %n token(s) that went past recursion 1, the later recursions "
                       "turned %1 wrong prediction(s) right and %2 right one(s) wrong",
                       nullptr, effect.deeper)
                        .arg(effect.fixed)
                        .arg(effect.broken);
        }
        return text;
    }
    // Mixture-of-Depths: blocks used per token, and how many tokens skipped each block.
    std::vector<int> skippedBy(size_t(std::max(0, trace.maxRecursions)), 0);
    double used = 0.0;
    int unrecorded = 0;
    for (const auto& token : trace.tokens) {
        used += blocksUsed(trace, token);
        unrecorded += skippedBlocksRecorded(trace, token) ? 0 : 1;
        for (int b : token.skippedBlocks) {
            if (b >= 0 && size_t(b) < skippedBy.size()) {
                ++skippedBy[size_t(b)];
            }
        }
    }
    QStringList perBlock;
    for (size_t b = 0; b < skippedBy.size(); ++b) {
        perBlock << tr("block %1: %2").arg(b + 1).arg(skippedBy[b]);
    }
    return tr("%n token(s), mean blocks used %1 of %2, %3 of %4 predicted right", nullptr, n)
               .arg(QString::number(n > 0 ? used / n : 0.0, 'f', 2))
               .arg(trace.maxRecursions)
               .arg(right)
               .arg(targets) +
           QStringLiteral("\n") +
           (unrecorded > 0
                ? tr("skipped blocks not recorded for %n token(s)", nullptr, unrecorded)
                : tr("tokens that skipped each block: %1")
                      .arg(perBlock.join(QStringLiteral(", "))));
}

} // namespace sequence
