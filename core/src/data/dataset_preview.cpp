// SPDX-License-Identifier: GPL-3.0-or-later
// Dataset::preview: the feature names tell what the numbers are ("b3" a bit, "x1=4" operand 1
// is 4, "modular.x0=2" the same inside a mixed set), so no extra fields are needed.
#include "data/number_text.h"
#include "mor/dataset.h"

#include <algorithm>
#include <map>

namespace mor {

namespace {

/// ±1 bits as "0110 1001"; variable-length strings (`ternary`: entries +1 / -1 / 0 = absent)
/// as "+-.. .+.-" so an absent entry is not mistaken for a -1.
std::string bitsText(const float* row, const std::vector<size_t>& columns, bool ternary) {
    std::string text;
    for (size_t n = 0; n < columns.size(); ++n) {
        if (n > 0 && n % 4 == 0) {
            text += ' ';
        }
        const float v = row[columns[n]];
        if (ternary) {
            text += v > 0.0f ? '+' : (v < 0.0f ? '-' : '.');
        } else {
            text += v > 0.0f ? '1' : '0';
        }
    }
    return text;
}

/// "3 + 5 (mod 7)" from one-hot columns named "x<k>=<v>".
std::string modularText(const float* row, const std::vector<size_t>& columns,
                        const std::vector<std::string>& names, size_t prefix) {
    std::map<int, std::string> operands;
    int modulus = 0;
    for (size_t c : columns) {
        const std::string& name = names[c];
        const size_t eq = name.find('=', prefix);
        const int operand = std::stoi(name.substr(prefix + 1, eq - prefix - 1));
        if (operand == 0) {
            ++modulus;
        }
        if (row[c] > 0.5f) {
            operands[operand] = name.substr(eq + 1);
        }
    }
    std::string text;
    for (const auto& [operand, value] : operands) {
        text += (text.empty() ? "" : " + ") + value;
    }
    return text + " (mod " + std::to_string(modulus) + ")";
}

} // namespace

std::string Dataset::preview(int64_t i) const {
    if (i < 0 || i >= size()) {
        return {};
    }
    if (inputKind == "image") {
        return "image " + std::to_string(imageWidth) + "×" + std::to_string(imageHeight);
    }
    const float* values = row(i);
    std::string domainPrefix;
    std::string label;
    // Mixed sets name their features "<domain>.<feature>" (even with a single domain).
    if (static_cast<size_t>(i) < domains.size() && domains[static_cast<size_t>(i)] < numDomains()) {
        const std::string& domain =
            domainNames[static_cast<size_t>(domains[static_cast<size_t>(i)])];
        const std::string prefix = domain + ".";
        if (std::any_of(featureNames.begin(), featureNames.end(), [&](const std::string& n) {
                return n.compare(0, prefix.size(), prefix) == 0;
            })) {
            domainPrefix = prefix;
        }
        if (numDomains() > 1) {
            label = "[" + domain + "] ";
        }
    }
    // The columns of this sample's block, and what kind of block it is.
    std::vector<size_t> columns;
    bool bits = true, modular = true;
    for (size_t c = 0; c < featureNames.size() && c < static_cast<size_t>(numFeatures); ++c) {
        const std::string& name = featureNames[c];
        if (name.compare(0, domainPrefix.size(), domainPrefix) != 0) {
            continue;
        }
        const std::string local = name.substr(domainPrefix.size());
        columns.push_back(c);
        bits = bits && local.size() > 1 && local[0] == 'b' &&
               local.find_first_not_of("0123456789", 1) == std::string::npos;
        modular =
            modular && local.size() > 1 && local[0] == 'x' && local.find('=') != std::string::npos;
    }
    if (!columns.empty() && bits) {
        // The generator names variable-length sets "parity(24, variable)".
        const bool ternary = name.find("variable") != std::string::npos;
        return label + bitsText(values, columns, ternary);
    }
    if (!columns.empty() && modular) {
        return label + modularText(values, columns, featureNames, domainPrefix.size());
    }
    std::string text;
    const size_t shown = std::min<size_t>(4, static_cast<size_t>(numFeatures));
    for (size_t c = 0; c < shown; ++c) {
        const std::string name =
            c < featureNames.size() ? featureNames[c] : "f" + std::to_string(c);
        text += (c ? ", " : "") + name + "=" + detail::shortNumber(values[c]);
    }
    if (shown < static_cast<size_t>(numFeatures)) {
        text += ", …";
    }
    return label + text;
}

} // namespace mor
