// SPDX-License-Identifier: GPL-3.0-or-later
#include "config/config_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace mor::detail {

namespace {

// Optimal string alignment distance: like Levenshtein, but a swap of two neighbouring
// letters ("modle" for "model") costs one edit, as it is one typo.
size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// "topK", "Top-K" and "top_k" all normalise to "topk", so camelCase keys find their match.
std::string normalised(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

} // namespace

std::string suggestKey(const std::string& unknown, const std::vector<std::string>& known) {
    const std::string plain = normalised(unknown);
    for (const auto& candidate : known) {
        if (normalised(candidate) == plain) {
            return candidate;
        }
    }
    std::string best;
    size_t bestDistance = std::numeric_limits<size_t>::max();
    for (const auto& candidate : known) {
        const size_t d = editDistance(plain, normalised(candidate));
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    // Only suggest what is plausibly a typo: a third of the word may be wrong.
    const size_t allowed = std::max<size_t>(1, std::max(plain.size(), best.size()) / 3);
    return bestDistance <= allowed ? best : std::string();
}

std::string ConfigReader::describe(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return value.get<bool>() ? "true" : "false";
    case Json::value_t::string: {
        std::string text = value.get<std::string>();
        if (text.size() > 40) {
            text = text.substr(0, 40) + "...";
        }
        return "string \"" + text + "\"";
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "number " + value.dump();
    case Json::value_t::array:
        return "a list";
    case Json::value_t::object:
        return "an object";
    default:
        return "an unsupported value";
    }
}

const Json* ConfigReader::find(const char* key) {
    m_known.emplace_back(key);
    const auto it = m_object.find(key);
    return it == m_object.end() ? nullptr : &*it;
}

std::string ConfigReader::childPath(const char* key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + key;
}

void ConfigReader::typeError(const char* key, const char* expected, const Json& got) {
    addTypeError(childPath(key), expected, got);
}

void ConfigReader::addTypeError(const std::string& path, const char* expected, const Json& got) {
    m_errors.push_back({path, path + " must be " + expected + " (got " + describe(got) + ")"});
}

void ConfigReader::field(const char* key, std::string& out) {
    if (const Json* value = find(key)) {
        if (value->is_string()) {
            out = value->get<std::string>();
        } else {
            typeError(key, "a string", *value);
        }
    }
}

void ConfigReader::field(const char* key, int64_t& out) {
    const Json* value = find(key);
    if (!value) {
        return;
    }
    if (value->is_number_integer() && !value->is_number_unsigned()) {
        out = value->get<int64_t>();
        return;
    }
    if (value->is_number_unsigned()) {
        const uint64_t u = value->get<uint64_t>();
        if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            out = static_cast<int64_t>(u);
            return;
        }
    }
    // 64.0 is accepted as 64: some tools write every number as a float.
    if (value->is_number_float()) {
        const double d = value->get<double>();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e18) {
            out = static_cast<int64_t>(d);
            return;
        }
    }
    typeError(key, "an integer", *value);
}

void ConfigReader::field(const char* key, double& out) {
    if (const Json* value = find(key)) {
        if (value->is_number()) {
            out = value->get<double>();
        } else {
            typeError(key, "a number", *value);
        }
    }
}

void ConfigReader::field(const char* key, bool& out) {
    if (const Json* value = find(key)) {
        if (value->is_boolean()) {
            out = value->get<bool>();
        } else {
            typeError(key, "true or false", *value);
        }
    }
}

void ConfigReader::field(const char* key, std::vector<std::string>& out) {
    const Json* value = find(key);
    if (!value) {
        return;
    }
    if (!value->is_array()) {
        typeError(key, "a list of strings", *value);
        return;
    }
    std::vector<std::string> items;
    for (size_t i = 0; i < value->size(); ++i) {
        const Json& item = (*value)[i];
        if (!item.is_string()) {
            addTypeError(childPath(key) + "[" + std::to_string(i) + "]", "a string", item);
            return;
        }
        items.push_back(item.get<std::string>());
    }
    out = std::move(items);
}

void ConfigReader::field(const char* key, std::vector<int64_t>& out) {
    const Json* value = find(key);
    if (!value) {
        return;
    }
    if (!value->is_array()) {
        typeError(key, "a list of integers", *value);
        return;
    }
    std::vector<int64_t> items;
    for (size_t i = 0; i < value->size(); ++i) {
        const Json& item = (*value)[i];
        if (!item.is_number_integer() ||
            (item.is_number_unsigned() &&
             item.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
            addTypeError(childPath(key) + "[" + std::to_string(i) + "]", "an integer", item);
            return;
        }
        items.push_back(item.get<int64_t>());
    }
    out = std::move(items);
}

void ConfigReader::stringOrInteger(const char* key, std::string& out) {
    if (const Json* value = find(key)) {
        if (value->is_string()) {
            out = value->get<std::string>();
        } else if (value->is_number_integer()) {
            out = value->dump();
        } else {
            typeError(key, "a string or an integer", *value);
        }
    }
}

void ConfigReader::reportUnknownKeys() {
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (std::find(m_known.begin(), m_known.end(), it.key()) != m_known.end()) {
            continue;
        }
        const std::string path = childPath(it.key().c_str());
        std::string message = path + " is not a known field";
        const std::string suggestion = suggestKey(it.key(), m_known);
        if (!suggestion.empty()) {
            message += " (did you mean " + suggestion + "?)";
        }
        m_errors.push_back({path, message});
    }
}

} // namespace mor::detail
