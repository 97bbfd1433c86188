#pragma once
// Helpers shared by the experiment-log tests: raw SQLite access to check what is on disk.
#include <cstdint>
#include <string>
#include <vector>

namespace logtest {

/// The whole file as bytes ("" when missing).
std::string fileBytes(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

/// Runs SQL on the file through a plain connection (no MoR code involved).
void execSql(const std::string& path, const std::string& sql);
/// The first column of the first row as integer / text.
int64_t queryInt(const std::string& path, const std::string& sql);
std::string queryText(const std::string& path, const std::string& sql);

} // namespace logtest
