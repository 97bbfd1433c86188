// SPDX-License-Identifier: GPL-3.0-or-later
// What a sweep runs: --grid arguments, --list files, and dotted-path overrides applied to a
// base config and validated before anything starts.
#include "mor/config.h"
#include "mor/sweep.h"

#include <nlohmann/json.hpp>

#include <cctype>

namespace mor {

namespace {

using Json = nlohmann::json;

/// One step of a dotted path: an object key, or a list index when `key` is empty.
struct PathStep {
    std::string key;
    int64_t index = -1;
};

bool parsePath(const std::string& path, std::vector<PathStep>* steps, std::string* error) {
    steps->clear();
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '[') {
            const size_t close = path.find(']', i);
            const std::string digits =
                close == std::string::npos ? "" : path.substr(i + 1, close - i - 1);
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
                steps->empty()) {
                *error = "\"" + path + "\" is not a config path (write e.g. model.experts[0].width)";
                return false;
            }
            steps->push_back({"", std::stoll(digits)});
            i = close + 1;
            if (i < path.size() && path[i] == '.') {
                ++i;
            }
            continue;
        }
        const size_t end = path.find_first_of(".[", i);
        const std::string key = path.substr(i, end == std::string::npos ? end : end - i);
        if (key.empty()) {
            *error = "\"" + path + "\" is not a config path (write e.g. model.router.top_k)";
            return false;
        }
        steps->push_back({key, -1});
        i = end == std::string::npos ? path.size() : (path[end] == '.' ? end + 1 : end);
        if (end != std::string::npos && path[end] == '.' && i == path.size()) {
            *error = "\"" + path + "\" ends with a dot";
            return false;
        }
    }
    if (steps->empty()) {
        *error = "an override has an empty config path";
        return false;
    }
    return true;
}

/// Sets root[path] = value; objects missing on the way are created (the config parser then
/// names an unknown key), lists must already hold the index.
bool setPath(Json& root, const std::string& path, const Json& value, std::string* error) {
    std::vector<PathStep> steps;
    if (!parsePath(path, &steps, error)) {
        return false;
    }
    Json* at = &root;
    std::string walked;
    for (size_t s = 0; s < steps.size(); ++s) {
        const PathStep& step = steps[s];
        const bool last = s + 1 == steps.size();
        if (step.key.empty()) {
            if (!at->is_array()) {
                *error = walked + " is not a list in the base config, so " + path +
                         " cannot be set";
                return false;
            }
            if (step.index >= int64_t(at->size())) {
                *error = path + ": " + walked + " has " + std::to_string(at->size()) +
                         " entries in the base config (indices start at 0)";
                return false;
            }
            walked += "[" + std::to_string(step.index) + "]";
            at = &(*at)[size_t(step.index)];
        } else {
            if (at->is_null()) {
                *at = Json::object();
            }
            if (!at->is_object()) {
                *error = (walked.empty() ? "the base config" : walked) +
                         " is not an object, so " + path + " cannot be set";
                return false;
            }
            walked += (walked.empty() ? "" : ".") + step.key;
            if (!last && !at->contains(step.key) && steps[s + 1].key.empty()) {
                *error = path + ": the base config has no list " + walked;
                return false;
            }
            at = &(*at)[step.key];
        }
        if (last) {
            *at = value;
        }
    }
    return true;
}

std::string trimmed(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
        ++b;
    }
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
        --e;
    }
    return s.substr(b, e - b);
}

/// Splits at commas outside brackets, braces and double quotes.
std::vector<std::string> splitTopLevel(const std::string& text) {
    std::vector<std::string> parts;
    int depth = 0;
    bool quoted = false;
    std::string current;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\' && i + 1 < text.size()) {
                current += c;
                current += text[++i];
                continue;
            }
            quoted = c != '"';
        } else if (c == '"') {
            quoted = true;
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == ',' && depth == 0) {
            parts.push_back(trimmed(current));
            current.clear();
            continue;
        }
        current += c;
    }
    parts.push_back(trimmed(current));
    return parts;
}

