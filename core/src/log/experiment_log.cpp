#include "mor/experiment_log.h"

#include "log/blob_codec.h"
#include "log/log_schema.h"
#include "log/log_writer.h"
#include "log/run_audit_store.h"
#include "log/token_trace_store.h"
#include "log/trace_store.h"
#include "mor/version.h"

#include <sqlite3.h>

#include <cstdio>

namespace mor {

using log::SqliteDb;
using log::SqlQuery;

struct ExperimentLog::Impl {
    std::string path;
    std::unique_ptr<log::LogWriter> writer;
};

namespace {

bool isFinalStatus(const std::string& status) {
    return status != "running";
}

std::unique_ptr<SqliteDb> openForWriting(const std::string& path) {
    auto db = std::make_unique<SqliteDb>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                         log::kBusyTimeoutMs);
    for (int attempt = 1;; ++attempt) {
        try {
            db->exec("BEGIN IMMEDIATE");
            break;
        } catch (const log::SqlError& e) {
            if (!e.isBusy() || attempt == 3) { // another writer held the lock 3 x 5 s
                throw;
            }
        }
    }
    try {
        log::prepareSchema(*db);
        db->exec("COMMIT");
    } catch (...) {
        try {
            db->exec("ROLLBACK");
        } catch (const log::SqlError&) {
            // SQLite already rolled back; report the original error
        }
        throw;
    }
    // WAL lets readers in other threads and processes see the run grow while we write.
    SqlQuery mode(db->statement("PRAGMA journal_mode = WAL"));
    if (!mode.next() || mode.text(0) != "wal") {
        throw std::runtime_error(path + ": cannot switch the log to WAL mode");
    }
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    // The writer wraps each task in a savepoint; SQLite keeps the original of every page a
    // savepoint changes in a statement journal, which spills to a temporary file past 64 KiB.
    // A validation's traces spilled thousands of 4 KiB writes per batch into /var/tmp (issue
    // 20, session 13: the final flush waited on them). The journal only serves to roll back a
    // failed task inside its transaction, never crash recovery (that is the WAL), so keeping
    // it in memory costs no durability.
    db->exec("PRAGMA temp_store = MEMORY");
    return db;
}

void replaceTags(SqliteDb& db, int64_t run, const std::vector<std::string>& tags) {
    SqlQuery(db.statement("DELETE FROM tags WHERE run_id = ?")).bind(1, run).exec();
    for (const std::string& tag : tags) {
        if (!tag.empty()) {
            SqlQuery(db.statement("INSERT OR IGNORE INTO tags(run_id, tag) VALUES(?,?)"))
                .bind(1, run)
                .bind(2, tag)
                .exec();
        }
    }
}

} // namespace

