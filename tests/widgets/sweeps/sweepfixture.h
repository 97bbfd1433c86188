// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Writes sweeps into a log through the log writer API (mor::ExperimentLog, mor::SweepStore),
// with hand-chosen test metrics and short training curves: no training, milliseconds per run.
// Used by the Sweeps tab's tests, the Compare tests and bench_sweeps.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mor {
class ExperimentLog;
class SweepStore;
} // namespace mor

namespace sweepfixture {

struct Metrics {
    double accuracy = 0, expertSteps = 0, flops = 0, latencyMs = 0;
};

/// A sweep being written: configurations (override JSON objects) x seeds.
class SweepWriter {
public:
    /// Opens (or creates) the log; the sweep is created with every entry "to do".
    SweepWriter(const std::string& logPath, const std::vector<std::string>& overrides,
                const std::vector<int64_t>& seeds, const std::string& name = "fixture");
    ~SweepWriter();
    bool ok() const { return m_sweepId >= 0; }
    const std::string& error() const { return m_error; }
    int64_t sweepId() const { return m_sweepId; }
    /// Writes the finished run of entry (configuration, seed index): its config, tags, a
    /// val/accuracy curve over `points` evaluations rising to the test accuracy, val/flops and
    /// val/expert_steps at each, and the test metrics. Returns the run id (-1 on failure).
    int64_t finish(int configuration, int seedIndex, const Metrics& metrics, int points = 12);
    /// Writes every entry with metrics(configuration, seed index).
    void finishAll(const std::function<Metrics(int, int)>& metrics, int points = 12);
    /// Gives the sweep up as finished (else it reads "running" while this writer lives).
    void release();

private:
    std::string m_path, m_error, m_base;
    std::vector<std::string> m_overrides;
    std::vector<int64_t> m_seeds;
    std::unique_ptr<mor::ExperimentLog> m_log;
    std::unique_ptr<mor::SweepStore> m_store;
    int64_t m_sweepId = -1;
    bool m_released = false;
};

/// The Sweeps tests' grid: router.top_k in {1, 2} x learning rate in {0.001, 0.003}, in this
/// order (configuration c: top_k = 1 + c / 2, the rate's index c % 2).
extern const std::vector<std::string> kGridOverrides;

/// Test metrics of configuration c, seed index s of the grid: top_k 2 adds 0.10 accuracy and
/// doubles the expert-steps; the rate adds 0.01; each seed 0.02.
Metrics gridMetrics(int c, int s);

/// Writes a finished sweep of `overrides` x `seeds` with `metrics` to `logPath`: "" when it
/// worked, else why.
std::string writeFinishedSweep(const std::string& logPath,
                               const std::vector<std::string>& overrides,
                               const std::vector<int64_t>& seeds,
                               const std::function<Metrics(int, int)>& metrics = gridMetrics);

} // namespace sweepfixture
