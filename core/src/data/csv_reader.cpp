// SPDX-License-Identifier: GPL-3.0-or-later
// readCsv: separator, count line, header and label column detection for numeric tables.
#include "data/file_reader.h"
#include "data/number_text.h"
#include "mor/dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace mor {

namespace {

using detail::parseNumber;
using detail::trimmed;

unsigned char uchar(char c) {
    return static_cast<unsigned char>(c);
}

struct Line {
    int64_t number = 0; ///< 1-based line in the file
    std::vector<std::string> cells;
};

bool isNumber(const std::string& cell) {
    double ignored = 0.0;
    return parseNumber(cell, ignored);
}

bool isCount(const std::string& cell) {
    return !cell.empty() &&
           std::all_of(cell.begin(), cell.end(), [](char c) { return std::isdigit(uchar(c)); });
}

/// Splits one line; double quotes may enclose separators and "" is a literal quote.
/// separator ' ' means "runs of blanks" (whitespace-separated files).
std::vector<std::string> splitCells(std::string_view line, char separator) {
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

char detectSeparator(std::string_view firstLine) {
    for (char candidate : {',', ';', '\t'}) {
        if (firstLine.find(candidate) != std::string_view::npos) {
            return candidate;
        }
    }
    return firstLine.find(' ') != std::string_view::npos ? ' ' : ',';
}

std::vector<Line> splitLines(const std::string& text, char& separator) {
    std::vector<Line> lines;
    size_t start = 0;
    int64_t number = 0;
    // A UTF-8 byte order mark would otherwise become part of the first header name.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        start = 3;
    }
    bool first = true;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        ++number;
        const std::string_view line = trimmed(std::string_view(text).substr(start, end - start));
        if (!line.empty()) {
            if (first) {
                separator = detectSeparator(line);
                first = false;
            }
            lines.push_back({number, splitCells(line, separator)});
        }
        start = end + 1;
    }
    return lines;
}

/// sklearn's "150,4,setosa,versicolor,virginica": rows, features, then class names (or
/// nothing). Recognised only when the feature count matches the next line's cells.
bool isCountLine(const std::vector<Line>& lines) {
    if (lines.size() < 2 || lines[0].cells.size() < 2) {
        return false;
    }
    const auto& cells = lines[0].cells;
    if (!isCount(cells[0]) || !isCount(cells[1]) || cells[0].size() > 12 || cells[1].size() > 9) {
        return false;
    }
    bool named = false;
    for (size_t i = 2; i < cells.size(); ++i) {
        if (isNumber(cells[i])) {
            return false;
        }
        named = named || !cells[i].empty();
    }
    // A data row such as "1,2,cat" looks the same, so the counts must match the file: the
    // row count (a header line may follow), the feature count (+ label), and with class
    // names the labels must be numbers.
    const auto rows = std::stoll(cells[0]);
    const auto following = static_cast<long long>(lines.size()) - 1;
    const auto& next = lines[1].cells;
    const bool nextIsText =
        std::any_of(next.begin(), next.end(), [](const std::string& c) { return !isNumber(c); });
    const bool headerFollows = rows == following - 1 && nextIsText && lines.size() > 2;
    if (rows != following && !headerFollows) {
        return false;
    }
    if (std::stoll(cells[1]) + 1 != static_cast<int64_t>(next.size())) {
        return false;
    }
    return !named || isNumber(lines[headerFollows ? 2 : 1].cells.back());
}

/// Resolves "last" | "first" | index (negative counts from the end) | name; -1 + error if not.
int64_t resolveLabelColumn(const std::string& spec, const std::vector<std::string>* header,
                           int64_t columns, const std::string& path, std::string& error) {
    if (spec == "last") {
        return columns - 1;
    }
    if (spec == "first") {
        return 0;
    }
    double number = 0.0;
    if (parseNumber(spec, number) && std::fabs(number) < 9.0e18 && // int64 cast: no UB
        number == static_cast<double>(static_cast<int64_t>(number))) {
        auto index = static_cast<int64_t>(number);
        if (index < 0) {
            index += columns;
        }
        if (index < 0 || index >= columns) {
            error = "data.label_column = " + spec + " but " + path + " has " +
                    std::to_string(columns) + " columns (indices 0 to " +
                    std::to_string(columns - 1) + ")";
            return -1;
        }
        return index;
    }
    if (!header) {
        error = "data.label_column = \"" + spec + "\" names a column, but " + path +
                " has no header line";
        return -1;
    }
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t i = 0; i < header->size(); ++i) {
            std::string a = (*header)[i], b = spec;
            if (pass == 1) { // a second, case-insensitive look
                std::transform(a.begin(), a.end(), a.begin(),
                               [](char c) { return std::tolower(uchar(c)); });
                std::transform(b.begin(), b.end(), b.begin(),
                               [](char c) { return std::tolower(uchar(c)); });
            }
            if (a == b) {
                return static_cast<int64_t>(i);
            }
        }
    }
    std::string names;
    for (const auto& name : *header) {
        names += (names.empty() ? "" : ", ") + name;
    }
    error = "data.label_column = \"" + spec + "\" is not a column of " + path +
            " (columns: " + names + ")";
    return -1;
}

