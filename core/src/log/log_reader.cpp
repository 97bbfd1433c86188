#include "mor/log_reader.h"
#include "mor/time_text.h"

#include "log/blob_codec.h"
#include "log/log_schema.h"
#include "log/metric_downsampler.h"
#include "log/sqlite_db.h"
#include "log/sweep_store.h"
#include "log/token_trace_store.h"
#include "log/trace_store.h"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>

namespace mor {

using log::SqliteDb;
using log::SqlQuery;

double RunSummary::durationSeconds() const {
    const int64_t end = finishedMs > 0 ? finishedMs : updatedMs;
    return end > createdMs ? static_cast<double>(end - createdMs) / 1000.0 : 0.0;
}

struct LogReader::Impl {
    std::string path;
    int version = 0;
    std::unique_ptr<SqliteDb> db;
    std::mutex mutex; ///< one connection, possibly used by several threads of the GUI
    std::string lastError;

    /// Runs `read` in one read transaction (a consistent snapshot). A writer holding the
    /// WAL lock past the busy timeout (checkpoint, recovery) makes us retry, not fail. A read
    /// that still fails is nullopt, with the reason in lastError (and *error).
    /// `quick` (the GUI's polls): give up after ~1 s instead of ~100 s, so a window is never
    /// frozen by a writer that holds the log; the caller reports it and polls again later.
    template <typename Result, typename Read>
    std::optional<Result> tryQuery(Read read, std::string* error = nullptr, bool quick = false) {
        std::lock_guard<std::mutex> lock(mutex);
        const int kAttempts = quick ? 3 : 20;
        sqlite3_busy_timeout(db->handle(), quick ? 250 : log::kBusyTimeoutMs);
        std::optional<Result> result = log::retryTransaction<Result>(
            *db, "BEGIN", kAttempts, /*backoffMs=*/20, read, &lastError);
        if (result) {
            lastError.clear();
        } else if (error) {
            *error = lastError;
        }
        return result;
    }

