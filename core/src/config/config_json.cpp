// SPDX-License-Identifier: GPL-3.0-or-later
// parseConfig / loadConfigFile / toJson / flattenConfigJson.
#include "config/config_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mor {

namespace {

using detail::Json;

/// Writes every field through visitFields(), in declaration order.
class ConfigWriter {
public:
    explicit ConfigWriter(Json& out) : m_out(out) {}

    template <class T> void field(const char* key, const T& value) { m_out[key] = value; }
    void stringOrInteger(const char* key, const std::string& value) { m_out[key] = value; }
    template <class E> void choice(const char* key, const E& value, const ChoiceNames<E>& names) {
        for (const auto& [v, name] : names) {
            if (v == value) {
                m_out[key] = name;
            }
        }
    }
    /// A stored config carries only its own family's section.
    bool section(Family family, Family owner) const { return family == owner; }

    template <class S> void object(const char* key, S& value) {
        Json nested = Json::object();
        ConfigWriter writer(nested);
        detail::visitFields(writer, value);
        m_out[key] = std::move(nested);
    }

    template <class S> void objectList(const char* key, std::vector<S>& values) {
        Json list = Json::array();
        for (auto& value : values) {
            Json nested = Json::object();
            ConfigWriter writer(nested);
            detail::visitFields(writer, value);
            list.push_back(std::move(nested));
        }
        m_out[key] = std::move(list);
    }

private:
    Json& m_out;
};

/// Turns nlohmann's byte offset into "line L, column C" (both 1-based).
std::string positionText(const std::string& text, size_t byte) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string syntaxErrorMessage(const std::string& text, const nlohmann::json::parse_error& e) {
    // what() reads "[json.exception.parse_error.101] parse error at line 2, column 5: <why>";
    // keep only <why> and put our own position in front of it.
    std::string why = e.what();
    const size_t colon = why.find(": ");
    if (colon != std::string::npos) {
        why = why.substr(colon + 2);
    }
    return "JSON syntax error at " + positionText(text, e.byte) + ": " + why;
}

/// The keys of "model" that toJson writes for `family`.
std::vector<std::string> configModelKeysOf(Family family) {
    ExperimentConfig config;
    config.model.family = family;
    Json root = Json::object();
    ConfigWriter writer(root);
    detail::visitFields(writer, config);
    std::vector<std::string> keys;
    for (auto it = root["model"].begin(); it != root["model"].end(); ++it) {
        keys.push_back(it.key());
    }
    return keys;
}

/// Drops from root["model"] the sections of the other families (written by versions that
/// stored every family's section), so a config flattens the same whichever version stored it.
/// Keys no family writes stay (a diff should show them).
void dropOtherFamilySections(Json& root) {
    if (!root.is_object() || !root.contains("model") || !root["model"].is_object()) {
        return;
    }
    Json& model = root["model"];
    std::string name = familyName(Family::Reflection); // the default when "family" is absent
    if (model.contains("family")) {
        if (!model["family"].is_string()) {
            return;
        }
        name = model["family"].get<std::string>();
    }
    static const std::vector<std::pair<Family, std::vector<std::string>>> keysOf = [] {
        std::vector<std::pair<Family, std::vector<std::string>>> out;
        for (const auto& [family, familyText] : familyNames()) {
            out.emplace_back(family, configModelKeysOf(family));
        }
        return out;
    }();
    const std::vector<std::string>* own = nullptr;
    for (const auto& [family, keys] : keysOf) {
        own = familyName(family) == name ? &keys : own;
    }
    if (!own) {
        return; // an unknown family: show everything
    }
    for (const auto& [family, keys] : keysOf) {
        for (const auto& key : keys) {
            if (std::find(own->begin(), own->end(), key) == own->end()) {
                model.erase(key);
            }
        }
    }
}

void flatten(const Json& value, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
    if (value.is_object()) {
        if (value.empty()) {
            out.emplace_back(path, "{}");
        }
        for (auto it = value.begin(); it != value.end(); ++it) {
            flatten(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
        }
    } else if (value.is_array()) {
        if (value.empty()) {
            out.emplace_back(path, "[]");
        }
        for (size_t i = 0; i < value.size(); ++i) {
            flatten(value[i], path + "[" + std::to_string(i) + "]", out);
        }
    } else if (value.is_string()) {
        out.emplace_back(path, value.get<std::string>());
    } else {
        out.emplace_back(path, value.dump());
    }
}

} // namespace

std::string ConfigParseResult::message() const {
    std::string text;
    for (const auto& error : errors) {
        if (!text.empty()) {
            text += '\n';
        }
        text += error.message;
    }
    return text;
}

ConfigParseResult parseConfig(const std::string& jsonText) {
    ConfigParseResult result;
    Json root;
    try {
        root = Json::parse(jsonText);
    } catch (const nlohmann::json::parse_error& e) {
        result.errors.push_back({"", syntaxErrorMessage(jsonText, e)});
        return result;
    } catch (const nlohmann::json::out_of_range& e) { // e.g. 1e999: "number overflow parsing"
        const std::string why = e.what();
        const size_t quote = why.find('\'');
        const std::string token =
            quote == std::string::npos ? "" : why.substr(quote + 1, why.rfind('\'') - quote - 1);
        const size_t at = token.empty() ? std::string::npos : jsonText.find(token);
        const auto line = at == std::string::npos
                              ? 0
                              : 1 + std::count(jsonText.begin(), jsonText.begin() + at, '\n');
        result.errors.push_back({"", "number out of range" +
                                         (line > 0 ? " at line " + std::to_string(line) : "") +
                                         ": " + token});
        return result;
    }
    if (!root.is_object()) {
        result.errors.push_back({"", "the configuration must be a JSON object (got " +
                                         detail::ConfigReader::describe(root) + ")"});
        return result;
    }
    detail::ConfigReader reader(root, "", result.errors);
    detail::visitFields(reader, result.config);
    reader.reportUnknownKeys();

    // A field that failed to read keeps its default; do not also report range errors
    // against a value the user never wrote.
    for (auto& error : validateConfig(result.config)) {
        bool alreadyReported = false;
        for (const auto& earlier : result.errors) {
            alreadyReported = alreadyReported || earlier.field == error.field;
        }
        if (!alreadyReported) {
            result.errors.push_back(std::move(error));
        }
    }
    return result;
}

ConfigParseResult loadConfigFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ConfigParseResult result;
        result.errors.push_back(
            {"", "cannot read configuration file " + path + ": " + std::strerror(errno)});
        return result;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    ConfigParseResult result = parseConfig(buffer.str());
    for (auto& error : result.errors) {
        if (error.field.empty()) {
            error.message = path + ": " + error.message;
        }
    }
    return result;
}

