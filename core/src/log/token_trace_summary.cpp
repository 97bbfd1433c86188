// SPDX-License-Identifier: GPL-3.0-or-later
// What a token trace says beyond its tokens: mor::traceCounts (tokens, depth, right
// predictions), mor::recursionEffect (what the recursions past the
// first did to its predictions) and mor::droppedCharacters (what of a typed text the model did
// not see). The Sequence view and `mor trace` on a recursion run say both.
#include "mor/token_trace.h"

#include <algorithm>

namespace mor {

TraceCounts traceCounts(const std::vector<TokenTrace>& traces) {
    TraceCounts c;
    for (const TokenTrace& trace : traces) {
        for (const TokenStep& t : trace.tokens) {
            ++c.tokens;
            if (t.depth >= 1) {
                ++c.scored;
                c.depthSum += t.depth;
            }
            if (t.target >= 0) {
                ++c.targets;
                c.right += t.pred == t.target ? 1 : 0;
            }
        }
    }
    return c;
}

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

namespace {
/// `text` split into UTF-8 characters (a stray continuation byte counts as one).
std::vector<std::string> utf8Characters(const std::string& text) {
    std::vector<std::string> out;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) == 0x80 && !out.empty()) {
            out.back() += c;
        } else {
            out.emplace_back(1, c);
        }
    }
    return out;
}
} // namespace

std::vector<std::string> droppedCharacters(const std::string& typed, const TokenTrace& trace,
                                           bool* cutAtStart) {
    std::string seen;
    for (const TokenStep& token : trace.tokens) {
        seen += token.text;
    }
    *cutAtStart = seen.size() < typed.size() &&
                  typed.compare(typed.size() - seen.size(), seen.size(), seen) == 0;
    if (*cutAtStart || seen == typed) {
        return {};
    }
    const std::vector<std::string> have = utf8Characters(seen);
    std::vector<std::string> missing;
    size_t j = 0;
    for (const std::string& c : utf8Characters(typed)) {
        if (j < have.size() && have[j] == c) {
            ++j;
        } else if (std::find(missing.begin(), missing.end(), c) == missing.end()) {
            missing.push_back(c);
        }
    }
    return missing;
}

} // namespace mor
