#pragma once
// Splitting CSV text into lines and cells, sniffing the separator, reading a cell as a number
// under a decimal mark, and recognising missing cells. Used by readCsv (csv_reader.cpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mor::detail {

struct CsvLine {
    int64_t number = 0; ///< 1-based line in the file
    std::vector<std::string> cells;
};

/// Splits one line; double quotes may enclose separators and "" is a literal quote.
/// separator ' ' means "runs of blanks" (whitespace-separated files).
std::vector<std::string> splitCsvCells(std::string_view line, char separator);

/// The separator of a table: of ',' ';' tab '|' (not ',' when the decimal mark is ','), the
/// one that splits the first lines into the same number (at least 2) of cells most often,
/// more cells breaking ties, then that order. Runs of blanks when none splits a line.
char sniffSeparator(std::string_view text, char decimal);

/// The non-blank lines of a file (a UTF-8 byte order mark skipped), split into cells.
std::vector<CsvLine> splitCsvLines(std::string_view text, char separator);

/// An empty cell or a usual "no value" mark: NA, N/A, NaN, null, ? (any case).
bool isMissingCell(std::string_view cell);

/// Parses a whole cell as a finite number with `decimal` ('.' or ',') as the decimal mark;
/// with ',' a '.' in the cell makes it not a number (no thousands separators).
bool parseCell(std::string_view cell, char decimal, double& value);

} // namespace mor::detail
