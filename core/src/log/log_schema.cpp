#include "log/log_schema.h"

#include "log/sqlite_db.h"
#include "log/token_trace_store.h"
#include "mor/version.h"

#include <sqlite3.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <sys/stat.h>
#include <vector>

namespace mor::log {

namespace {

// The v1 schema (every table but the token traces). kSchemaCurrent appends the later tables,
// so a new file is created in one piece. Every table is keyed by run_id first, so per-run
// queries and deleteRun use the primary key.
const char* const kSchemaV1 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE runs(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'running',
    created_ms INTEGER NOT NULL DEFAULT 0,
    updated_ms INTEGER NOT NULL DEFAULT 0,
    finished_ms INTEGER NOT NULL DEFAULT 0,
    config_json TEXT NOT NULL DEFAULT '',
    dataset TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    seed INTEGER NOT NULL DEFAULT 0,
    app_version TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    last_step INTEGER NOT NULL DEFAULT 0);
CREATE INDEX runs_status ON runs(status, updated_ms);
CREATE TABLE tags(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY(run_id, tag)) WITHOUT ROWID;
CREATE TABLE metrics(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    value REAL,
    wall_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(run_id, key, step)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS metrics_best_val_accuracy ON metrics(run_id, value)
    WHERE key = 'val/accuracy';
CREATE TABLE metric_keys(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    PRIMARY KEY(run_id, key)) WITHOUT ROWID;
CREATE TABLE checkpoints(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    path TEXT NOT NULL,
    metrics_json TEXT NOT NULL DEFAULT '',
    wall_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(run_id, step, path)) WITHOUT ROWID;
CREATE TABLE samples(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    sample_id INTEGER NOT NULL,
    split TEXT NOT NULL DEFAULT '',
    label INTEGER NOT NULL DEFAULT 0,
    domain INTEGER NOT NULL DEFAULT 0,
    preview TEXT NOT NULL DEFAULT '',
    input BLOB,
    PRIMARY KEY(run_id, sample_id, split));
CREATE TABLE routing(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    n_samples INTEGER NOT NULL,
    n_experts INTEGER NOT NULL,
    probs BLOB,
    mask BLOB,
    sample_ids BLOB,
    PRIMARY KEY(run_id, step));
CREATE TABLE trace_summary(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    label INTEGER, domain INTEGER,
    router_probs BLOB, mask BLOB, gates BLOB, fused_probs BLOB,
    final_pred INTEGER, correct INTEGER,
    conflict_score REAL, conflict INTEGER, resolution TEXT,
    winner INTEGER, margin REAL, expert_steps INTEGER, flops REAL,
    PRIMARY KEY(run_id, step, sample_id));
CREATE TABLE trace_expert(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    expert INTEGER NOT NULL,
    router_prob REAL, gate REAL, halt_step INTEGER, confidence REAL,
    fusion_weight REAL, pred INTEGER, extra_steps INTEGER,
    PRIMARY KEY(run_id, step, sample_id, expert)) WITHOUT ROWID;
CREATE TABLE reflection(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    expert INTEGER NOT NULL,
    iter INTEGER NOT NULL,
    critique REAL, halt_p REAL, pred INTEGER, correct INTEGER,
    probs BLOB,
    PRIMARY KEY(run_id, step, sample_id, expert, iter));
CREATE TABLE conflicts(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    score REAL, experts TEXT NOT NULL DEFAULT '', winner INTEGER, margin REAL,
    resolved_pred INTEGER, label INTEGER, correct INTEGER, resolution TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(run_id, step, sample_id)) WITHOUT ROWID;
CREATE TABLE events(
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    wall_ms INTEGER NOT NULL,
    level TEXT NOT NULL DEFAULT 'info',
    message TEXT NOT NULL DEFAULT '');
CREATE INDEX events_run ON events(run_id, id);
)sql";

// v2: per-token traces of sequence (Mixture-of-Recursions) models, one JSON document per
// probe sequence. Replaced in v5 by rows (kSchemaV5Additions); kept for the migration steps.
const char* const kSchemaV2Additions = R"sql(
CREATE TABLE IF NOT EXISTS token_traces(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    PRIMARY KEY(run_id, step, sample_id));
)sql";

// v3: per-sample details of reflection traces that v1's tables have no column for: the
// conflict score measured again after re-reflection, and each selected expert's evidential
// uncertainty u = K / S (float blob in expert order of the trace; empty when not evidential).
const char* const kSchemaV3Additions = R"sql(
CREATE TABLE IF NOT EXISTS trace_details(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    conflict_score_after REAL NOT NULL DEFAULT -1,
    uncertainty BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY(run_id, step, sample_id));
-- Sweeps (mor sweep): a grid or list of config overrides x seeds, one run per entry. An entry
-- finds its run by the run's tag "sweep:<id>:<idx>" (written with the run); run_id caches it.
-- owner_* and worker_* (host, pid, start time in ticks since boot) tell whether the sweep
-- process and an entry's worker are still alive.
CREATE TABLE IF NOT EXISTS sweeps(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'running',
    created_ms INTEGER NOT NULL DEFAULT 0,
    updated_ms INTEGER NOT NULL DEFAULT 0,
    base_config_json TEXT NOT NULL DEFAULT '',
    spec_json TEXT NOT NULL DEFAULT '',
    owner_host TEXT NOT NULL DEFAULT '',
    owner_pid INTEGER NOT NULL DEFAULT 0,
    owner_start INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sweep_runs(
    sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    overrides_json TEXT NOT NULL DEFAULT '{}',
    seed INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER,
    status TEXT NOT NULL DEFAULT 'todo',
    worker_host TEXT NOT NULL DEFAULT '',
    worker_pid INTEGER NOT NULL DEFAULT 0,
    worker_start INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(sweep_id, idx)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sweep_runs_run ON sweep_runs(run_id);
-- A deleted run leaves its sweep entry to do again (mor sweep --resume reruns it).
CREATE TRIGGER IF NOT EXISTS sweep_runs_forget_deleted_run AFTER DELETE ON runs BEGIN
    UPDATE sweep_runs SET run_id = NULL, status = 'todo' WHERE run_id = OLD.id;
END;
-- The process that writes a run (host, pid, start time in ticks since boot): a reader on the
-- same host shows a "running" run whose process is gone as interrupted at once.
CREATE TABLE IF NOT EXISTS run_owner(
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0,
    start INTEGER NOT NULL DEFAULT 0);
CREATE TRIGGER IF NOT EXISTS run_owner_forget_deleted_run AFTER DELETE ON runs BEGIN
    DELETE FROM run_owner WHERE run_id = OLD.id;
END;
)sql";

// v4: the audit trail of a run (run_audit.cpp): who started it, where and how, the SHA-256 of
// its canonical config and of each input data file (JSON array in data_files), and the run it
// came from. One row per run, written when the run is created; older runs have none.
const char* const kSchemaV4Additions = R"sql(
CREATE TABLE IF NOT EXISTS run_audit(
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    recorded_ms INTEGER NOT NULL DEFAULT 0,
    user TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL DEFAULT '',
    command_line TEXT NOT NULL DEFAULT '',
    app_version TEXT NOT NULL DEFAULT '',
    git_commit TEXT NOT NULL DEFAULT '',
    config_sha256 TEXT NOT NULL DEFAULT '',
    torch_version TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    parent_run INTEGER NOT NULL DEFAULT 0,
    parent_kind TEXT NOT NULL DEFAULT '',
    data_files TEXT NOT NULL DEFAULT '[]');
CREATE TRIGGER IF NOT EXISTS run_audit_forget_deleted_run AFTER DELETE ON runs BEGIN
    DELETE FROM run_audit WHERE run_id = OLD.id;
END;
)sql";

// v5: one trace model. Token traces become rows like the reflection traces (token_trace_store.h):
// token_sequence per (run, step, probe sequence) like trace_summary, token_trace per token with
// its per-recursion values (router score, prediction, target probability) and the
// Mixture-of-Depths blocks it skipped as number blobs (float32, int64, float32, int32). The
// reflection tables gain what nested experts and expert groups choose: the input's group and
// each expert's width. The v2 table token_traces is converted and dropped (migrate4to5).
const char* const kSchemaV5Additions = R"sql(
CREATE TABLE IF NOT EXISTS token_sequence(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    max_recursions INTEGER NOT NULL DEFAULT 0,
    routing TEXT NOT NULL DEFAULT '',
    difficulty_names TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY(run_id, step, sample_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS token_trace(
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    sample_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    token TEXT NOT NULL DEFAULT '',
    target INTEGER NOT NULL DEFAULT -1,
    target_text TEXT NOT NULL DEFAULT '',
    depth INTEGER NOT NULL DEFAULT 0,
    pred INTEGER NOT NULL DEFAULT -1,
    loss REAL,
    difficulty INTEGER NOT NULL DEFAULT -1,
    router_scores BLOB NOT NULL DEFAULT x'',
    recursion_preds BLOB NOT NULL DEFAULT x'',
    recursion_target_probs BLOB NOT NULL DEFAULT x'',
    skipped_blocks BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY(run_id, step, sample_id, position)) WITHOUT ROWID;
)sql";

/// v5's columns of the reflection tables (ALTER TABLE has no IF NOT EXISTS: asked first).
void addTraceChoiceColumns(SqliteDb& db) {
    if (!db.hasColumn("trace_summary", "expert_group")) {
        db.exec("ALTER TABLE trace_summary ADD COLUMN expert_group INTEGER NOT NULL DEFAULT -1");
    }
    if (!db.hasColumn("trace_expert", "width")) {
        db.exec("ALTER TABLE trace_expert ADD COLUMN width INTEGER NOT NULL DEFAULT 0");
    }
}

/// The layout of a new file: v1 plus every later addition (v5 replaced v2's token_traces).
std::string schemaCurrent() {
    return std::string(kSchemaV1) + kSchemaV3Additions + kSchemaV4Additions + kSchemaV5Additions;
}

const char* const kSchemaV0 = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT, status TEXT, created_at TEXT,
    finished_at TEXT, config_json TEXT, dataset TEXT, device TEXT, seed INTEGER,
    app_version TEXT, notes TEXT);
CREATE TABLE tags(run_id INTEGER, tag TEXT);
CREATE TABLE metrics(run_id INTEGER, key TEXT, step INTEGER, value REAL, wall_ms INTEGER,
    PRIMARY KEY(run_id, key, step));
CREATE TABLE checkpoints(run_id INTEGER, step INTEGER, path TEXT, metrics_json TEXT);
CREATE TABLE samples(run_id INTEGER, sample_id INTEGER, split TEXT, label INTEGER,
    domain INTEGER, preview TEXT);
CREATE TABLE routing(run_id INTEGER, step INTEGER, n_samples INTEGER, n_experts INTEGER,
    probs BLOB, mask BLOB);
CREATE TABLE reflection(run_id INTEGER, step INTEGER, sample_id INTEGER, expert INTEGER,
    iter INTEGER, critique REAL, halt_p REAL, pred INTEGER, correct INTEGER, probs BLOB);
CREATE TABLE conflicts(run_id INTEGER, step INTEGER, sample_id INTEGER, score REAL,
    experts TEXT, winner INTEGER, margin REAL, resolved_pred INTEGER, correct INTEGER);
CREATE TABLE events(run_id INTEGER, wall_ms INTEGER, level TEXT, message TEXT);
)sql";

