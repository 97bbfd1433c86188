#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The one statement that stores a run's audit row, for recordRunAudit (its own connection) and
// ExperimentLog::recordAudit (the writer's connection, inside its transaction).
#include "log/sqlite_db.h"
#include "mor/run_audit.h"

namespace mor::log {

/// Inserts or replaces the run_audit row of audit.runId; throws SqlError.
void insertRunAudit(SqliteDb& db, const RunAudit& audit);

} // namespace mor::log
