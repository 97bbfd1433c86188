#pragma once
// Reads one JSON object into a config struct through visitFields(): type errors and
// unknown keys become ConfigErrors naming the full dotted path.
#include "config/config_fields.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mor::detail {

using Json = nlohmann::ordered_json;

/// The closest known key for a misspelt one ("topk" -> "top_k"), or "" when nothing is close.
std::string suggestKey(const std::string& unknown, const std::vector<std::string>& known);

class ConfigReader {
public:
    ConfigReader(const Json& object, std::string path, std::vector<ConfigError>& errors)
        : m_object(object), m_path(std::move(path)), m_errors(errors) {}

    void field(const char* key, std::string& out);
    void field(const char* key, int64_t& out);
    void field(const char* key, double& out);
    void field(const char* key, bool& out);
    void field(const char* key, std::vector<std::string>& out);
    void field(const char* key, std::vector<int64_t>& out);
    void stringOrInteger(const char* key, std::string& out);
    /// An enum written as one of the texts of `names`; any other text is an error.
    template <class E>
    void choice(const char* key, E& out, const ChoiceNames<E>& names) {
        std::string text;
        for (const auto& [value, name] : names) {
            if (value == out) {
                text = name;
            }
        }
        field(key, text);
        std::string list;
        for (const auto& [value, name] : names) {
            if (text == name) {
                out = value;
                return;
            }
            list += (list.empty() ? "" : ", ") + name;
        }
        const std::string path = childPath(key);
        m_errors.push_back({path, path + " = \"" + text + "\" must be one of " + list});
    }

    template <class S> void object(const char* key, S& out) {
        const Json* value = find(key);
        if (!value) {
            return;
        }
        if (!value->is_object()) {
            typeError(key, "an object", *value);
            return;
        }
        ConfigReader nested(*value, childPath(key), m_errors);
        visitFields(nested, out);
        nested.reportUnknownKeys();
    }

    template <class S> void objectList(const char* key, std::vector<S>& out) {
        const Json* value = find(key);
        if (!value) {
            return;
        }
        if (!value->is_array()) {
            typeError(key, "a list of objects", *value);
            return;
        }
        std::vector<S> items(value->size());
        for (size_t i = 0; i < value->size(); ++i) {
            const Json& item = (*value)[i];
            const std::string itemPath = childPath(key) + "[" + std::to_string(i) + "]";
            if (!item.is_object()) {
                addTypeError(itemPath, "an object", item);
                continue;
            }
            ConfigReader nested(item, itemPath, m_errors);
            visitFields(nested, items[i]);
            nested.reportUnknownKeys();
        }
        out = std::move(items);
    }

    /// Every family's section is read: configs stored before a config carried only its own
    /// family's section have both, and must still open.
    bool section(Family /*family*/, Family /*owner*/) const { return true; }

    /// Adds an error for every key of the object that no field asked for.
    void reportUnknownKeys();

    /// "array", "string \"abc\"", "number 2.5" ... for type error messages.
    static std::string describe(const Json& value);

private:
    const Json* find(const char* key);
    std::string childPath(const char* key) const;
    void typeError(const char* key, const char* expected, const Json& got);
    void addTypeError(const std::string& path, const char* expected, const Json& got);

    const Json& m_object;
    std::string m_path;
    std::vector<ConfigError>& m_errors;
    std::vector<std::string> m_known;
};

} // namespace mor::detail
