#pragma once
// A sequence model's vocabulary as a run keeps it: "<checkpoint>.vocab" beside each checkpoint,
// a JSON list of the token texts (token id = index). The one reader and writer of that file
// (the trainer, loading a checkpoint, `mor trace`, the Sequence view) and the one rule for how a
// token is shown. No torch types.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mor {

class LogReader;
struct TokenTrace;

/// Printable form of a token as traces, tables and views show it: a newline or a tab escaped
/// ("\\n", "\\t", so that it breaks no line or column), any other text as it is.
std::string displayToken(const std::string& token);

/// The vocabulary file's text for `tokens` (UTF-8; invalid bytes replaced).
std::string vocabularyFileText(const std::vector<std::string>& tokens);
/// The vocabulary file of a checkpoint, "<checkpointPath>.vocab": its raw token texts. False
/// with *error naming the file when it is missing or not a non-empty JSON list.
bool readVocabularyFile(const std::string& checkpointPath, std::vector<std::string>* tokens,
                        std::string* error);

/// Token id -> display text.
using TokenNames = std::map<int64_t, std::string>;
/// The names the targets of `traces` give their token ids (input tokens carry no id).
TokenNames traceTokenNames(const std::vector<TokenTrace>& traces);
/// A run's whole vocabulary in display text: the file of its checkpoint at or before `step`
/// (its last checkpoint when step < 0). Empty, with *error (optional) saying why, when the run
/// has no such checkpoint or its file cannot be read (a reflection run has none).
TokenNames runTokenNames(const LogReader& reader, int64_t runId, int64_t step,
                         std::string* error = nullptr);
/// `names` completed by `more`: an id `names` already has keeps its text.
TokenNames mergedTokenNames(TokenNames names, const TokenNames& more);

} // namespace mor
