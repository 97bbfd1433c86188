// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor serve --audit-log FILE`: one JSON line per answered or refused request — time, endpoint,
// variant, run, HTTP status, the SHA-256 of the request body and the answer. The raw input
// is written only with --audit-raw. Lines are appended and flushed one by one, so a crash
// loses at most the request in flight.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>

namespace mor::serve {

class RequestAuditLog {
public:
    /// Opens `path` for appending; false with *error when it cannot be written.
    bool open(const std::string& path, bool raw, std::string* error);
    bool enabled() const { return m_enabled; }
    /// Appends one line (thread-safe). `answer` is null for a refused request.
    void record(const std::string& endpoint, const std::string& variant, int64_t run,
                const std::string& body, int status, const nlohmann::json& answer);
    int64_t linesWritten() const;

private:
    mutable std::mutex m_mutex;
    std::ofstream m_out;
    bool m_enabled = false;
    bool m_raw = false;
    int64_t m_lines = 0;
};

} // namespace mor::serve
