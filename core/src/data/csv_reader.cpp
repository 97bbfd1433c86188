// SPDX-License-Identifier: GPL-3.0-or-later
// readCsv: separator, count line, header and label column detection for numeric tables.
#include "data/csv_lines.h"
#include "data/file_reader.h"
#include "data/number_text.h"
#include "mor/dataset.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

namespace mor {

namespace {

using detail::CsvLine;
using detail::parseNumber;

unsigned char uchar(char c) {
    return static_cast<unsigned char>(c);
}

using Line = CsvLine;

bool isNumber(const std::string& cell, char decimal) {
    double ignored = 0.0;
    return detail::parseCell(cell, decimal, ignored);
}

/// A number, or a missing cell: neither is evidence of a header line.
bool isValue(const std::string& cell, char decimal) {
    return isNumber(cell, decimal) || detail::isMissingCell(cell);
}

bool isCount(const std::string& cell) {
    return !cell.empty() &&
           std::all_of(cell.begin(), cell.end(), [](char c) { return std::isdigit(uchar(c)); });
}

/// sklearn's "150,4,setosa,versicolor,virginica": rows, features, then class names (or
/// nothing). Recognised only when the feature count matches the next line's cells.
bool isCountLine(const std::vector<Line>& lines, char decimal) {
    if (lines.size() < 2 || lines[0].cells.size() < 2) {
        return false;
    }
    const auto& cells = lines[0].cells;
    if (!isCount(cells[0]) || !isCount(cells[1]) || cells[0].size() > 12 || cells[1].size() > 9) {
        return false;
    }
    bool named = false;
    for (size_t i = 2; i < cells.size(); ++i) {
        if (isNumber(cells[i], decimal)) {
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
        std::any_of(next.begin(), next.end(), [=](const std::string& c) { return !isNumber(c, decimal); });
    const bool headerFollows = rows == following - 1 && nextIsText && lines.size() > 2;
    if (rows != following && !headerFollows) {
        return false;
    }
    if (std::stoll(cells[1]) + 1 != static_cast<int64_t>(next.size())) {
        return false;
    }
    return !named || isNumber(lines[headerFollows ? 2 : 1].cells.back(), decimal);
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
bool isHeader(const std::vector<Line>& lines, size_t at, const std::string& labelSpec,
              char decimal) {
    const auto& cells = lines[at].cells;
    const bool isNamedLabel = labelSpec != "last" && labelSpec != "first" && !isNumber(labelSpec, '.');
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
        if (static_cast<int64_t>(i) != label && !isValue(cells[i], decimal)) {
            return true;
        }
    }
    if (label >= 0 && label < static_cast<int64_t>(cells.size()) && !isNumber(cells[label], decimal) &&
        at + 1 < lines.size() && label < static_cast<int64_t>(lines[at + 1].cells.size())) {
        return isNumber(lines[at + 1].cells[static_cast<size_t>(label)], decimal);
    }
    return false;
}

} // namespace

CsvDialect csvDialect(const DataConfig& config) {
    CsvDialect dialect;
    switch (config.delimiter) {
    case CsvDelimiter::Auto:
        dialect.separator = 0; // sniffed
        break;
    case CsvDelimiter::Comma:
        dialect.separator = ',';
        break;
    case CsvDelimiter::Semicolon:
        dialect.separator = ';';
        break;
    case CsvDelimiter::Tab:
    case CsvDelimiter::TabCharacter:
        dialect.separator = '\t';
        break;
    case CsvDelimiter::Space:
        dialect.separator = ' ';
        break;
    case CsvDelimiter::Pipe:
        dialect.separator = '|';
        break;
    }
    dialect.decimal = config.decimal == DecimalMark::Comma ? ',' : '.';
    dialect.missing = config.missing;
    return dialect;
}

namespace {

/// Reads the data rows from `at` on into `table` (columns, header and label resolved).
void readRows(const std::vector<Line>& lines, size_t at, int64_t label,
              const std::vector<std::string>& header, const CsvDialect& dialect,
              const std::string& path, CsvTable& table) {
    const auto columns = table.columns + 1;
    const std::string decimalNote =
        dialect.decimal == ',' ? " (data.decimal is \",\")" : std::string();
    const std::string missingHint =
        dialect.missing == MissingCells::Refuse
            ? " (data.missing = \"drop_rows\" skips such rows, \"mean\" fills the column mean)"
            : std::string();
    table.features.reserve(static_cast<size_t>((lines.size() - at) * table.columns));
    std::vector<float> row(static_cast<size_t>(table.columns));
    for (size_t r = at; r < lines.size(); ++r) {
        const Line& line = lines[r];
        const std::string where = path + ": line " + std::to_string(line.number);
        if (static_cast<int64_t>(line.cells.size()) != columns) {
            table.error = where + " has " + std::to_string(line.cells.size()) +
                          " cells, expected " + std::to_string(columns);
            return;
        }
        std::string labelText;
        bool dropped = false;
        int64_t missingHere = 0;
        row.clear();
        for (int64_t c = 0; c < columns && !dropped; ++c) {
            const std::string& cell = line.cells[static_cast<size_t>(c)];
            const std::string cellAt = where + ", column " + std::to_string(c + 1);
            if (c == label) {
                if (cell.empty() && dialect.missing == MissingCells::DropRows) {
                    dropped = true;
                } else if (cell.empty()) {
                    table.error = cellAt + ": the label cell is empty" +
                                  (dialect.missing == MissingCells::Mean
                                       ? " (data.missing = \"mean\" fills feature cells only; "
                                         "\"drop_rows\" skips such rows)"
                                       : missingHint);
                    return;
                }
                labelText = cell;
                continue;
            }
            const std::string name =
                table.hasHeader ? " (\"" + header[static_cast<size_t>(c)] + "\")" : std::string();
            if (detail::isMissingCell(cell)) {
                if (dialect.missing == MissingCells::Refuse) {
                    table.error = cellAt + name + ": " +
                                  (cell.empty() ? std::string("the cell is empty")
                                                : "\"" + cell + "\" marks a missing value") +
                                  missingHint;
                    return;
                }
                dropped = dialect.missing == MissingCells::DropRows;
                row.push_back(std::numeric_limits<float>::quiet_NaN());
                ++missingHere;
                continue;
            }
            double value = 0.0;
            const bool parsed = detail::parseCell(cell, dialect.decimal, value);
            if (!parsed || std::fabs(value) > std::numeric_limits<float>::max()) {
                table.error = cellAt + name + ": " +
                              (parsed ? "\"" + cell + "\" is too large for a 32-bit float"
                                      : "\"" + cell + "\" is not a number" + decimalNote);
                return;
            }
            row.push_back(static_cast<float>(value));
        }
        if (dropped) {
            ++table.droppedRows;
            continue;
        }
        table.features.insert(table.features.end(), row.begin(), row.end());
        table.labelText.push_back(labelText);
        table.lines.push_back(line.number);
        table.missingCells += missingHere;
        ++table.rows;
    }
    if (table.rows == 0 && table.droppedRows > 0) {
        table.error = path + ": every one of its " + std::to_string(table.droppedRows) +
                      " data rows has a missing cell (data.missing = \"drop_rows\")";
    }
}

} // namespace

CsvTable readCsv(const std::string& path, const std::string& labelColumn,
                 const CsvDialect& dialect) {
    CsvTable table;
    std::string text;
    table.error = detail::readMaybeGzipped(path, text);
    if (!table.error.empty()) {
        return table;
    }
    const char separator =
        dialect.separator != 0 ? dialect.separator : detail::sniffSeparator(text, dialect.decimal);
    table.separator = separator;
    const std::vector<Line> lines = detail::splitCsvLines(text, separator);
    text = std::string(); // release the raw text early: the lines hold a copy
    if (lines.empty()) {
        table.error = path + " is empty";
        return table;
    }

    const char decimal = dialect.decimal;
    size_t at = 0;
    if (isCountLine(lines, decimal)) {
        const auto& cells = lines[0].cells;
        const bool named = std::all_of(cells.begin() + 2, cells.end(),
                                       [](const std::string& c) { return !c.empty(); });
        if (named && cells.size() > 2) {
            table.classNames.assign(cells.begin() + 2, cells.end());
        }
        at = 1;
    }
    std::vector<std::string> header;
    table.hasHeader = at < lines.size() && isHeader(lines, at, labelColumn, decimal);
    if (table.hasHeader) {
        header = lines[at].cells;
        ++at;
    }
    if (at >= lines.size()) {
        table.error = path + " has no data rows";
        return table;
    }
    const auto columns =
        static_cast<int64_t>(table.hasHeader ? header.size() : lines[at].cells.size());
    if (columns < 2) {
        table.error = path + ": line " + std::to_string(lines[at].number) +
                      " has 1 cell; a table needs at least one feature column and a label column" +
                      (dialect.separator != 0 ? " (is data.delimiter right?)" : "");
        return table;
    }
    const int64_t label = resolveLabelColumn(labelColumn, table.hasHeader ? &header : nullptr,
                                             columns, path, table.error);
    if (label < 0) {
        return table;
    }

    table.columns = columns - 1;
    for (int64_t c = 0; c < columns; ++c) {
        if (c != label) {
            table.header.push_back(table.hasHeader && !header[static_cast<size_t>(c)].empty()
                                       ? header[static_cast<size_t>(c)]
                                       : "f" + std::to_string(table.header.size()));
        }
    }
    readRows(lines, at, label, header, dialect, path, table);
    return table;
}

} // namespace mor