// v0 -> v1: the prototype had ISO text times, no heartbeat, no trace tables and no keys on
// most tables. Rebuild every table in the v1 layout and copy the rows across.
void migrate0to1(SqliteDb& db) {
    static const char* const tables[] = {"runs",    "tags",    "metrics",    "checkpoints",
                                         "samples", "routing", "reflection", "conflicts",
                                         "events",  "meta"};
    // A prototype file may lack tables it never used: add them empty, then copy uniformly.
    std::string v0 = kSchemaV0;
    for (size_t at = v0.find("CREATE TABLE "); at != std::string::npos;
         at = v0.find("CREATE TABLE ", at + 1)) {
        v0.insert(at + 13, "IF NOT EXISTS ");
    }
    db.exec(v0);
    for (const char* t : tables) {
        db.exec(std::string("ALTER TABLE ") + t + " RENAME TO v0_" + t);
    }
    db.exec(kSchemaV1);
    db.exec(R"sql(
INSERT INTO meta(key, value) SELECT key, value FROM v0_meta;
INSERT INTO runs(id, name, status, created_ms, updated_ms, finished_ms, config_json, dataset,
                 device, seed, app_version, notes)
SELECT id, coalesce(name, ''), coalesce(status, 'finished'),
       coalesce(CAST(strftime('%s', created_at) AS INTEGER) * 1000, 0),
       coalesce(CAST(strftime('%s', finished_at) AS INTEGER) * 1000,
                CAST(strftime('%s', created_at) AS INTEGER) * 1000, 0),
       coalesce(CAST(strftime('%s', finished_at) AS INTEGER) * 1000, 0),
       coalesce(config_json, ''), coalesce(dataset, ''), coalesce(device, ''),
       coalesce(seed, 0), coalesce(app_version, ''), coalesce(notes, '')
FROM v0_runs;
INSERT OR IGNORE INTO tags(run_id, tag) SELECT run_id, tag FROM v0_tags
    WHERE tag IS NOT NULL AND run_id IN (SELECT id FROM runs);
INSERT OR REPLACE INTO metrics(run_id, key, step, value, wall_ms)
    SELECT run_id, key, step, value, coalesce(wall_ms, 0) FROM v0_metrics
    WHERE run_id IN (SELECT id FROM runs);
INSERT OR IGNORE INTO metric_keys(run_id, key) SELECT DISTINCT run_id, key FROM metrics;
UPDATE runs SET last_step = coalesce((SELECT max(step) FROM metrics WHERE run_id = runs.id), 0);
INSERT OR REPLACE INTO checkpoints(run_id, step, path, metrics_json)
    SELECT run_id, step, coalesce(path, ''), coalesce(metrics_json, '') FROM v0_checkpoints
    WHERE run_id IN (SELECT id FROM runs);
INSERT OR REPLACE INTO samples(run_id, sample_id, split, label, domain, preview)
    SELECT run_id, sample_id, coalesce(split, ''), coalesce(label, 0), coalesce(domain, 0),
           coalesce(preview, '') FROM v0_samples WHERE run_id IN (SELECT id FROM runs);
INSERT OR REPLACE INTO routing(run_id, step, n_samples, n_experts, probs, mask, sample_ids)
    SELECT run_id, step, n_samples, n_experts, probs, mask, x'' FROM v0_routing
    WHERE run_id IN (SELECT id FROM runs);
INSERT OR REPLACE INTO reflection SELECT * FROM v0_reflection
    WHERE run_id IN (SELECT id FROM runs);
INSERT OR REPLACE INTO conflicts(run_id, step, sample_id, score, experts, winner, margin,
                                 resolved_pred, label, correct, resolution)
    SELECT run_id, step, sample_id, score, coalesce(experts, ''), winner, margin,
           resolved_pred, -1, correct, '' FROM v0_conflicts
    WHERE run_id IN (SELECT id FROM runs);
INSERT INTO events(run_id, wall_ms, level, message)
    SELECT run_id, coalesce(wall_ms, 0), coalesce(level, 'info'), coalesce(message, '')
    FROM v0_events WHERE run_id IN (SELECT id FROM runs) ORDER BY rowid;
)sql");
    for (const char* t : tables) {
        db.exec(std::string("DROP TABLE v0_") + t);
    }
}

