#pragma once
// Vectors of plain numbers stored as one BLOB (native little-endian bytes): a routing matrix
// or a draft distribution is one value, not one row per cell.
#include "log/sqlite_db.h"

#include <cstring>
#include <type_traits>
#include <vector>

namespace mor::log {

template <typename T> void bindVector(SqlQuery& query, int index, const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    query.bindBlob(index, values.data(), values.size() * sizeof(T));
}

/// The BLOB in `column` as a vector of T (trailing bytes of a truncated value are dropped).
template <typename T> std::vector<T> vectorFromBlob(const SqlQuery& query, int column) {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<uint8_t> bytes = query.blob(column);
    std::vector<T> values(bytes.size() / sizeof(T));
    if (!values.empty()) {
        std::memcpy(values.data(), bytes.data(), values.size() * sizeof(T));
    }
    return values;
}

} // namespace mor::log
