// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Internals of mor::SweepStore: telling whether the process that owns a sweep, or trains one
// of its entries, is still alive. A pid alone can be reused, so a process is identified by
// (host, pid, start time in clock ticks since boot), as /proc/<pid>/stat gives it.
#include <cstdint>
#include <string>

namespace mor::log {

class SqliteDb;

/// Start time of a live process in clock ticks since boot; -1 when there is no such process
/// or it is a zombie (exited, not yet reaped).
int64_t processStartTicks(int64_t pid);
/// This machine's host name ("" when unknown).
std::string hostName();
/// True when (host, pid, start) names a process alive on this machine. A process recorded on
/// another host cannot be checked here: `otherHostAlive` is returned for it.
bool processAlive(const std::string& host, int64_t pid, int64_t start, bool otherHostAlive);

/// A run's status may say "running" although its process is gone; trust it only this long
/// after the last heartbeat (the writer beats every 5 s; markStaleRunsInterrupted uses 15 s).
inline constexpr int64_t kStaleHeartbeatMs = 15000;

/// The last value (highest step) of a run's metric; NaN when it has none.
double lastMetricValue(SqliteDb& db, int64_t runId, const std::string& key);
/// A run's wall time in seconds without the time it lay dead: from its creation to its end,
/// less, for every resume, the gap between the last row the killed process wrote (rows of
/// re-done steps are replaced, so the work lost after the last checkpoint is not counted)
/// and the resume.
double activeRunSeconds(SqliteDb& db, int64_t runId);

} // namespace mor::log