// v1 -> v2: only a new table; the v1 rows stay as they are.
void migrate1to2(SqliteDb& db) {
    db.exec(kSchemaV2Additions);
}

// v2 -> v3: only a new table.
void migrate2to3(SqliteDb& db) {
    db.exec(kSchemaV3Additions);
}

// v3 -> v4: only the audit table; runs logged before it simply have no audit row.
void migrate3to4(SqliteDb& db) {
    db.exec(kSchemaV4Additions);
}

// v4 -> v5: the token trace rows from the JSON documents (the readers of JSON and rows give the
// same TokenTrace), then the JSON table goes; the reflection tables gain group and width.
// Token traces of runs that no longer exist are dropped (deleteRun would have removed them).
void migrate4to5(SqliteDb& db) {
    db.exec(kSchemaV5Additions);
    addTraceChoiceColumns(db);
    if (db.hasTable("token_traces")) {
        convertJsonTokenTraces(db, "SELECT run_id, step, sample_id, payload FROM token_traces "
                                   "WHERE run_id IN (SELECT id FROM runs)");
        db.exec("DROP TABLE token_traces");
    }
}

/// migrationSteps()[n] upgrades a file from version n to n + 1. To change the schema: bump
/// logSchemaVersion() (version.cpp.in), add the new tables to schemaCurrent() (the layout of
/// new files), and append a step that turns the previous layout into the new one.
const std::vector<std::function<void(SqliteDb&)>>& migrationSteps() {
    static const std::vector<std::function<void(SqliteDb&)>> steps = {migrate0to1, migrate1to2,
                                                                        migrate2to3, migrate3to4,
                                                                        migrate4to5};
    return steps;
}

