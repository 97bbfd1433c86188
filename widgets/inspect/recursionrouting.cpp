// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/recursionrouting.h"

#include "sequence/depthblocks.h"
#include "sequence/sequencestats.h"
#include "sequence/tokenstyle.h"

#include <QCoreApplication>

#include <algorithm>
#include <limits>

namespace inspect {

RecursionRouting recursionRouting(const std::vector<mor::TokenTrace>& traces, int64_t step,
                                  int depthEvery) {
    RecursionRouting out;
    int depth = 0;
    for (const auto& trace : traces) {
        depth = std::max(depth, trace.maxRecursions);
        for (size_t c = 0; c < trace.difficultyNames.size(); ++c) {
            out.classNames.emplace(int64_t(c),
                                   sequence::difficultyClassName(trace.difficultyNames[c]));
        }
    }
    mor::RoutingSnapshot& s = out.snapshot;
    s.step = step;
    s.nExperts = depth;
    for (int q = 0; q < int(traces.size()) && depth > 0; ++q) {
        const mor::TokenTrace& trace = traces[size_t(q)];
        const bool blocks = sequence::isMixtureOfDepths(trace);
        const bool routed = mor::hasRouter(trace);
        out.blocks = out.blocks || blocks;
        out.routed = out.routed || routed;
        out.depthChoice = out.depthChoice || trace.routing == "token_choice";
        out.routing = trace.routing;
        for (int i = 0; i < int(trace.tokens.size()); ++i) {
            const mor::TokenStep& t = trace.tokens[size_t(i)];
            const std::vector<bool> used =
                blocks ? sequence::blockMask(trace, t) : std::vector<bool>{};
            if (t.depth < 1 || (blocks && used.empty())) {
                continue; // not run (no depth), or blocks skipped not recorded
            }
            s.sampleIds.push_back(s.nSamples++);
            for (int r = 1; r <= depth; ++r) {
                s.probs.push_back(
                    mor::routerScored(trace, t, r - 1, depthEvery)
                        ? mor::routerValue(trace, t, size_t(r - 1))
                        : std::numeric_limits<float>::quiet_NaN());
                s.mask.push_back(blocks ? (size_t(r) <= used.size() && used[size_t(r - 1)])
                                        : r <= t.depth);
            }
            const QString target =
                t.target >= 0
                    ? QCoreApplication::translate("inspect::RecursionRouting", ", target %1")
                          .arg(sequence::quoted(t.targetText))
                    : QString();
            const int ran = blocks ? sequence::blocksUsed(trace, t) : t.depth;
            const QString preview =
                (blocks ? QCoreApplication::translate("inspect::RecursionRouting",
                                                      "sequence #%1, token %2 %3%4: %5 of %6 "
                                                      "blocks")
                        : QCoreApplication::translate("inspect::RecursionRouting",
                                                      "sequence #%1, token %2 %3%4: depth %5 "
                                                      "of %6"))
                    .arg(trace.sampleId)
                    .arg(i) // the position, from 0, as the Sequence tab and mor trace
                    .arg(sequence::quoted(t.text))
                    .arg(target)
                    .arg(ran)
                    .arg(depth);
            out.meta.push_back(common::RowMeta{ran, t.difficulty, preview.toStdString()});
            out.tokens.emplace_back(q, i);
        }
    }
    return out;
}

} // namespace inspect
