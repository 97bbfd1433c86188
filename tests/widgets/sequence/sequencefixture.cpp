#include "sequencefixture.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sequence_test {

mor::TokenTrace makeTrace(int64_t sampleId, int seed, bool withDifficulty) {
    mor::TokenTrace trace;
    trace.sampleId = sampleId;
    trace.maxRecursions = 3;
    trace.routing = "expert_choice";
    if (withDifficulty) {
        trace.difficultyNames = {"no carry", "carry"};
    }
    // The newline as the traces write it (an escape, see TokenStep::text).
    const std::vector<std::string> texts = {"a", "b", " ", "1", ",", "\\n", "c"};
    for (size_t i = 0; i < texts.size(); ++i) {
        mor::TokenStep t;
        t.text = texts[i];
        const std::string next = i + 1 < texts.size() ? texts[i + 1] : std::string();
        t.target = next.empty() ? -1 : int64_t(static_cast<unsigned char>(next[0]));
        t.targetText = next;
        t.depth = 1 + int((i * 7 + size_t(seed) * 3) % 3);
        for (int r = 1; r <= trace.maxRecursions; ++r) {
            // Scores fall with r; tokens that went deeper had higher scores.
            t.routerScores.push_back(float(0.95 - 0.25 * r + 0.1 * t.depth + 0.01 * double(i)));
        }
        for (int r = 1; r <= t.depth; ++r) {
            const float p = float(0.2 + 0.7 * r / double(t.depth));
            t.recursionTargetProbs.push_back(p);
            // Wrong before the last recursion, right after it (except the sequence's 4th token).
            t.recursionPreds.push_back(r == t.depth && i != 3 ? t.target : int64_t('z'));
        }
        t.pred = t.recursionPreds.back();
        t.loss = t.target >= 0 ? -std::log(t.recursionTargetProbs.back()) : 0.f;
        t.difficulty = withDifficulty ? int(i % 2) : -1;
        trace.tokens.push_back(t);
    }
    return trace;
}

std::map<int64_t, std::vector<mor::TokenTrace>> makeRun(bool withDifficulty) {
    std::map<int64_t, std::vector<mor::TokenTrace>> run;
    for (int s = 1; s <= 3; ++s) {
        run[100 * s] = {makeTrace(4, s, withDifficulty), makeTrace(9, s + 1, withDifficulty)};
    }
    return run;
}

int deepestToken(const mor::TokenTrace& trace, int from) {
    int row = from;
    for (int i = from; i < int(trace.tokens.size()); ++i) {
        row = trace.tokens[size_t(i)].depth > trace.tokens[size_t(row)].depth ? i : row;
    }
    return row;
}

int lastTokenOfDepth(const mor::TokenTrace& trace, int depth) {
    int row = 0;
    for (int i = 0; i < int(trace.tokens.size()); ++i) {
        row = trace.tokens[size_t(i)].depth == depth ? i : row;
    }
    return row;
}

} // namespace sequence_test
