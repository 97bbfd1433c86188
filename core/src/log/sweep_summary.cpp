// SPDX-License-Identifier: GPL-3.0-or-later
// A sweep over seeds: each configuration's finished runs -> mean and Student-t interval of
// test accuracy, expert-steps and FLOPs per input, and wall time.
#include "log/sqlite_db.h"
#include "log/sweep_store.h"
#include "mor/sweep.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mor {

namespace log {

double lastMetricValue(SqliteDb& db, int64_t runId, const std::string& key) {
    SqlQuery q(db.statement(
        "SELECT value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step DESC LIMIT 1"));
    return q.bind(1, runId).bind(2, key).next() ? q.real(0) : std::nan("");
}

double activeRunSeconds(SqliteDb& db, int64_t runId) {
    int64_t created = 0, end = 0;
    {
        SqlQuery q(db.statement("SELECT created_ms, max(finished_ms, updated_ms) FROM runs "
                                "WHERE id = ?"));
        if (!q.bind(1, runId).next()) {
            return std::nan("");
        }
        created = q.int64(0);
        end = q.int64(1);
    }
    std::vector<int64_t> resumes;
    {
        SqlQuery q(db.statement("SELECT wall_ms FROM events WHERE run_id = ? AND "
                                "(message LIKE 'resumed from checkpoint%' OR "
                                "message LIKE 'no checkpoint to resume from%') ORDER BY id"));
        q.bind(1, runId);
        while (q.next()) {
            resumes.push_back(q.int64(0));
        }
    }
    int64_t dead = 0;
    for (int64_t resumed : resumes) {
        SqlQuery q(db.statement(
            "SELECT max(w) FROM (SELECT max(wall_ms) AS w FROM metrics WHERE run_id = ?1 AND "
            "wall_ms < ?2 UNION ALL SELECT max(wall_ms) FROM events WHERE run_id = ?1 AND "
            "wall_ms < ?2 UNION ALL SELECT max(wall_ms) FROM checkpoints WHERE run_id = ?1 AND "
            "wall_ms < ?2)"));
        q.bind(1, runId).bind(2, resumed);
        const int64_t last = q.next() && !q.isNull(0) ? q.int64(0) : created;
        dead += std::max<int64_t>(0, resumed - std::max(last, created));
    }
    return double(std::max<int64_t>(0, end - created - dead)) / 1000.0;
}

} // namespace log

} // namespace mor
