#include "log/log_writer.h"

#include "log/sweep_store.h"

#include <sqlite3.h>

#include <chrono>
#include <map>

#include <unistd.h>

namespace mor::log {

namespace {
constexpr int kBusyRetries = 6; // on top of the 5 s busy_timeout of each attempt

const char* const kBumpChangeCounter =
    "UPDATE meta SET value = value + 1 WHERE key = 'change_counter'";
} // namespace

LogWriter::LogWriter(std::unique_ptr<SqliteDb> db) : m_db(std::move(db)) {
    m_lastHeartbeat = nowMs();
    m_thread = std::thread([this] { threadMain(); });
}

LogWriter::~LogWriter() {
    {
        std::lock_guard<std::mutex> lock(m_queueMutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void LogWriter::pushMetric(int64_t run, const std::string& key, int64_t step, double value) {
    Command c;
    c.run = run;
    c.step = step;
    c.key = key;
    c.value = value;
    c.wallMs = nowMs();
    push(std::move(c));
}

void LogWriter::pushMetrics(int64_t run, int64_t step,
                            const std::map<std::string, double>& values) {
    const int64_t wall = nowMs();
    std::unique_lock<std::mutex> lock(m_queueMutex);
    if (m_queue.size() >= kMaxQueued) {
        m_wake.notify_one();
        m_progress.wait(lock, [&] { return m_queue.size() < kMaxQueued; });
    }
    const size_t before = m_queue.size();
    for (const auto& [key, value] : values) {
        Command c;
        c.run = run;
        c.step = step;
        c.key = key;
        c.value = value;
        c.wallMs = wall;
        m_queue.push_back(std::move(c));
    }
    m_enqueued += values.size();
    if (before == 0 || (before < kBatchRows && m_queue.size() >= kBatchRows)) {
        m_wake.notify_one();
    }
}

void LogWriter::pushTask(int64_t run, int64_t step, Task task) {
    Command c;
    c.run = run;
    c.step = step;
    c.wallMs = nowMs();
    c.task = std::move(task);
    push(std::move(c));
}

void LogWriter::push(Command&& command) {
    std::unique_lock<std::mutex> lock(m_queueMutex);
    if (m_queue.size() >= kMaxQueued) {
        m_wake.notify_one();
        m_progress.wait(lock, [&] { return m_queue.size() < kMaxQueued; });
    }
    m_queue.push_back(std::move(command));
    ++m_enqueued;
    // Wake the writer only when it has a reason to act: the first item starts its gather
    // window, a full batch ends it. Keeps the hot path to a lock and a push.
    if (m_queue.size() == 1 || m_queue.size() == kBatchRows) {
        m_wake.notify_one();
    }
}

void LogWriter::flush() {
    std::unique_lock<std::mutex> lock(m_queueMutex);
    const uint64_t target = m_enqueued;
    ++m_flushers;
    m_wake.notify_one();
    m_progress.wait(lock, [&] { return m_committed >= target; });
    --m_flushers;
}

void LogWriter::commitSoon() {
    std::lock_guard<std::mutex> lock(m_queueMutex);
    if (!m_queue.empty()) {
        m_commitSoon = true;
        m_wake.notify_one();
    }
}

std::string LogWriter::lastError() const {
    std::lock_guard<std::mutex> lock(m_queueMutex);
    return m_lastError;
}

void LogWriter::setError(const std::string& message) {
    std::lock_guard<std::mutex> lock(m_queueMutex);
    m_lastError = message;
}

void LogWriter::threadMain() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock<std::mutex> lock(m_queueMutex);
    for (;;) {
        if (m_queue.empty()) {
            if (m_stop) {
                break;
            }
            const bool woke = m_wake.wait_for(lock, std::chrono::milliseconds(kHeartbeatMs),
                                              [&] { return m_stop || !m_queue.empty(); });
            if (!woke) {
                lock.unlock();
                heartbeatIdle();
                lock.lock();
            }
            continue;
        }
        // Let a batch gather, unless someone is waiting for it or it is already full.
        m_wake.wait_until(lock, Clock::now() + std::chrono::milliseconds(kGatherMs), [&] {
            return m_stop || m_flushers > 0 || m_commitSoon || m_queue.size() >= kBatchRows;
        });
        const bool soon = m_commitSoon;
        m_commitSoon = false;
        const size_t take = std::min(m_queue.size(), kBatchRows);
        std::vector<Command> batch;
        batch.reserve(take);
        for (size_t i = 0; i < take; ++i) {
            batch.push_back(std::move(m_queue.front()));
            m_queue.pop_front();
        }
        lock.unlock();
        writeBatch(batch);
        lock.lock();
        m_committed += take;
        m_progress.notify_all();
        if (soon) {
            // A large batch (a validation's traces) just went into the WAL: copy it into the
            // database now, on this thread, instead of when the log is closed (the last
            // connection's checkpoint, which the caller of the destructor waits for).
            lock.unlock();
            checkpointWal();
            lock.lock();
        }
    }
}

void LogWriter::checkpointWal() {
    std::lock_guard<std::mutex> lock(m_dbMutex);
    // PASSIVE: copies what no reader still needs, waits for nobody, changes no data.
    sqlite3_wal_checkpoint_v2(m_db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
}

void LogWriter::begin() {
    for (int attempt = 0;; ++attempt) {
        try {
            m_db->run("BEGIN IMMEDIATE");
            return;
        } catch (const SqlError& e) {
            if (!e.isBusy() || attempt >= kBusyRetries) {
                throw;
            }
        }
    }
}

void LogWriter::commit() {
    for (int attempt = 0;; ++attempt) {
        try {
            m_db->run("COMMIT");
            m_transactions.fetch_add(1);
            return;
        } catch (const SqlError& e) {
            if (!e.isBusy() || attempt >= kBusyRetries) {
                throw;
            }
        }
    }
}

void LogWriter::rollback() {
    try {
        m_db->run("ROLLBACK");
    } catch (const SqlError&) {
        // no transaction was open
    }
}

int64_t LogWriter::writeMetric(const Command& c,
                               std::set<std::pair<int64_t, std::string>>& newKeys) {
    // An upsert, not INSERT OR REPLACE: on these foreign-keyed tables REPLACE makes SQLite
    // open a statement journal for every row (it may delete), ~1 us of the writer thread per
    // row (issue 20, session 17); the stored row is the same.
    SqlQuery(m_db->statement("INSERT INTO metrics(run_id, key, step, value, wall_ms) "
                             "VALUES(?,?,?,?,?) ON CONFLICT(run_id, key, step) DO UPDATE SET "
                             "value = excluded.value, wall_ms = excluded.wall_ms"))
        .bind(1, c.run)
        .bind(2, c.key)
        .bind(3, c.step)
        .bind(4, c.value)
        .bind(5, c.wallMs)
        .exec();
    auto runKey = std::make_pair(c.run, c.key);
    if (!m_knownKeys.count(runKey) && newKeys.insert(runKey).second) {
        SqlQuery(m_db->statement("INSERT OR IGNORE INTO metric_keys(run_id, key) VALUES(?,?)"))
            .bind(1, c.run)
            .bind(2, c.key)
            .exec();
    }
    return 1;
}

void LogWriter::claimRun(SqliteDb& db, int64_t run) {
    m_ownRunning.insert(run);
    static const int64_t pid = static_cast<int64_t>(::getpid());
    try {
        SqlQuery(db.statement(
                     "INSERT OR REPLACE INTO run_owner(run_id, host, pid, start) VALUES(?,?,?,?)"))
            .bind(1, run)
            .bind(2, hostName())
            .bind(3, pid)
            .bind(4, processStartTicks(pid))
            .exec();
    } catch (const SqlError&) {
        // no run_owner table: readers fall back to the heartbeat
    }
}

void LogWriter::touchRuns(const std::vector<std::pair<int64_t, int64_t>>& runSteps,
                          bool heartbeat) {
    const int64_t now = nowMs();
    for (const auto& [run, step] : runSteps) {
        SqlQuery(m_db->statement("UPDATE runs SET updated_ms = max(updated_ms, ?), "
                                 "last_step = max(last_step, ?) WHERE id = ?"))
            .bind(1, now)
            .bind(2, step)
            .bind(3, run)
            .exec();
    }
    if (heartbeat) {
        // A run another process declared "interrupted" while we were suspended (laptop
        // asleep, debugger) is alive after all: it becomes "running" again.
        for (int64_t run : m_ownRunning) {
            SqlQuery(m_db->statement("UPDATE runs SET updated_ms = max(updated_ms, ?), "
                                     "status = 'running', finished_ms = 0 "
                                     "WHERE id = ? AND status IN ('running', 'interrupted')"))
                .bind(1, now)
                .bind(2, run)
                .exec();
        }
        m_lastHeartbeat = now;
    }
}

void LogWriter::writeBatch(std::vector<Command>& batch) {
    std::lock_guard<std::mutex> lock(m_dbMutex);
    for (int attempt = 0;; ++attempt) {
        int64_t rows = 0, failed = 0;
        std::set<std::pair<int64_t, std::string>> newKeys;
        std::map<int64_t, int64_t> touched; // run -> highest metric step
        try {
            begin();
            for (const Command& c : batch) {
                auto& maxStep = touched.try_emplace(c.run, -1).first->second;
                maxStep = std::max(maxStep, c.step);
                try {
                    if (!c.task) {
                        rows += writeMetric(c, newKeys);
                        continue;
                    }
                    // A savepoint per task: a task that fails leaves nothing half-written.
                    m_db->run("SAVEPOINT task");
                    try {
                        rows += c.task(*m_db);
                    } catch (...) {
                        m_db->run("ROLLBACK TO task");
                        m_db->run("RELEASE task");
                        throw;
                    }
                    m_db->run("RELEASE task");
                } catch (const SqlError& e) {
                    if (e.isBusy() || !m_db->inTransaction()) {
                        throw; // busy: the whole batch is retried; rolled back: it is lost
                    }
                    ++failed;
                    setError(e.what());
                } catch (const std::exception& e) {
                    ++failed;
                    setError(e.what());
                }
            }
            touchRuns({touched.begin(), touched.end()}, nowMs() - m_lastHeartbeat >= kHeartbeatMs);
            m_db->run(kBumpChangeCounter);
            commit();
            m_rows.fetch_add(rows);
            m_failed.fetch_add(failed);
            m_knownKeys.insert(newKeys.begin(), newKeys.end());
            return;
        } catch (const SqlError& e) {
            rollback();
            if (e.isBusy() && attempt < kBusyRetries) {
                continue;
            }
            m_failed.fetch_add(static_cast<int64_t>(batch.size()));
            setError(std::string("a batch of the experiment log was lost: ") + e.what());
            return;
        }
    }
}

void LogWriter::heartbeatIdle() {
    std::lock_guard<std::mutex> lock(m_dbMutex);
    if (m_ownRunning.empty()) {
        return;
    }
    try {
        begin();
        touchRuns({}, true);
        commit();
    } catch (const SqlError& e) {
        rollback(); // a missed heartbeat is harmless; the next one will do
        setError(e.what());
    }
}

bool LogWriter::runNow(const std::function<void(SqliteDb&)>& work) {
    std::lock_guard<std::mutex> lock(m_dbMutex);
    try {
        begin();
        work(*m_db);
        m_db->run(kBumpChangeCounter);
        commit();
        return true;
    } catch (const std::exception& e) {
        rollback();
        setError(e.what());
        return false;
    }
}

} // namespace mor::log
