#include "log_test_util.h"

#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace logtest {

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

namespace {
struct Connection {
    sqlite3* db = nullptr;
    explicit Connection(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path);
        }
        sqlite3_busy_timeout(db, 5000);
    }
    ~Connection() { sqlite3_close(db); }
};
} // namespace

void execSql(const std::string& path, const std::string& sql) {
    Connection c(path);
    char* message = nullptr;
    if (sqlite3_exec(c.db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "?";
        sqlite3_free(message);
        throw std::runtime_error(sql + ": " + text);
    }
}

static std::string queryFirst(const std::string& path, const std::string& sql, int64_t* number) {
    Connection c(path);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(c.db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        throw std::runtime_error(sql + ": " + sqlite3_errmsg(c.db));
    }
    std::string text;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        *number = sqlite3_column_int64(stmt, 0);
        const auto* p = sqlite3_column_text(stmt, 0);
        text = p ? reinterpret_cast<const char*>(p) : "";
    }
    sqlite3_finalize(stmt);
    return text;
}

int64_t queryInt(const std::string& path, const std::string& sql) {
    int64_t n = 0;
    queryFirst(path, sql, &n);
    return n;
}

std::string queryText(const std::string& path, const std::string& sql) {
    int64_t n = 0;
    return queryFirst(path, sql, &n);
}

} // namespace logtest