/// A header has non-numeric cells among the features; a non-numeric label cell alone only
/// counts when the label below it is a number.
bool isHeader(const std::vector<Line>& lines, size_t at, const std::string& labelSpec) {
    const auto& cells = lines[at].cells;
    const bool isNamedLabel = labelSpec != "last" && labelSpec != "first" && !isNumber(labelSpec);
    if (isNamedLabel && std::find(cells.begin(), cells.end(), labelSpec) != cells.end()) {
        return true;
    }
    int64_t label = static_cast<int64_t>(cells.size()) - 1;
    if (labelSpec == "first") {
        label = 0;
    } else if (double index = 0; parseNumber(labelSpec, index) && std::fabs(index) < 9.0e18) {
        label = static_cast<int64_t>(index) < 0 ? static_cast<int64_t>(index) + label + 1
                                                : static_cast<int64_t>(index);
    }
    for (size_t i = 0; i < cells.size(); ++i) {
        if (static_cast<int64_t>(i) != label && !isNumber(cells[i])) {
            return true;
        }
    }
    if (label >= 0 && label < static_cast<int64_t>(cells.size()) && !isNumber(cells[label]) &&
        at + 1 < lines.size() && label < static_cast<int64_t>(lines[at + 1].cells.size())) {
        return isNumber(lines[at + 1].cells[static_cast<size_t>(label)]);
    }
    return false;
}

} // namespace

CsvTable readCsv(const std::string& path, const std::string& labelColumn) {
    CsvTable table;
    std::string text;
    table.error = detail::readMaybeGzipped(path, text);
    if (!table.error.empty()) {
        return table;
    }
    char separator = ',';
    const std::vector<Line> lines = splitLines(text, separator);
    text = std::string(); // release the raw text early: the lines hold a copy
    if (lines.empty()) {
        table.error = path + " is empty";
        return table;
    }

    size_t at = 0;
    if (isCountLine(lines)) {
        const auto& cells = lines[0].cells;
        const bool named = std::all_of(cells.begin() + 2, cells.end(),
                                       [](const std::string& c) { return !c.empty(); });
        if (named && cells.size() > 2) {
            table.classNames.assign(cells.begin() + 2, cells.end());
        }
        at = 1;
    }
    std::vector<std::string> header;
    const bool hasHeader = at < lines.size() && isHeader(lines, at, labelColumn);
    if (hasHeader) {
        header = lines[at].cells;
        ++at;
    }
    if (at >= lines.size()) {
        table.error = path + " has no data rows";
        return table;
    }
    const auto columns = static_cast<int64_t>(hasHeader ? header.size() : lines[at].cells.size());
    if (columns < 2) {
        table.error = path + ": line " + std::to_string(lines[at].number) +
                      " has 1 cell; a table needs at least one feature column and a label column";
        return table;
    }
    const int64_t label =
        resolveLabelColumn(labelColumn, hasHeader ? &header : nullptr, columns, path, table.error);
    if (label < 0) {
        return table;
    }

    table.columns = columns - 1;
    for (int64_t c = 0; c < columns; ++c) {
        if (c != label) {
            table.header.push_back(hasHeader && !header[static_cast<size_t>(c)].empty()
                                       ? header[static_cast<size_t>(c)]
                                       : "f" + std::to_string(table.header.size()));
        }
    }
    table.features.reserve(static_cast<size_t>((lines.size() - at) * table.columns));
    for (size_t r = at; r < lines.size(); ++r) {
        const Line& line = lines[r];
        const std::string where = path + ": line " + std::to_string(line.number);
        if (static_cast<int64_t>(line.cells.size()) != columns) {
            table.error = where + " has " + std::to_string(line.cells.size()) +
                          " cells, expected " + std::to_string(columns);
            return table;
        }
        for (int64_t c = 0; c < columns; ++c) {
            const std::string& cell = line.cells[static_cast<size_t>(c)];
            if (c == label) {
                if (cell.empty()) {
                    table.error =
                        where + ", column " + std::to_string(c + 1) + ": the label cell is empty";
                    return table;
                }
                table.labelText.push_back(cell);
                continue;
            }
            double value = 0.0;
            const bool parsed = parseNumber(cell, value);
            if (!parsed || std::fabs(value) > std::numeric_limits<float>::max()) {
                const std::string name =
                    hasHeader ? " (\"" + header[static_cast<size_t>(c)] + "\")" : std::string();
                table.error = where + ", column " + std::to_string(c + 1) + name + ": " +
                              (cell.empty() ? std::string("the cell is empty")
                               : parsed     ? "\"" + cell + "\" is too large for a 32-bit float"
                                            : "\"" + cell + "\" is not a number");
                return table;
            }
            table.features.push_back(static_cast<float>(value));
        }
        ++table.rows;
    }
    return table;
}

} // namespace mor