std::string valueText(const Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    const std::string text = value.dump();
    if (text.size() <= 40) {
        return text;
    }
    return value.is_array() ? "[" + std::to_string(value.size()) + " items]" : "{…}";
}

} // namespace

bool parseGridArgument(const std::string& text, SweepAxis* axis, std::string* error) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos || trimmed(text.substr(0, eq)).empty()) {
        *error = "--grid " + text + ": write KEY=V1,V2,... (e.g. model.router.top_k=1,2)";
        return false;
    }
    axis->key = trimmed(text.substr(0, eq));
    axis->valuesJson.clear();
    std::vector<PathStep> steps;
    if (!parsePath(axis->key, &steps, error)) {
        *error = "--grid " + text + ": " + *error;
        return false;
    }
    for (const std::string& part : splitTopLevel(text.substr(eq + 1))) {
        if (part.empty()) {
            *error = "--grid " + text + ": an empty value (values are separated by commas)";
            return false;
        }
        const Json value = Json::parse(part, nullptr, false);
        axis->valuesJson.push_back(value.is_discarded() ? Json(part).dump() : value.dump());
    }
    return true;
}

std::vector<std::string> expandGrid(const std::vector<SweepAxis>& axes) {
    std::vector<Json> combos{Json::object()};
    for (const SweepAxis& axis : axes) {
        std::vector<Json> next;
        for (const Json& combo : combos) {
            for (const std::string& value : axis.valuesJson) {
                Json c = combo;
                c[axis.key] = Json::parse(value);
                next.push_back(std::move(c));
            }
        }
        combos = std::move(next);
    }
    std::vector<std::string> out;
    for (const Json& c : combos) {
        out.push_back(c.dump());
    }
    return out;
}

bool parseOverrideList(const std::string& jsonText, std::vector<std::string>* overrides,
                       std::string* error) {
    const Json list = Json::parse(jsonText, nullptr, false);
    if (list.is_discarded() || !list.is_array() || list.empty()) {
        *error = "the list must be a non-empty JSON array of objects "
                 "such as [{\"model.router.top_k\": 1}, {\"model.router.top_k\": 2}]";
        return false;
    }
    overrides->clear();
    for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_object()) {
            *error = "entry " + std::to_string(i) + " of the list is not an object of "
                     "\"dotted.key\": value pairs";
            return false;
        }
        overrides->push_back(list[i].dump());
    }
    return true;
}

bool resolveSweepConfig(const std::string& baseJson, const std::string& overridesJson,
                        std::string* configJson, std::string* error) {
    Json root = Json::parse(baseJson, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        *error = "the base config is not a JSON object";
        return false;
    }
    const Json overrides = Json::parse(overridesJson, nullptr, false);
    if (!overrides.is_object()) {
        *error = "overrides must be a JSON object";
        return false;
    }
    for (const auto& [key, value] : overrides.items()) {
        if (!setPath(root, key, value, error)) {
            return false;
        }
    }
    *configJson = root.dump(2);
    const ConfigParseResult parsed = parseConfig(*configJson);
    if (!parsed.ok()) {
        const std::string label = overridesLabel(overridesJson);
        *error = "with " + (label.empty() ? std::string("the base config alone") : label) +
                 ":\n" + parsed.message();
        return false;
    }
    return true;
}

std::string overridesLabel(const std::string& overridesJson) {
    const Json overrides = Json::parse(overridesJson, nullptr, false);
    if (!overrides.is_object()) {
        return std::string();
    }
    // A configuration that names itself ({"name": "moe", "model.experts": [...]}) is shown by
    // its name: a whole expert list or model is no label.
    if (const auto name = overrides.find("name"); name != overrides.end() && name->is_string()) {
        return name->get<std::string>();
    }
    std::string label;
    for (const auto& [key, value] : overrides.items()) {
        const size_t dot = key.find('.');
        const std::string shortKey = dot == std::string::npos ? key : key.substr(dot + 1);
        label += (label.empty() ? "" : ", ") + shortKey + "=" + valueText(value);
    }
    return label;
}

} // namespace mor