ExperimentLog::ExperimentLog(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

ExperimentLog::~ExperimentLog() = default; // the writer drains its queue and joins

std::unique_ptr<ExperimentLog> ExperimentLog::open(const std::string& path, std::string* error) {
    const log::LogFileCheck check = log::inspectLogFile(path, true);
    if (!check.ok) {
        if (error) {
            *error = check.error;
        }
        return nullptr;
    }
    FILE* existed = std::fopen(path.c_str(), "rb");
    if (existed) {
        std::fclose(existed);
    }
    try {
        auto impl = std::make_unique<Impl>();
        impl->path = path;
        impl->writer = std::make_unique<log::LogWriter>(openForWriting(path));
        return std::unique_ptr<ExperimentLog>(new ExperimentLog(std::move(impl)));
    } catch (const std::exception& e) {
        if (!existed) {
            std::remove(path.c_str()); // do not leave a half-made file behind
        }
        if (error) {
            *error = std::string("cannot open the experiment log ") + path + ": " + e.what();
        }
        return nullptr;
    }
}

const std::string& ExperimentLog::path() const {
    return m_impl->path;
}

int64_t ExperimentLog::createRun(const RunInfo& info) {
    int64_t id = -1;
    auto& writer = *m_impl->writer;
    writer.runNow([&](SqliteDb& db) {
        const int64_t now = log::nowMs();
        SqlQuery(
            db.statement(
                "INSERT INTO runs(name, status, created_ms, updated_ms, config_json, "
                "dataset, device, seed, app_version) VALUES(?, 'running', ?, ?, ?, ?, ?, ?, ?)"))
            .bind(1, info.name)
            .bind(2, now)
            .bind(3, now)
            .bind(4, info.configJson)
            .bind(5, info.dataset)
            .bind(6, info.device)
            .bind(7, info.seed)
            .bind(8, versionString())
            .exec();
        id = db.lastInsertRowId();
        replaceTags(db, id, info.tags);
        writer.claimRun(db, id);
    });
    return id;
}

bool ExperimentLog::recordAudit(const RunAudit& audit) {
    // On the writer's connection (synchronous = NORMAL, its WAL already open) instead of a
    // connection of its own (recordRunAudit): no second open, schema read and WAL sync at the
    // start of every run (issue 20, session 23).
    return m_impl->writer->runNow([&](SqliteDb& db) { log::insertRunAudit(db, audit); });
}

void ExperimentLog::logMetric(int64_t run, const std::string& key, int64_t step, double value) {
    m_impl->writer->pushMetric(run, key, step, value);
}

void ExperimentLog::logMetrics(int64_t run, int64_t step,
                               const std::map<std::string, double>& values) {
    m_impl->writer->pushMetrics(run, step, values);
}

void ExperimentLog::logSamples(int64_t run, const std::vector<SampleInfo>& samples) {
    m_impl->writer->pushTask(run, -1, [run, samples](SqliteDb& db) {
        for (const SampleInfo& s : samples) {
            // upserts, not INSERT OR REPLACE (a statement journal per row; see writeMetric)
            SqlQuery q(db.statement("INSERT INTO samples(run_id, sample_id, split, label, domain, "
                                    "preview, input) VALUES(?,?,?,?,?,?,?) "
                                    "ON CONFLICT(run_id, sample_id, split) DO UPDATE SET "
                                    "label = excluded.label, domain = excluded.domain, "
                                    "preview = excluded.preview, input = excluded.input"));
            q.bind(1, run)
                .bind(2, s.sampleId)
                .bind(3, s.split)
                .bind(4, s.label)
                .bind(5, s.domain)
                .bind(6, s.preview);
            log::bindVector(q, 7, s.input);
            q.exec();
        }
        return static_cast<int64_t>(samples.size());
    });
}

void ExperimentLog::logRouting(int64_t run, int64_t step, int64_t nSamples, int64_t nExperts,
                               const std::vector<float>& probs, const std::vector<uint8_t>& mask,
                               const std::vector<int64_t>& sampleIds) {
    m_impl->writer->pushTask(run, -1, [=](SqliteDb& db) {
        SqlQuery q(db.statement("INSERT INTO routing(run_id, step, n_samples, n_experts, probs, "
                                "mask, sample_ids) VALUES(?,?,?,?,?,?,?) "
                                "ON CONFLICT(run_id, step) DO UPDATE SET "
                                "n_samples = excluded.n_samples, n_experts = excluded.n_experts, "
                                "probs = excluded.probs, mask = excluded.mask, "
                                "sample_ids = excluded.sample_ids"));
        q.bind(1, run).bind(2, step).bind(3, nSamples).bind(4, nExperts);
        log::bindVector(q, 5, probs);
        log::bindVector(q, 6, mask);
        log::bindVector(q, 7, sampleIds);
        q.exec();
        return int64_t(1);
    });
}

void ExperimentLog::logTraces(int64_t run, int64_t step, const std::vector<SampleTrace>& traces) {
    m_impl->writer->pushTask(run, -1,
                             [=](SqliteDb& db) { return log::writeTraces(db, run, step, traces); });
    // A validation's traces (with its metrics and routing, queued before them) are the
    // largest write of a training: start it now rather than at the end of the gather window,
    // which for the last validation is the final flush the caller waits for (issue 20).
    m_impl->writer->commitSoon();
}

void ExperimentLog::logTokenTraces(int64_t run, int64_t step,
                                   const std::vector<TokenTrace>& traces) {
    m_impl->writer->pushTask(
        run, -1, [=](SqliteDb& db) { return log::writeTokenTraces(db, run, step, traces); });
}

void ExperimentLog::logCheckpoint(int64_t run, int64_t step, const std::string& path,
                                  const std::string& metricsJson) {
    const int64_t wall = log::nowMs();
    m_impl->writer->pushTask(run, -1, [=](SqliteDb& db) {
        SqlQuery(db.statement("INSERT OR REPLACE INTO checkpoints(run_id, step, path, "
                              "metrics_json, wall_ms) VALUES(?,?,?,?,?)"))
            .bind(1, run)
            .bind(2, step)
            .bind(3, path)
            .bind(4, metricsJson)
            .bind(5, wall)
            .exec();
        return int64_t(1);
    });
}

void ExperimentLog::logEvent(int64_t run, const std::string& level, const std::string& message) {
    const int64_t wall = log::nowMs();
    m_impl->writer->pushTask(run, -1, [=](SqliteDb& db) {
        SqlQuery(db.statement("INSERT INTO events(run_id, wall_ms, level, message) "
                              "VALUES(?,?,?,?)"))
            .bind(1, run)
            .bind(2, wall)
            .bind(3, level)
            .bind(4, message)
            .exec();
        return int64_t(1);
    });
}

void ExperimentLog::setStatus(int64_t run, const std::string& status) {
    const int64_t wall = log::nowMs();
    auto* writer = m_impl->writer.get();
    writer->pushTask(run, -1, [=](SqliteDb& db) {
        SqlQuery(db.statement("UPDATE runs SET status = ?, updated_ms = max(updated_ms, ?), "
                              "finished_ms = ? WHERE id = ?"))
            .bind(1, status)
            .bind(2, wall)
            .bind(3, isFinalStatus(status) ? wall : int64_t(0))
            .bind(4, run)
            .exec();
        if (isFinalStatus(status)) {
            writer->ownRunningRuns().erase(run);
        } else {
            writer->claimRun(db, run); // a resumed run: its owner is now this process
        }
        return int64_t(0);
    });
}

void ExperimentLog::flush() {
    m_impl->writer->flush();
}

int64_t ExperimentLog::rowsWritten() const {
    return m_impl->writer->rowsWritten();
}

int64_t ExperimentLog::transactions() const {
    return m_impl->writer->transactions();
}

int64_t ExperimentLog::rowsFailed() const {
    return m_impl->writer->rowsFailed();
}

std::string ExperimentLog::lastError() const {
    return m_impl->writer->lastError();
}

bool ExperimentLog::renameRun(int64_t run, const std::string& name) {
    bool found = false;
    const bool ok = m_impl->writer->runNow([&](SqliteDb& db) {
        SqlQuery(db.statement("UPDATE runs SET name = ? WHERE id = ?"))
            .bind(1, name)
            .bind(2, run)
            .exec();
        found = db.changes() > 0;
    });
    return ok && found;
}

bool ExperimentLog::setTags(int64_t run, const std::vector<std::string>& tags) {
    bool found = false;
    const bool ok = m_impl->writer->runNow([&](SqliteDb& db) {
        {
            SqlQuery q(db.statement("SELECT 1 FROM runs WHERE id = ?"));
            found = q.bind(1, run).next();
        }
        if (found) {
            replaceTags(db, run, tags);
        }
    });
    return ok && found;
}

bool ExperimentLog::setNotes(int64_t run, const std::string& notes) {
    bool found = false;
    const bool ok = m_impl->writer->runNow([&](SqliteDb& db) {
        SqlQuery(db.statement("UPDATE runs SET notes = ? WHERE id = ?"))
            .bind(1, notes)
            .bind(2, run)
            .exec();
        found = db.changes() > 0;
    });
    return ok && found;
}

bool ExperimentLog::deleteRun(int64_t run) {
    flush(); // rows still queued for the run must not outlive it
    bool found = false;
    auto& writer = *m_impl->writer;
    const bool ok = writer.runNow([&](SqliteDb& db) {
        // Explicit deletes (children first) do not depend on PRAGMA foreign_keys.
        for (const char* table :
             {"tags", "metrics", "metric_keys", "checkpoints", "samples", "routing",
              "trace_summary", "trace_expert", "reflection", "conflicts", "events",
              "token_sequence", "token_trace", "trace_details"}) {
            SqlQuery(db.statement(std::string("DELETE FROM ") + table + " WHERE run_id = ?"))
                .bind(1, run)
                .exec();
        }
        SqlQuery(db.statement("DELETE FROM runs WHERE id = ?")).bind(1, run).exec();
        found = db.changes() > 0;
        writer.ownRunningRuns().erase(run);
    });
    return ok && found;
}

int ExperimentLog::markStaleRunsInterrupted(int64_t staleMs) {
    flush();
    int marked = 0;
    auto& writer = *m_impl->writer;
    writer.runNow([&](SqliteDb& db) {
        std::vector<int64_t> stale;
        {
            SqlQuery q(
                db.statement("SELECT id FROM runs WHERE status = 'running' AND updated_ms < ?"));
            q.bind(1, log::nowMs() - staleMs);
            while (q.next()) {
                // Our own runs are alive by definition (this process heartbeats them).
                if (!writer.ownRunningRuns().count(q.int64(0))) {
                    stale.push_back(q.int64(0));
                }
            }
        }
        for (int64_t run : stale) {
            SqlQuery(db.statement("UPDATE runs SET status = 'interrupted', "
                                  "finished_ms = updated_ms WHERE id = ?"))
                .bind(1, run)
                .exec();
        }
        marked = static_cast<int>(stale.size());
    });
    return marked;
}

} // namespace mor
