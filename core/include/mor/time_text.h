// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Wall-clock times of the log (milliseconds since the Unix epoch) as text.
#include <cstdint>
#include <string>

namespace mor {

/// ISO 8601 in UTC to the second, e.g. "2026-12-02T14:05:09Z"; empty for ms <= 0 (not recorded).
std::string isoUtcText(int64_t ms);

} // namespace mor
