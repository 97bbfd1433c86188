// SPDX-License-Identifier: GPL-3.0-or-later
// The vocabulary file beside a sequence model's checkpoint, and how a token is shown
// (mor/vocabulary.h).
#include "mor/vocabulary.h"

#include "mor/log_reader.h"
#include "mor/token_trace.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace mor {

std::string displayToken(const std::string& token) {
    if (token == "\n") {
        return "\\n";
    }
    if (token == "\t") {
        return "\\t";
    }
    return token;
}

std::string vocabularyFileText(const std::vector<std::string>& tokens) {
    return nlohmann::json(tokens).dump(-1, ' ', false,
                                       nlohmann::json::error_handler_t::replace);
}

bool readVocabularyFile(const std::string& checkpointPath, std::vector<std::string>* tokens,
                        std::string* error) {
    const std::string path = checkpointPath + ".vocab";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = "the checkpoint " + checkpointPath + " has no vocabulary file (" + path + ")";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded() || !json.is_array() || json.empty()) {
        *error = path + " is not a JSON list of tokens";
        return false;
    }
    tokens->clear();
    tokens->reserve(json.size());
    for (const auto& item : json) {
        tokens->push_back(item.is_string() ? item.get<std::string>() : std::string("?"));
    }
    return true;
}

TokenNames traceTokenNames(const std::vector<TokenTrace>& traces) {
    TokenNames names;
    for (const auto& trace : traces) {
        for (const auto& token : trace.tokens) {
            if (token.target >= 0 && !token.targetText.empty()) {
                names.emplace(token.target, token.targetText);
            }
        }
    }
    return names;
}

TokenNames runTokenNames(const LogReader& reader, int64_t runId, int64_t step,
                         std::string* error) {
    std::string checkpoint;
    for (const auto& c : reader.checkpoints(runId)) { // by step
        if (step < 0 || c.step <= step) {
            checkpoint = c.path;
        }
    }
    TokenNames names;
    std::string why;
    std::vector<std::string> tokens;
    if (checkpoint.empty()) {
        why = step < 0 ? "run " + std::to_string(runId) + " has no checkpoint"
                       : "run " + std::to_string(runId) + " has no checkpoint at or before step " +
                             std::to_string(step);
    } else if (readVocabularyFile(checkpoint, &tokens, &why)) {
        for (size_t id = 0; id < tokens.size(); ++id) {
            names.emplace(int64_t(id), displayToken(tokens[id]));
        }
    }
    if (error != nullptr) {
        *error = why;
    }
    return names;
}

TokenNames mergedTokenNames(TokenNames names, const TokenNames& more) {
    names.insert(more.begin(), more.end());
    return names;
}

} // namespace mor
