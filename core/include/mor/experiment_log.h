#pragma once
// The experiment log: one SQLite file, many runs. Writing goes through one background
// thread that batches inserts in transactions, so training never waits on disk.
#include "mor/token_trace.h"
#include "mor/trace.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mor {

struct RunAudit;

struct RunInfo {
    std::string name;
    std::string configJson;
    std::string dataset;
    std::string device;
    int64_t seed = 0;
    std::vector<std::string> tags;
};

struct SampleInfo {
    int64_t sampleId = 0;
    std::string split;    ///< probe | validation | test | train
    int64_t label = 0;
    int64_t domain = 0;
    std::string preview;
    std::vector<float> input; ///< raw feature vector (for the stepper's input view)
};

class ExperimentLog {
public:
    /// Opens or creates a log for writing. Refuses (returns null, sets *error) a file that is
    /// not a MoR log or whose schema is newer than this build; such a file is not modified.
    static std::unique_ptr<ExperimentLog> open(const std::string& path, std::string* error);
    ~ExperimentLog(); ///< flushes the queue and stops the writer thread

    ExperimentLog(const ExperimentLog&) = delete;
    ExperimentLog& operator=(const ExperimentLog&) = delete;

    const std::string& path() const;

    /// Synchronous: inserts the run with status "running" and returns its id (-1 on failure,
    /// see lastError()). While this log is open it refreshes the run's heartbeat every 5 s.
    int64_t createRun(const RunInfo& info);
    /// Synchronous: stores the audit trail of audit.runId (mor/run_audit.h) through the
    /// writer's connection, in its own transaction; false on failure (see lastError()).
    bool recordAudit(const RunAudit& audit);

    // Queued (return at once; the writer thread inserts them in batches):
    void logMetric(int64_t run, const std::string& key, int64_t step, double value);
    void logMetrics(int64_t run, int64_t step, const std::map<std::string, double>& values);
    void logSamples(int64_t run, const std::vector<SampleInfo>& samples);
    void logRouting(int64_t run, int64_t step, int64_t nSamples, int64_t nExperts,
                    const std::vector<float>& probs, const std::vector<uint8_t>& mask,
                    const std::vector<int64_t>& sampleIds);
    void logTraces(int64_t run, int64_t step, const std::vector<SampleTrace>& traces);
    /// Per-token traces of a sequence model's probe sequences at an evaluation step
    /// (replaces what was stored for the same run, step and sample id).
    void logTokenTraces(int64_t run, int64_t step, const std::vector<TokenTrace>& traces);
    void logCheckpoint(int64_t run, int64_t step, const std::string& path,
                       const std::string& metricsJson);
    void logEvent(int64_t run, const std::string& level, const std::string& message);
    /// status: running | finished | stopped | failed | interrupted
    void setStatus(int64_t run, const std::string& status);

    /// Blocks until everything queued so far is committed.
    void flush();
    /// Rows written so far and transactions used (for tests of the batching).
    int64_t rowsWritten() const;
    int64_t transactions() const;
    /// Queued rows that could not be written (e.g. for a run id that does not exist).
    int64_t rowsFailed() const;
    /// The last error of the writer thread or of an editing call ("" when none).
    std::string lastError() const;

    // Editing (synchronous, through the writer's connection).
    bool renameRun(int64_t run, const std::string& name);
    bool setTags(int64_t run, const std::vector<std::string>& tags);
    bool setNotes(int64_t run, const std::string& notes);
    bool deleteRun(int64_t run);
    /// Marks runs left "running" by a dead process as "interrupted" (called on open by the GUI
    /// and by `mor resume`; a run is dead when its heartbeat is older than `staleMs`, which
    /// should be well above the 5 s heartbeat, e.g. 15000). Runs of this instance are skipped.
    int markStaleRunsInterrupted(int64_t staleMs);

    struct Impl;

private:
    explicit ExperimentLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mor
