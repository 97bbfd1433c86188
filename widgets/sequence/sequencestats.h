#pragma once
// Numbers the sequence view plots, computed from token traces alone: recursion depth per token
// class (difficulty classes when the task names them, else character classes), mean depth of a
// set of traces, and the token texts known from the traces (to name predicted token ids).
#include <mor/token_trace.h>
#include <mor/vocabulary.h>

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

/// Token id -> display text (core's mor::TokenNames; the run's whole vocabulary is
/// mor::runTokenNames).
using Vocabulary = mor::TokenNames;
/// The names the targets of the traces give their ids (input tokens carry no id).
inline Vocabulary vocabularyOf(const std::vector<mor::TokenTrace>& traces) {
    return mor::traceTokenNames(traces);
}
/// Quoted text of token `id` ("#id" when the vocabulary does not know it).
QString tokenName(const Vocabulary& vocabulary, int64_t id);

/// The text of a traced sequence (input tokens joined).
std::string sequenceText(const mor::TokenTrace& trace);

/// Difficulty class name of core (English: "carry", "positions 1-8") in the user's language.
QString difficultyClassName(const std::string& name);

/// True when every scored position's target is the next input token (addition, text; not
/// running parity): the last token's target then continues the sequence.
bool predictsNextToken(const mor::TokenTrace& trace);
/// Next-token traces: the last token's target, which the model never reads as input (the last
/// digit of an addition's answer); empty otherwise.
QString trailingTarget(const mor::TokenTrace& trace);

/// Characters of `typed` that the trace does not contain, quoted and listed once each ("x",
/// "?"); when the trace is just the end of `typed`, nothing, and *cutAtStart is set.
QString droppedCharacters(const QString& typed, const mor::TokenTrace& trace, bool* cutAtStart);

/// A question's answer (tasks whose first tokens are given, not scored, as in addition): the
/// targets of the scored positions joined, and what the model predicted there.
struct AnswerText {
    QString expected;
    QString predicted;
    int right = 0; ///< positions predicted right
    int count = 0; ///< scored positions
};
/// Empty when the trace has no unscored question before its scored answer.
AnswerText answerOf(const mor::TokenTrace& trace, const Vocabulary& vocabulary);

} // namespace sequence
