#pragma once
// Numbers the sequence view plots, computed from token traces alone: recursion depth per token
// class (difficulty classes when the task names them, else character classes), mean depth of a
// set of traces, and the token texts known from the traces (to name predicted token ids).
#include <mor/token_trace.h>

#include <QString>

#include <map>
#include <vector>

namespace sequence {

/// Depth statistics of one token class.
struct ClassDepth {
    QString name;
    int tokens = 0;               ///< scored tokens (depth >= 1) of this class
    double meanDepth = 0.0;       ///< 0 when the class has no tokens
    std::vector<int> depthCounts; ///< depthCounts[d - 1] = tokens with depth d, d = 1..maxDepth
};

/// True when the traces name difficulty classes (then tokens are grouped by them).
bool usesDifficultyClasses(const std::vector<mor::TokenTrace>& traces);
/// Depth per class over every scored token of `traces`. Grouped by difficulty class when the
/// traces name them (tokens without one are left out), else by character class of the input
/// token. Every class appears, in class order, also when it has no tokens.
std::vector<ClassDepth> depthByClass(const std::vector<mor::TokenTrace>& traces);
/// Mean depth over every scored token (0 when there is none).
double meanDepth(const std::vector<mor::TokenTrace>& traces);
/// The deepest recursion count of the traces (their maxRecursions, or the deepest token).
int maxDepthOf(const std::vector<mor::TokenTrace>& traces);

/// Token id -> display text, from the targets the traces name (input tokens carry no id).
using Vocabulary = std::map<int64_t, std::string>;
Vocabulary vocabularyOf(const std::vector<mor::TokenTrace>& traces);
/// Quoted text of token `id` ("#id" when the vocabulary does not know it).
QString tokenName(const Vocabulary& vocabulary, int64_t id);

/// The text of a traced sequence (input tokens joined).
std::string sequenceText(const mor::TokenTrace& trace);

} // namespace sequence