/// The schema that schemaCurrent() creates; new files get it only if it is the build's version.
constexpr int kCreatedSchemaVersion = 5;
/// Readers accept files from this version on: a reader treats a missing table as empty (a v1
/// file opened read-only has no token traces), reads a v2..v4 file's JSON token traces
/// (token_trace_store.cpp) and leaves out columns the file lacks (v5's group and width).
constexpr int kOldestReadableVersion = 1;

void checkBuildConsistency() {
    const size_t current = static_cast<size_t>(logSchemaVersion());
    if (migrationSteps().size() != current || kCreatedSchemaVersion != logSchemaVersion()) {
        throw std::logic_error("log schema " + std::to_string(current) +
                               " has no migration step or creation script in this build");
    }
}

std::string markerOf(SqliteDb& db) {
    try {
        SqlQuery q(db.statement("SELECT value FROM meta WHERE key = 'application'"));
        return q.next() ? q.text(0) : std::string();
    } catch (const SqlError&) {
        return std::string(); // no meta table: not our file
    }
}

std::string foreignFileError(const std::string& path) {
    return path + " is an SQLite database of another application (it has no '" +
           kApplicationMarker + "' marker); refusing to open it as a MoR Studio log";
}

std::string newerFileError(const std::string& path, int version) {
    return path + " was written by a newer MoR Studio (log schema " + std::to_string(version) +
           ", this build understands up to " + std::to_string(logSchemaVersion()) +
           "); please update MoR Studio";
}

} // namespace

