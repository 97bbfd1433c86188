#pragma once
// Read-only access to an experiment log. Each reader has its own connection, so the GUI
// sees a run grow while another thread or process writes it.
#include "mor/experiment_log.h"
#include "mor/result.h"
#include "mor/trace.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mor {

struct RunSummary {
    int64_t id = 0;
    std::string name;
    std::string status;      ///< running | finished | stopped | failed | interrupted
    std::string dataset;
    std::string device;
    std::string createdAt;   ///< ISO 8601, UTC
    std::string finishedAt;  ///< empty while running
    int64_t createdMs = 0, updatedMs = 0, finishedMs = 0; ///< ms since epoch
    std::string configJson;
    std::string appVersion;
    std::string notes;
    int64_t seed = 0;
    std::vector<std::string> tags;
    double bestAccuracy = -1.0;   ///< best "val/accuracy" (-1 when none yet)
    double testAccuracy = -1.0;   ///< "test/accuracy" (-1 when none)
    int64_t lastStep = 0;
    /// The process that writes the run ("" / 0 for a run logged before schema 3). A "running"
    /// run whose process is gone from this host reads as "interrupted" at once; a run written
    /// on another host only once its heartbeat is stale.
    std::string ownerHost;
    int64_t ownerPid = 0;
    double durationSeconds() const;
};

struct MetricPoint {
    int64_t step = 0;
    double value = 0.0;
    int64_t wallMs = 0;
};

struct RoutingSnapshot {
    int64_t step = 0;
    int64_t nSamples = 0, nExperts = 0;
    std::vector<float> probs;     ///< row-major [nSamples x nExperts]
    std::vector<uint8_t> mask;    ///< row-major [nSamples x nExperts]
    std::vector<int64_t> sampleIds;
};

struct CheckpointInfo {
    int64_t step = 0;
    std::string path;
    std::string metricsJson;
};

struct EventRecord {
    int64_t wallMs = 0;
    std::string level;
    std::string message;
};

class LogReader {
public:
    /// Opens read-only. Refuses a file that is not a MoR log or has a newer schema (an error
    /// naming the file); never modifies it. A reader that views share:
    /// `std::make_shared<const LogReader>(std::move(opened).value())`.
    static Result<LogReader> open(const std::string& path);
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;
    /// Movable (a moved-from reader may only be destroyed or assigned to).
    LogReader(LogReader&& other) noexcept;
    LogReader& operator=(LogReader&& other) noexcept;

    const std::string& path() const;
    int schemaVersion() const;

    std::vector<RunSummary> runs() const;
    /// Like runs(), but a failed read (busy past the retries, locked, file gone) is nullopt with
    /// *error set: never "no runs".
    std::optional<std::vector<RunSummary>> tryRuns(std::string* error = nullptr) const;
    /// Like changeStamp(); nullopt (and *error) when the read failed.
    std::optional<int64_t> tryChangeStamp(std::string* error = nullptr) const;
    std::optional<RunSummary> run(int64_t runId) const;
    /// Cheap poll for "did anything change?": a counter every writer transaction that changes
    /// data raises (idle heartbeats do not). Compare with the previous value.
    int64_t changeStamp() const;

    std::vector<std::string> metricKeys(int64_t runId) const;
    std::vector<MetricPoint> metric(int64_t runId, const std::string& key) const;
    /// At most ~maxPoints points: per bucket of steps the min and the max (spikes survive).
    std::vector<MetricPoint> metricDownsampled(int64_t runId, const std::string& key,
                                               int maxPoints) const;
    /// Last value of every metric key.
    std::map<std::string, double> lastMetrics(int64_t runId) const;

    std::vector<SampleInfo> samples(int64_t runId) const;
    std::vector<int64_t> routingSteps(int64_t runId) const;
    std::optional<RoutingSnapshot> routing(int64_t runId, int64_t step) const;
    std::vector<int64_t> traceSteps(int64_t runId) const;
    /// All probe traces at an evaluation step (rebuilt from the reflection/conflict rows).
    std::vector<SampleTrace> traces(int64_t runId, int64_t step) const;
    std::optional<SampleTrace> trace(int64_t runId, int64_t step, int64_t sampleId) const;
    /// Steps with per-token traces (sequence models), ascending; empty for a log written
    /// before schema 2 or a run without them.
    std::vector<int64_t> tokenTraceSteps(int64_t runId) const;
    /// The per-token traces of one evaluation step, ordered by sample id.
    std::vector<TokenTrace> tokenTraces(int64_t runId, int64_t step) const;
    /// Conflicts at one step, or of every step when step < 0.
    std::vector<ConflictRecord> conflicts(int64_t runId, int64_t step = -1) const;
    /// A run's checkpoints by step. A stored path that does not exist but names a file of
    /// this log's "<log>.checkpoints" folder is given as that file (a log named relatively
    /// when it was trained and read from another working directory, or moved with its
    /// checkpoints).
    std::vector<CheckpointInfo> checkpoints(int64_t runId) const;
    std::vector<EventRecord> events(int64_t runId) const;
    /// The error of the most recent query ("" when it succeeded); a failed query returns an
    /// empty result.
    std::string lastError() const;

    struct Impl;

private:
    explicit LogReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mor