    /// tryQuery() for callers that take a failed read as an empty result (see lastError()).
    template <typename Result, typename Read> Result query(Read read) {
        std::optional<Result> result = tryQuery<Result>(read);
        return result ? std::move(*result) : Result();
    }
};

std::string isoUtcText(int64_t ms) {
    if (ms <= 0) {
        return std::string();
    }
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

namespace {

/// Fills in who writes each run and reads a "running" run whose process is gone as
/// "interrupted": at once when the process was on this host, else once its heartbeat is stale.
/// A log from before run_owner (or a run without a row) keeps the heartbeat rule.
void readOwners(SqliteDb& db, std::vector<RunSummary>& runs) {
    const bool hasTable =
        db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'run_owner'") > 0;
    const int64_t now = log::nowMs();
    for (RunSummary& r : runs) {
        int64_t start = 0;
        if (hasTable) {
            SqlQuery q(db.statement("SELECT host, pid, start FROM run_owner WHERE run_id = ?"));
            q.bind(1, r.id);
            if (q.next()) {
                r.ownerHost = q.text(0);
                r.ownerPid = q.int64(1);
                start = q.int64(2);
            }
        }
        if (r.status != "running") {
            continue;
        }
        const bool heartbeatFresh = now - r.updatedMs < log::kStaleHeartbeatMs;
        const bool alive = r.ownerPid > 0
                               ? log::processAlive(r.ownerHost, r.ownerPid, start, heartbeatFresh)
                               : heartbeatFresh;
        if (!alive) {
            r.status = "interrupted";
        }
    }
}

/// All runs (onlyId < 0) or one, with tags and the accuracy summary.
std::vector<RunSummary> readRuns(SqliteDb& db, int64_t onlyId) {
    std::vector<RunSummary> runs;
    SqlQuery q(db.statement(
        "SELECT id, name, status, created_ms, updated_ms, finished_ms, config_json, dataset, "
        "device, seed, app_version, notes, last_step, "
        "(SELECT max(value) FROM metrics WHERE run_id = runs.id AND key = 'val/accuracy'), "
        "(SELECT value FROM metrics WHERE run_id = runs.id AND key = 'test/accuracy' "
        " ORDER BY step DESC LIMIT 1) "
        "FROM runs WHERE ? < 0 OR id = ? ORDER BY id"));
    q.bind(1, onlyId).bind(2, onlyId);
    while (q.next()) {
        RunSummary r;
        r.id = q.int64(0);
        r.name = q.text(1);
        r.status = q.text(2);
        r.createdMs = q.int64(3);
        r.updatedMs = q.int64(4);
        r.finishedMs = q.int64(5);
        r.createdAt = isoUtcText(r.createdMs);
        r.finishedAt = isoUtcText(r.finishedMs);
        r.configJson = q.text(6);
        r.dataset = q.text(7);
        r.device = q.text(8);
        r.seed = q.int64(9);
        r.appVersion = q.text(10);
        r.notes = q.text(11);
        r.lastStep = q.int64(12);
        r.bestAccuracy = q.isNull(13) ? -1.0 : q.real(13);
        r.testAccuracy = q.isNull(14) ? -1.0 : q.real(14);
        runs.push_back(std::move(r));
    }
    for (RunSummary& r : runs) {
        SqlQuery t(db.statement("SELECT tag FROM tags WHERE run_id = ? ORDER BY tag"));
        t.bind(1, r.id);
        while (t.next()) {
            r.tags.push_back(t.text(0));
        }
    }
    readOwners(db, runs);
    return runs;
}

MetricPoint pointOf(const SqlQuery& q) {
    return MetricPoint{q.int64(0), q.real(1), q.int64(2)};
}

} // namespace

LogReader::LogReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

LogReader::~LogReader() = default;
LogReader::LogReader(LogReader&& other) noexcept = default;
LogReader& LogReader::operator=(LogReader&& other) noexcept = default;

Result<LogReader> LogReader::open(const std::string& path) {
    const log::LogFileCheck check = log::inspectLogFile(path, false);
    if (!check.ok) {
        return Error{check.error};
    }
    try {
        auto impl = std::make_unique<Impl>();
        impl->path = path;
        impl->version = check.version;
        impl->db = log::openReadOnlyDb(path, log::kBusyTimeoutMs);
        return LogReader(std::move(impl));
    } catch (const std::exception& e) {
        return Error{std::string("cannot read the experiment log ") + path + ": " + e.what()};
    }
}

const std::string& LogReader::path() const {
    return m_impl->path;
}

int LogReader::schemaVersion() const {
    return m_impl->version;
}

std::string LogReader::lastError() const {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    return m_impl->lastError;
}

std::vector<RunSummary> LogReader::runs() const {
    return m_impl->query<std::vector<RunSummary>>([](SqliteDb& db) { return readRuns(db, -1); });
}

std::optional<std::vector<RunSummary>> LogReader::tryRuns(std::string* error) const {
    return m_impl->tryQuery<std::vector<RunSummary>>(
        [](SqliteDb& db) { return readRuns(db, -1); }, error, true);
}

std::optional<int64_t> LogReader::tryChangeStamp(std::string* error) const {
    return m_impl->tryQuery<int64_t>(
        [](SqliteDb& db) {
            return db.queryInt("SELECT value FROM meta WHERE key = 'change_counter'");
        },
        error, true);
}

std::optional<RunSummary> LogReader::run(int64_t runId) const {
    auto runs = m_impl->query<std::vector<RunSummary>>(
        [&](SqliteDb& db) { return readRuns(db, runId < 0 ? INT64_MAX : runId); });
    return runs.empty() ? std::nullopt : std::optional<RunSummary>(std::move(runs.front()));
}

int64_t LogReader::changeStamp() const {
    // The writer bumps this counter in every transaction that changes data.
    return m_impl->query<int64_t>([](SqliteDb& db) {
        return db.queryInt("SELECT value FROM meta WHERE key = 'change_counter'");
    });
}

std::vector<std::string> LogReader::metricKeys(int64_t runId) const {
    return m_impl->query<std::vector<std::string>>([&](SqliteDb& db) {
        std::vector<std::string> keys;
        SqlQuery q(db.statement("SELECT key FROM metric_keys WHERE run_id = ? ORDER BY key"));
        q.bind(1, runId);
        while (q.next()) {
            keys.push_back(q.text(0));
        }
        return keys;
    });
}

std::vector<MetricPoint> LogReader::metric(int64_t runId, const std::string& key) const {
    return m_impl->query<std::vector<MetricPoint>>([&](SqliteDb& db) {
        std::vector<MetricPoint> points;
        SqlQuery q(db.statement("SELECT step, value, wall_ms FROM metrics "
                                "WHERE run_id = ? AND key = ? ORDER BY step"));
        q.bind(1, runId).bind(2, key);
        while (q.next()) {
            points.push_back(pointOf(q));
        }
        return points;
    });
}

std::vector<MetricPoint> LogReader::metricDownsampled(int64_t runId, const std::string& key,
                                                      int maxPoints) const {
    return m_impl->query<std::vector<MetricPoint>>([&](SqliteDb& db) {
        // The step range first (two index seeks), then one ordered pass over the rows.
        SqlQuery first(db.statement("SELECT step FROM metrics WHERE run_id = ? AND key = ? "
                                    "ORDER BY step LIMIT 1"));
        first.bind(1, runId).bind(2, key);
        if (!first.next()) {
            return std::vector<MetricPoint>();
        }
        SqlQuery last(db.statement("SELECT step FROM metrics WHERE run_id = ? AND key = ? "
                                   "ORDER BY step DESC LIMIT 1"));
        last.bind(1, runId).bind(2, key);
        last.next();
        log::MetricDownsampler sampler(first.int64(0), last.int64(0), maxPoints);
        SqlQuery q(db.statement("SELECT step, value, wall_ms FROM metrics "
                                "WHERE run_id = ? AND key = ? ORDER BY step"));
        q.bind(1, runId).bind(2, key);
        while (q.next()) {
            sampler.add(pointOf(q));
        }
        return sampler.finish();
    });
}

std::map<std::string, double> LogReader::lastMetrics(int64_t runId) const {
    return m_impl->query<std::map<std::string, double>>([&](SqliteDb& db) {
        std::vector<std::string> keys;
        {
            SqlQuery q(db.statement("SELECT key FROM metric_keys WHERE run_id = ?"));
            q.bind(1, runId);
            while (q.next()) {
                keys.push_back(q.text(0));
            }
        }
        std::map<std::string, double> values;
        for (const std::string& key : keys) {
            SqlQuery q(db.statement("SELECT value FROM metrics WHERE run_id = ? AND key = ? "
                                    "ORDER BY step DESC LIMIT 1"));
            q.bind(1, runId).bind(2, key);
            if (q.next()) {
                values[key] = q.real(0);
            }
        }
        return values;
    });
}

std::vector<SampleInfo> LogReader::samples(int64_t runId) const {
    return m_impl->query<std::vector<SampleInfo>>([&](SqliteDb& db) {
        std::vector<SampleInfo> samples;
        SqlQuery q(db.statement("SELECT sample_id, split, label, domain, preview, input "
                                "FROM samples WHERE run_id = ? ORDER BY sample_id, split"));
        q.bind(1, runId);
        while (q.next()) {
            SampleInfo s;
            s.sampleId = q.int64(0);
            s.split = q.text(1);
            s.label = q.int64(2);
            s.domain = q.int64(3);
            s.preview = q.text(4);
            s.input = log::vectorFromBlob<float>(q, 5);
            samples.push_back(std::move(s));
        }
        return samples;
    });
}

std::vector<int64_t> LogReader::routingSteps(int64_t runId) const {
    return m_impl->query<std::vector<int64_t>>([&](SqliteDb& db) {
        std::vector<int64_t> steps;
        SqlQuery q(db.statement("SELECT step FROM routing WHERE run_id = ? ORDER BY step"));
        q.bind(1, runId);
        while (q.next()) {
            steps.push_back(q.int64(0));
        }
        return steps;
    });
}

std::optional<RoutingSnapshot> LogReader::routing(int64_t runId, int64_t step) const {
    return m_impl->query<std::optional<RoutingSnapshot>>(
        [&](SqliteDb& db) -> std::optional<RoutingSnapshot> {
            SqlQuery q(db.statement("SELECT n_samples, n_experts, probs, mask, sample_ids "
                                    "FROM routing WHERE run_id = ? AND step = ?"));
            q.bind(1, runId).bind(2, step);
            if (!q.next()) {
                return std::nullopt;
            }
            RoutingSnapshot r;
            r.step = step;
            r.nSamples = q.int64(0);
            r.nExperts = q.int64(1);
            r.probs = log::vectorFromBlob<float>(q, 2);
            r.mask = log::vectorFromBlob<uint8_t>(q, 3);
            r.sampleIds = log::vectorFromBlob<int64_t>(q, 4);
            return r;
        });
}

std::vector<int64_t> LogReader::traceSteps(int64_t runId) const {
    return m_impl->query<std::vector<int64_t>>([&](SqliteDb& db) {
        std::vector<int64_t> steps;
        SqlQuery q(
            db.statement("SELECT DISTINCT step FROM trace_summary WHERE run_id = ? ORDER BY step"));
        q.bind(1, runId);
        while (q.next()) {
            steps.push_back(q.int64(0));
        }
        return steps;
    });
}

std::vector<SampleTrace> LogReader::traces(int64_t runId, int64_t step) const {
    return m_impl->query<std::vector<SampleTrace>>(
        [&](SqliteDb& db) { return log::readTraces(db, runId, step, -1); });
}

std::vector<int64_t> LogReader::tokenTraceSteps(int64_t runId) const {
    return m_impl->query<std::vector<int64_t>>(
        [&](SqliteDb& db) { return log::readTokenTraceSteps(db, runId); });
}

std::vector<TokenTrace> LogReader::tokenTraces(int64_t runId, int64_t step) const {
    return m_impl->query<std::vector<TokenTrace>>(
        [&](SqliteDb& db) { return log::readTokenTraces(db, runId, step); });
}

std::optional<SampleTrace> LogReader::trace(int64_t runId, int64_t step, int64_t sampleId) const {
    if (sampleId < 0) {
        return std::nullopt;
    }
    auto found = m_impl->query<std::vector<SampleTrace>>(
        [&](SqliteDb& db) { return log::readTraces(db, runId, step, sampleId); });
    return found.empty() ? std::nullopt : std::optional<SampleTrace>(std::move(found.front()));
}

std::vector<ConflictRecord> LogReader::conflicts(int64_t runId, int64_t step) const {
    return m_impl->query<std::vector<ConflictRecord>>([&](SqliteDb& db) {
        std::vector<ConflictRecord> records;
        const char* columns = "SELECT step, sample_id, score, experts, winner, margin, "
                              "resolved_pred, label, correct, resolution FROM conflicts ";
        SqlQuery q(db.statement(std::string(columns) +
                                (step < 0 ? "WHERE run_id = ? ORDER BY step, sample_id"
                                          : "WHERE run_id = ? AND step = ? ORDER BY sample_id")));
        q.bind(1, runId);
        if (step >= 0) {
            q.bind(2, step);
        }
        while (q.next()) {
            ConflictRecord c;
            c.step = q.int64(0);
            c.sampleId = q.int64(1);
            c.score = q.real32(2);
            c.experts = log::splitExperts(q.text(3));
            c.winner = static_cast<int>(q.int64(4));
            c.margin = q.real32(5);
            c.resolvedPred = q.int64(6);
            c.label = q.int64(7);
            c.correct = q.int64(8) != 0;
            c.resolution = q.text(9);
            records.push_back(std::move(c));
        }
        return records;
    });
}

namespace {

bool isFile(const std::string& path) {
    std::error_code error;
    return std::filesystem::is_regular_file(path, error);
}

/// A stored checkpoint path as this process can open it. Training stores the path it wrote,
/// which is relative to its working directory when the log was named relatively. When that
/// file is not there (another working directory, or the log moved with its
/// "<log>.checkpoints" folder), the same file under this log's own checkpoint folder is
/// taken if it exists; otherwise the stored path is kept (its absence is reported on load).
std::string resolveCheckpointPath(const std::string& logPath, const std::string& stored) {
    if (stored.empty() || isFile(stored)) {
        return stored;
    }
    const std::string marker = logPath.substr(logPath.find_last_of('/') + 1) + ".checkpoints/";
    const size_t at = stored.rfind(marker);
    if (at == std::string::npos || (at > 0 && stored[at - 1] != '/')) {
        return stored;
    }
    const std::string here = logPath + ".checkpoints/" + stored.substr(at + marker.size());
    return isFile(here) ? here : stored;
}

} // namespace

std::vector<CheckpointInfo> LogReader::checkpoints(int64_t runId) const {
    return m_impl->query<std::vector<CheckpointInfo>>([&](SqliteDb& db) {
        std::vector<CheckpointInfo> list;
        SqlQuery q(db.statement("SELECT step, path, metrics_json FROM checkpoints "
                                "WHERE run_id = ? ORDER BY step, path"));
        q.bind(1, runId);
        while (q.next()) {
            list.push_back(CheckpointInfo{
                q.int64(0), resolveCheckpointPath(m_impl->path, q.text(1)), q.text(2)});
        }
        return list;
    });
}

std::vector<EventRecord> LogReader::events(int64_t runId) const {
    return m_impl->query<std::vector<EventRecord>>([&](SqliteDb& db) {
        std::vector<EventRecord> list;
        SqlQuery q(db.statement(
            "SELECT wall_ms, level, message FROM events WHERE run_id = ? ORDER BY id"));
        q.bind(1, runId);
        while (q.next()) {
            list.push_back(EventRecord{q.int64(0), q.text(1), q.text(2)});
        }
        return list;
    });
}

} // namespace mor