const ChoiceNames<Family>& familyNames() {
    static const ChoiceNames<Family> names{{Family::Reflection, "reflection"},
                                           {Family::Recursion, "recursion"}};
    return names;
}

std::string familyName(Family family) {
    return choiceName(family, familyNames());
}

const ChoiceNames<TaskLoss>& taskLossNames() {
    static const ChoiceNames<TaskLoss> names{{TaskLoss::Expected, "expected"},
                                             {TaskLoss::DeepSupervision, "deep_supervision"},
                                             {TaskLoss::Final, "final"}};
    return names;
}

const ChoiceNames<ProbeScore>& probeScoreNames() {
    static const ChoiceNames<ProbeScore> names{{ProbeScore::Loss, "loss"},
                                               {ProbeScore::Information, "information"}};
    return names;
}

const ChoiceNames<ProbeLearning>& probeLearningNames() {
    static const ChoiceNames<ProbeLearning> names{
        {ProbeLearning::Responsibility, "responsibility"},
        {ProbeLearning::Always, "always"},
        {ProbeLearning::None, "none"}};
    return names;
}

const ChoiceNames<PonderHalt>& ponderHaltNames() {
    static const ChoiceNames<PonderHalt> names{{PonderHalt::Median, "median"},
                                               {PonderHalt::Sample, "sample"}};
    return names;
}

const ChoiceNames<Precision>& precisionNames() {
    static const ChoiceNames<Precision> names{{Precision::Fp32, "fp32"},
                                              {Precision::Bf16, "bf16"}};
    return names;
}

std::string toJson(const ExperimentConfig& config, int indent) {
    ExperimentConfig copy = config; // visitFields takes non-const references
    Json root = Json::object();
    ConfigWriter writer(root);
    detail::visitFields(writer, copy);
    // A path with invalid UTF-8 (possible on Linux file systems) must not make dump() throw.
    return root.dump(indent, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> flattenConfigJson(const std::string& jsonText) {
    std::vector<std::pair<std::string, std::string>> out;
    try {
        Json root = Json::parse(jsonText);
        dropOtherFamilySections(root);
        flatten(root, "", out);
    } catch (const nlohmann::json::exception&) { // parse_error, or out_of_range for 1e999
        out.clear();
    }
    return out;
}

} // namespace mor
