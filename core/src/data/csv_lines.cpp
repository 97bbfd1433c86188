// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/csv_lines.h"

#include "data/number_text.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace mor::detail {

std::vector<std::string> splitCsvCells(std::string_view line, char separator) {
    std::vector<std::string> cells;
    if (separator == ' ') {
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
                ++i;
            }
            const size_t start = i;
            while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
                ++i;
            }
            if (i > start) {
                cells.emplace_back(line.substr(start, i - start));
            }
        }
        return cells;
    }
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"' && trimmed(cell).empty()) {
            cell.clear();
            quoted = true;
        } else if (c == separator) {
            cells.emplace_back(trimmed(cell));
            cell.clear();
        } else {
            cell += c;
        }
    }
    cells.emplace_back(trimmed(cell));
    return cells;
}

namespace {

std::string_view withoutBom(std::string_view text) {
    return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

/// Calls f(line) for each non-blank, trimmed line until f returns false.
template <class F> void forEachLine(std::string_view text, F&& f) {
    size_t start = 0;
    int64_t number = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        ++number;
        const std::string_view line = trimmed(text.substr(start, end - start));
        if (!line.empty() && !f(number, line)) {
            return;
        }
        start = end + 1;
    }
}

} // namespace

char sniffSeparator(std::string_view text, char decimal) {
    constexpr int SampleLines = 20;
    std::vector<std::string_view> sample;
    forEachLine(withoutBom(text), [&](int64_t, std::string_view line) {
        sample.push_back(line);
        return sample.size() < SampleLines;
    });
    char best = ' ';
    size_t bestAgree = 0, bestCells = 1;
    for (char candidate : {',', ';', '\t', '|'}) {
        if (candidate == decimal) {
            continue;
        }
        std::map<size_t, size_t> counts; // cells per line -> lines
        for (const auto line : sample) {
            ++counts[splitCsvCells(line, candidate).size()];
        }
        size_t cells = 1, agree = 0; // the most frequent count, larger counts on ties
        for (const auto& [n, lines] : counts) {
            if (lines >= agree) {
                cells = n;
                agree = lines;
            }
        }
        if (cells >= 2 && (agree > bestAgree || (agree == bestAgree && cells > bestCells))) {
            best = candidate;
            bestAgree = agree;
            bestCells = cells;
        }
    }
    return best;
}

std::vector<CsvLine> splitCsvLines(std::string_view text, char separator) {
    std::vector<CsvLine> lines;
    forEachLine(withoutBom(text), [&](int64_t number, std::string_view line) {
        lines.push_back({number, splitCsvCells(line, separator)});
        return true;
    });
    return lines;
}

bool isMissingCell(std::string_view cell) {
    cell = trimmed(cell);
    if (cell.empty() || cell == "?") {
        return true;
    }
    std::string lower(cell);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return lower == "na" || lower == "n/a" || lower == "nan" || lower == "null";
}

bool parseCell(std::string_view cell, char decimal, double& value) {
    if (decimal == '.') {
        return parseNumber(cell, value);
    }
    if (cell.find('.') != std::string_view::npos) {
        return false;
    }
    std::string text(cell);
    std::replace(text.begin(), text.end(), decimal, '.');
    return parseNumber(text, value);
}

} // namespace mor::detail
