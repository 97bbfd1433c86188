#pragma once
// A thin RAII layer over the SQLite C API: one connection, a cache of prepared statements,
// and errors as exceptions inside core/src/log only (the public API turns them into values).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace mor::log {

/// A failed SQLite call; `code` is the extended result code.
class SqlError : public std::runtime_error {
public:
    SqlError(int code, const std::string& message);
    int code() const { return m_code; }
    /// SQLITE_BUSY / SQLITE_LOCKED (incl. extended codes): worth retrying.
    bool isBusy() const;

private:
    int m_code;
};

/// One prepared statement. Use through `SqlQuery`, which resets it when done so that a
/// half-read SELECT never keeps a WAL snapshot (and a read lock) open.
class SqlStatement {
public:
    SqlStatement(sqlite3* db, const std::string& sql);
    ~SqlStatement();
    SqlStatement(const SqlStatement&) = delete;
    SqlStatement& operator=(const SqlStatement&) = delete;

    sqlite3_stmt* handle() const { return m_stmt; }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

class SqlQuery {
public:
    explicit SqlQuery(SqlStatement& statement);
    ~SqlQuery();
    SqlQuery(const SqlQuery&) = delete;
    SqlQuery& operator=(const SqlQuery&) = delete;

    SqlQuery& bind(int index, int64_t value);
    SqlQuery& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    SqlQuery& bind(int index, double value); ///< NaN is stored as NULL (SQLite has no NaN)
    SqlQuery& bind(int index, const std::string& value);
    SqlQuery& bindBlob(int index, const void* data, size_t bytes);
    SqlQuery& bindNull(int index);

    /// Advances; true while a row is available. Throws SqlError on failure.
    bool next();
    /// Runs a statement that returns no rows.
    void exec();

    bool isNull(int column) const;
    int64_t int64(int column) const;
    double real(int column) const; ///< NULL reads back as NaN
    float real32(int column) const { return static_cast<float>(real(column)); }
    std::string text(int column) const;
    std::vector<uint8_t> blob(int column) const;

private:
    sqlite3_stmt* m_stmt;
};

/// One connection with a statement cache. Not thread-safe: callers serialise access.
class SqliteDb {
public:
    /// Opens with sqlite3_open_v2 flags; sets busy_timeout. Throws SqlError.
    SqliteDb(const std::string& path, int flags, int busyTimeoutMs);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* handle() const { return m_db; }
    /// A cached prepared statement for `sql` (prepared on first use).
    SqlStatement& statement(const std::string& sql);
    /// Runs one or more statements without parameters (schema, PRAGMA, BEGIN/COMMIT).
    void exec(const std::string& sql);
    /// Runs one parameterless statement through the cache (BEGIN, COMMIT, SAVEPOINT ...).
    void run(const std::string& sql);
    /// The single integer a PRAGMA or query returns (0 when no row).
    int64_t queryInt(const std::string& sql);
    int64_t changes() const;
    /// False when SQLite rolled back the open transaction by itself (disk full, I/O error).
    bool inTransaction() const;
    int64_t lastInsertRowId() const;
    /// Whether `schema` ("main", or an ATTACHed name) has the table / the table the column:
    /// readers of older files ask before touching what a later schema version added.
    bool hasTable(const std::string& table, const std::string& schema = "main");
    bool hasColumn(const std::string& table, const std::string& column,
                   const std::string& schema = "main");

private:
    sqlite3* m_db = nullptr;
    std::unordered_map<std::string, std::unique_ptr<SqlStatement>> m_cache;
};

/// A read-only connection, checked with a first query. A WAL file in a directory we may not
/// write (an installed example log) cannot get its -shm index; no writer can be active on it
/// then, so it is opened immutable instead. Throws SqlError.
std::unique_ptr<SqliteDb> openReadOnlyDb(const std::string& path, int busyTimeoutMs);

/// Milliseconds since the Unix epoch (wall clock).
int64_t nowMs();

/// Runs `body(db)` between `begin` ("BEGIN" or "BEGIN IMMEDIATE") and COMMIT, rolling back on
/// failure. While SQLite reports busy (another connection holds the lock past the busy
/// timeout) it tries again, up to `attempts` times, sleeping backoffMs * attempt in between.
/// The body's result, or nullopt with the reason in *error. One place for the retry policy of
/// the log reader and the sweep store.
template <typename Result, typename Body>
std::optional<Result> retryTransaction(SqliteDb& db, const char* begin, int attempts,
                                       int backoffMs, Body body, std::string* error) {
    for (int attempt = 1;; ++attempt) {
        try {
            db.run(begin);
            Result result = body(db);
            db.run("COMMIT");
            return result;
        } catch (const std::exception& e) {
            try {
                db.run("ROLLBACK");
            } catch (const std::exception&) {
                // no transaction open
            }
            const auto* sql = dynamic_cast<const SqlError*>(&e);
            if (sql && sql->isBusy() && attempt < attempts) {
                std::this_thread::sleep_for(std::chrono::milliseconds(backoffMs * attempt));
                continue;
            }
            if (error) {
                *error = e.what();
            }
            return std::nullopt;
        }
    }
}

} // namespace mor::log
