#include "log/sqlite_db.h"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace mor::log {

SqlError::SqlError(int code, const std::string& message)
    : std::runtime_error(message), m_code(code) {}

bool SqlError::isBusy() const {
    const int primary = m_code & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

static SqlError errorOf(sqlite3* db, int rc, const std::string& context) {
    const int code = db ? sqlite3_extended_errcode(db) : rc;
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return SqlError(code ? code : rc, context + ": " + message);
}

SqlStatement::SqlStatement(sqlite3* db, const std::string& sql) {
    const int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        throw errorOf(db, rc, "preparing \"" + sql + "\"");
    }
}

SqlStatement::~SqlStatement() {
    sqlite3_finalize(m_stmt);
}

SqlQuery::SqlQuery(SqlStatement& statement) : m_stmt(statement.handle()) {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

SqlQuery::~SqlQuery() {
    sqlite3_reset(m_stmt);
}

static void checkBind(sqlite3_stmt* stmt, int rc) {
    if (rc != SQLITE_OK) {
        throw errorOf(sqlite3_db_handle(stmt), rc, "binding a parameter");
    }
}

SqlQuery& SqlQuery::bind(int index, int64_t value) {
    checkBind(m_stmt, sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

SqlQuery& SqlQuery::bind(int index, double value) {
    checkBind(m_stmt, std::isnan(value) ? sqlite3_bind_null(m_stmt, index)
                                        : sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

SqlQuery& SqlQuery::bind(int index, const std::string& value) {
    checkBind(m_stmt, sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()),
                                        SQLITE_TRANSIENT));
    return *this;
}

SqlQuery& SqlQuery::bindBlob(int index, const void* data, size_t bytes) {
    // A zero-length blob (not NULL) keeps "empty vector" distinct from "missing".
    checkBind(m_stmt,
              sqlite3_bind_blob64(m_stmt, index, bytes ? data : "", bytes, SQLITE_TRANSIENT));
    return *this;
}

SqlQuery& SqlQuery::bindNull(int index) {
    checkBind(m_stmt, sqlite3_bind_null(m_stmt, index));
    return *this;
}

bool SqlQuery::next() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const char* sql = sqlite3_sql(m_stmt);
    SqlError error =
        errorOf(sqlite3_db_handle(m_stmt), rc, std::string("running \"") + (sql ? sql : "") + "\"");
    sqlite3_reset(m_stmt);
    throw error;
}

void SqlQuery::exec() {
    while (next()) {
    }
}

bool SqlQuery::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int64_t SqlQuery::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double SqlQuery::real(int column) const {
    if (isNull(column)) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return sqlite3_column_double(m_stmt, column);
}

std::string SqlQuery::text(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
             : std::string();
}

std::vector<uint8_t> SqlQuery::blob(int column) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

SqliteDb::SqliteDb(const std::string& path, int flags, int busyTimeoutMs) {
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        SqlError error = errorOf(m_db, rc, "opening " + path);
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw error;
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, busyTimeoutMs);
}

SqliteDb::~SqliteDb() {
    m_cache.clear(); // statements must be finalised before the connection closes
    sqlite3_close_v2(m_db);
}

SqlStatement& SqliteDb::statement(const std::string& sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        it = m_cache.emplace(sql, std::make_unique<SqlStatement>(m_db, sql)).first;
    }
    return *it->second;
}

void SqliteDb::exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw SqlError(sqlite3_extended_errcode(m_db), "running \"" + sql + "\": " + text);
    }
}

void SqliteDb::run(const std::string& sql) {
    SqlQuery(statement(sql)).exec();
}

int64_t SqliteDb::queryInt(const std::string& sql) {
    SqlQuery q(statement(sql));
    return q.next() ? q.int64(0) : 0;
}

int64_t SqliteDb::changes() const {
    return sqlite3_changes64(m_db);
}

bool SqliteDb::inTransaction() const {
    return sqlite3_get_autocommit(m_db) == 0;
}

int64_t SqliteDb::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}

bool SqliteDb::hasTable(const std::string& table, const std::string& schema) {
    // pragma_table_info (SQLite 3.16) rather than pragma_table_list (3.37): no columns, no table.
    SqlQuery q(statement("SELECT count(*) FROM pragma_table_info(?, ?)"));
    q.bind(1, table).bind(2, schema);
    return q.next() && q.int64(0) > 0;
}

bool SqliteDb::hasColumn(const std::string& table, const std::string& column,
                         const std::string& schema) {
    SqlQuery q(statement("SELECT count(*) FROM pragma_table_info(?, ?) WHERE name = ?"));
    q.bind(1, table).bind(2, schema).bind(3, column);
    return q.next() && q.int64(0) > 0;
}

static std::string fileUri(const std::string& path) {
    std::string uri = "file:";
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') { // the characters that end or escape a URI path
            static const char* hex = "0123456789ABCDEF";
            uri += '%';
            uri += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            uri += hex[static_cast<unsigned char>(c) & 0xf];
        } else {
            uri += c;
        }
    }
    return uri;
}

std::unique_ptr<SqliteDb> openReadOnlyDb(const std::string& path, int busyTimeoutMs) {
    auto db = std::make_unique<SqliteDb>(path, SQLITE_OPEN_READONLY, busyTimeoutMs);
    try {
        db->queryInt("SELECT count(*) FROM sqlite_master");
        return db;
    } catch (const SqlError& e) {
        const int primary = e.code() & 0xff;
        if (primary != SQLITE_READONLY && primary != SQLITE_CANTOPEN) {
            throw;
        }
    }
    db.reset();
    return std::make_unique<SqliteDb>(fileUri(path) + "?immutable=1",
                                      SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busyTimeoutMs);
}

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace mor::log
