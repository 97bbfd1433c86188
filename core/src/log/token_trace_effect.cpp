// SPDX-License-Identifier: GPL-3.0-or-later
// mor::recursionEffect: what the recursions past the first did to a token trace's predictions
// (the Sequence view's summary, `mor trace` on a recursion run).
#include "mor/token_trace.h"

namespace mor {

RecursionEffect recursionEffect(const TokenTrace& trace) {
    RecursionEffect e;
    for (const TokenStep& t : trace.tokens) {
        if (t.target < 0 || t.recursionPreds.empty()) {
            continue;
        }
        ++e.scored;
        if (t.recursionPreds.size() < 2) {
            continue;
        }
        ++e.deeper;
        const bool first = t.recursionPreds.front() == t.target;
        const bool last = t.recursionPreds.back() == t.target;
        e.fixed += !first && last ? 1 : 0;
        e.broken += first && !last ? 1 : 0;
    }
    return e;
}

} // namespace mor
