#pragma once
// The writer behind ExperimentLog: one connection, one background thread that drains a
// queue of small commands in batches (one transaction per batch), and a mutex that lets
// synchronous edits use the same connection between batches.
#include "log/sqlite_db.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace mor::log {

class LogWriter {
public:
    /// Work done inside the batch transaction; returns the number of rows written.
    using Task = std::function<int64_t(SqliteDb&)>;

    static constexpr size_t kBatchRows = 5000;    ///< most commands per transaction
    /// Wait this long for a batch to fill. Every transaction rewrites the touched B-tree
    /// pages into the WAL and updates the run and the change counter, so a training that
    /// logs a step every ~15 ms paid one transaction per step at 20 ms (issue 20, session 10:
    /// the writer thread's CPU was half of the full log's extra time). flush() and a full batch
    /// end the wait early; readers see new rows at most this much later.
    static constexpr int kGatherMs = 250;
    static constexpr int64_t kHeartbeatMs = 5000; ///< refresh updated_ms of our running runs
    static constexpr size_t kMaxQueued = 1000000; ///< producers wait beyond this (memory cap)

    explicit LogWriter(std::unique_ptr<SqliteDb> db);
    ~LogWriter(); ///< drains the queue and joins the thread

    /// Queue a metric row (the hot path: no allocation beyond the key string).
    void pushMetric(int64_t run, const std::string& key, int64_t step, double value);
    /// Queue several metrics of one step under one lock (all with the same wall time).
    void pushMetrics(int64_t run, int64_t step, const std::map<std::string, double>& values);
    /// Queue a task; `run`/`step` feed the heartbeat and last_step of the run (step < 0: none).
    void pushTask(int64_t run, int64_t step, Task task);
    void flush();
    /// Ends the current gather window without waiting: what is queued now is written at once,
    /// on the writer thread, while the caller goes on (a validation's traces are written during
    /// the next steps or the test evaluation instead of in the final flush).
    void commitSoon();

    /// Runs `work` at once in its own transaction on the writer's connection.
    /// Returns false (and records lastError) when it threw.
    bool runNow(const std::function<void(SqliteDb&)>& work);

    /// Runs that this process created and that are still running (kept alive by heartbeat).
    /// Only touch inside runNow or a task (the connection mutex guards it).
    std::set<int64_t>& ownRunningRuns() { return m_ownRunning; }
    /// Adds `run` to ownRunningRuns() and records this process (host, pid, start time) as its
    /// owner in run_owner, so readers on this host see at once when it dies. Only inside runNow
    /// or a task; a log without run_owner (a v3 file from before it) is left as it is.
    void claimRun(SqliteDb& db, int64_t run);

    int64_t rowsWritten() const { return m_rows.load(); }
    int64_t transactions() const { return m_transactions.load(); }
    int64_t rowsFailed() const { return m_failed.load(); }
    std::string lastError() const;

private:
    struct Command {
        int64_t run = 0;
        int64_t step = -1;
        std::string key; ///< metric key (when task is empty)
        double value = 0.0;
        int64_t wallMs = 0;
        Task task;
    };

    void push(Command&& command);
    void threadMain();
    void writeBatch(std::vector<Command>& batch);
    int64_t writeMetric(const Command& c, std::set<std::pair<int64_t, std::string>>& newKeys);
    void touchRuns(const std::vector<std::pair<int64_t, int64_t>>& runSteps, bool heartbeat);
    void heartbeatIdle();
    void checkpointWal();
    void begin();
    void commit();
    void rollback();
    void setError(const std::string& message);

    std::unique_ptr<SqliteDb> m_db;
    std::mutex m_dbMutex; ///< guards m_db, m_ownRunning, m_knownKeys

    std::set<int64_t> m_ownRunning;
    std::set<std::pair<int64_t, std::string>> m_knownKeys; ///< already in metric_keys
    int64_t m_lastHeartbeat = 0;

    mutable std::mutex m_queueMutex;
    std::condition_variable m_wake;     ///< wakes the writer thread
    std::condition_variable m_progress; ///< wakes flush() and producers at the cap
    std::deque<Command> m_queue;
    uint64_t m_enqueued = 0, m_committed = 0;
    int m_flushers = 0;
    bool m_stop = false;
    bool m_commitSoon = false; ///< commitSoon() ended the gather window
    std::string m_lastError;

    std::atomic<int64_t> m_rows{0}, m_transactions{0}, m_failed{0};
    std::thread m_thread;
};

} // namespace mor::log
