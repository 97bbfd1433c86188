#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// SHA-256 (FIPS 180-4) for the audit trail of a run: config and data file digests. Small and
// dependency-free; speed is not critical (a data file is hashed once when a run starts).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mor::log {

class AuditSha256 {
public:
    AuditSha256();
    void update(const void* data, size_t bytes);
    /// The digest as 64 lower-case hex digits; the object cannot be updated afterwards.
    std::string finishHex();

private:
    void compressBlock(const uint8_t* block);

    std::array<uint32_t, 8> m_state;
    std::array<uint8_t, 64> m_buffer{};
    size_t m_buffered = 0;
    uint64_t m_totalBytes = 0;
};

} // namespace mor::log