LogFileCheck inspectLogFile(const std::string& path, bool forWriting) {
    LogFileCheck check;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || info.st_size == 0) {
        const bool missing = ::stat(path.c_str(), &info) != 0;
        if (forWriting) {
            check.ok = check.isNew = true;
        } else {
            check.error = path + (missing ? ": no such file" : " is empty, not a MoR Studio log");
        }
        return check;
    }
    if (!S_ISREG(info.st_mode)) {
        check.error = path + " is not a regular file";
        return check;
    }
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in.read(header, sizeof header) || std::memcmp(header, "SQLite format 3", 16) != 0) {
        check.error = path + " is not an SQLite database, so it is not a MoR Studio log";
        return check;
    }
    try {
        auto connection = openReadOnlyDb(path, kBusyTimeoutMs);
        SqliteDb& db = *connection;
        const int64_t tables = db.queryInt("SELECT count(*) FROM sqlite_master");
        check.version = static_cast<int>(db.queryInt("PRAGMA user_version"));
        if (tables == 0) {
            if (forWriting) {
                check.ok = check.isNew = true;
            } else {
                check.error = path + " is an empty database, not a MoR Studio log yet";
            }
            return check;
        }
        if (markerOf(db) != kApplicationMarker) {
            check.error = foreignFileError(path);
        } else if (check.version > logSchemaVersion()) {
            check.error = newerFileError(path, check.version);
        } else if (!forWriting && check.version < kOldestReadableVersion) {
            check.error = path + " uses the older log schema " + std::to_string(check.version) +
                          "; open it once for writing (e.g. in MoR Studio) to upgrade it";
        } else {
            check.ok = true;
        }
    } catch (const SqlError& e) {
        check.error = path + " cannot be read as an SQLite database: " + e.what();
    }
    return check;
}

void prepareSchema(SqliteDb& db) {
    const int current = logSchemaVersion();
    checkBuildConsistency();
    if (db.queryInt("SELECT count(*) FROM sqlite_master") == 0) {
        db.exec(schemaCurrent());
        addTraceChoiceColumns(db);
        SqlQuery(db.statement("INSERT INTO meta(key, value) VALUES('application', ?)"))
            .bind(1, std::string(kApplicationMarker))
            .exec();
        SqlQuery(db.statement("INSERT INTO meta(key, value) VALUES('created_by', ?)"))
            .bind(1, "mor " + versionString())
            .exec();
        db.exec("INSERT INTO meta(key, value) VALUES('change_counter', 0)");
        db.exec("PRAGMA user_version = " + std::to_string(current));
        return;
    }
    const std::string path = sqlite3_db_filename(db.handle(), "main");
    if (markerOf(db) != kApplicationMarker) {
        throw std::runtime_error(foreignFileError(path));
    }
    int version = static_cast<int>(db.queryInt("PRAGMA user_version"));
    if (version > current) {
        throw std::runtime_error(newerFileError(path, version));
    }
    if (version < 0) { // a damaged header: there is no migration from a negative version
        throw std::runtime_error(path + " has an invalid log schema version " +
                                 std::to_string(version) +
                                 "; refusing to open it as a MoR Studio log");
    }
    const bool upgrade = version < current;
    for (; version < current; ++version) {
        migrationSteps()[static_cast<size_t>(version)](db);
    }
    db.exec("INSERT OR IGNORE INTO meta(key, value) VALUES('change_counter', 0)");
    // Early v1 files lacked this index (the run list's best accuracy); it is idempotent.
    db.exec("CREATE INDEX IF NOT EXISTS metrics_best_val_accuracy ON metrics(run_id, value) "
            "WHERE key = 'val/accuracy'");
    if (upgrade) { // setting it unchanged would rewrite the header page at every open
        db.exec("PRAGMA user_version = " + std::to_string(current));
    }
}

void createVersion0Schema(SqliteDb& db) {
    db.exec(kSchemaV0);
}

} // namespace mor::log
