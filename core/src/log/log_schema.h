#pragma once
// The layout of an experiment log file, how to recognise one, and how to upgrade an
// older one step by step (PRAGMA user_version = schema version).
#include <string>

namespace mor::log {

class SqliteDb;

/// Value of meta.application in every file we write; a file without it is not ours.
inline constexpr const char* kApplicationMarker = "mor-studio";
/// Busy timeout of every connection (writer and readers).
inline constexpr int kBusyTimeoutMs = 5000;

/// What `inspectLogFile` found, without changing a byte of the file.
struct LogFileCheck {
    bool ok = false;
    bool isNew = false; ///< missing, zero bytes, or an SQLite file with no tables
    int version = 0;    ///< PRAGMA user_version of an existing log
    std::string error;  ///< why the file is refused (names the file and the cause)
};

/// Decides whether `path` may be opened. Readers (forWriting = false) also refuse new/empty
/// files and logs older than this build (those are upgraded by the first writer).
LogFileCheck inspectLogFile(const std::string& path, bool forWriting);

/// Inside an open write transaction: creates the current schema in an empty database, or
/// validates the marker/version of an existing one and upgrades it. Throws SqlError, or
/// std::runtime_error with a user-facing message when the file is not acceptable.
void prepareSchema(SqliteDb& db);

/// The v0 layout (the prototype of DESIGN.md §4, before versioning) — used by the tests
/// to build an old file and by migration step 0 -> 1.
void createVersion0Schema(SqliteDb& db);

} // namespace mor::log
