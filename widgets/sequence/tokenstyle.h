#pragma once
// Shared look of the sequence views: how a token is written on screen (whitespace made
// visible), the sequential colour scale for recursion depth and the character classes the
// depth histograms fall back to when a task defines no difficulty classes.
#include <QColor>
#include <QString>

#include <string>

namespace sequence {

/// Display text of a token: spaces as "␣", newlines as "↵", tabs as "⇥", other control
/// characters as "·"; everything else unchanged. An empty token shows as "∅".
QString displayText(const std::string& token);
/// Display text for quoting a token inside a sentence (tooltips, captions).
QString quoted(const std::string& token);

/// Colour of recursion depth `depth` on a sequential scale from 1 (light) to `maxDepth`
/// (dark). Depth 0 (not scored) is neutral grey.
QColor depthColor(int depth, int maxDepth);
/// Black or white, whichever reads better on `background`.
QColor textColorOn(const QColor& background);

/// Character classes of tokens (histograms when a trace has no difficulty names).
enum class CharClass { Letters, Digits, Spaces, Punctuation, Newlines };
constexpr int kCharClassCount = 5;
/// The class of a token: by its first character (newline wins over other whitespace).
CharClass charClassOf(const std::string& token);
/// Translated name of a character class.
QString charClassName(CharClass cls);

} // namespace sequence
