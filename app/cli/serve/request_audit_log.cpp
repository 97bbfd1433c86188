// SPDX-License-Identifier: GPL-3.0-or-later
#include "serve/request_audit_log.h"

#include "mor/run_audit.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace mor::serve {

namespace {

/// UTC time with milliseconds, e.g. "2026-12-02T11:04:45.123Z".
std::string auditLogTimestamp() {
    const auto now = std::chrono::system_clock::now();
    const int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    const size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms % 1000));
    return text;
}

} // namespace

bool RequestAuditLog::open(const std::string& path, bool raw, std::string* error) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_out.open(path, std::ios::out | std::ios::app | std::ios::binary);
    if (!m_out) {
        if (error) {
            *error = "cannot write the request audit log " + path;
        }
        return false;
    }
    m_enabled = true;
    m_raw = raw;
    return true;
}

void RequestAuditLog::record(const std::string& endpoint, const std::string& variant,
                             int64_t run, const std::string& body, int status,
                             const nlohmann::json& answer) {
    if (!m_enabled) {
        return;
    }
    nlohmann::json line{{"time", auditLogTimestamp()},
                        {"endpoint", endpoint},
                        {"variant", variant},
                        {"run", run},
                        {"status", status},
                        {"input_sha256", sha256Hex(body)},
                        {"answer", answer}};
    if (m_raw) {
        line["input"] = body;
    }
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard<std::mutex> lock(m_mutex);
    m_out << text;
    m_out.flush();
    ++m_lines;
}

int64_t RequestAuditLog::linesWritten() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lines;
}

} // namespace mor::serve
