// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Sweeps: a grid (or list) of config overrides x seeds, each run a separate `mor train`
// process writing into one log, grouped by a sweep id, resumable after a crash, and summarised
// over seeds as a mean with a Student-t confidence interval. No torch, no Qt: the CLI
// (`mor sweep`, `mor sweeps`) and the GUI's Sweeps tab read the same calls.
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mor {

// ---- statistics --------------------------------------------------------------------------

/// The p-quantile of Student's t distribution with `df` degrees of freedom (df >= 1),
/// e.g. studentTQuantile(0.975, 4) = 2.776. NaN for df < 1 or p outside (0, 1).
double studentTQuantile(double p, int64_t df);
/// P(T <= t) of Student's t with `df` degrees of freedom (df > 0, not necessarily whole, as
/// Welch's test needs); NaN for df <= 0 or t NaN.
double studentTCdf(double t, double df);

/// The mean of a sample and its Student-t confidence interval (NaN bounds when n < 2).
struct MeanInterval {
    int64_t n = 0;
    double mean = std::nan("");
    double low = std::nan("");
    double high = std::nan("");
    double halfWidth() const { return (high - low) / 2.0; }
};
/// mean ± t(1 - (1 - level) / 2, n - 1) · s / √n with s the sample standard deviation.
MeanInterval meanInterval(const std::vector<double>& values, double level = 0.95);

// ---- what a sweep runs -------------------------------------------------------------------

/// One --grid axis: a dotted config path (list indices allowed: model.experts[0].max_depth)
/// and its values as JSON texts.
struct SweepAxis {
    std::string key;
    std::vector<std::string> valuesJson;
};

/// Parses "KEY=V1,V2,..." (each value JSON when it parses as JSON, else a string; commas
/// inside brackets or quotes do not split).
bool parseGridArgument(const std::string& text, SweepAxis* axis, std::string* error);
/// The product of the axes, the first axis varying slowest: one JSON object text per
/// configuration ({"model.router.top_k": 1, ...}).
std::vector<std::string> expandGrid(const std::vector<SweepAxis>& axes);
/// A --list file's text: a JSON array of override objects -> one JSON object text each.
bool parseOverrideList(const std::string& jsonText, std::vector<std::string>* overrides,
                       std::string* error);
/// Applies the overrides (JSON object text) to the base config (JSON text) and checks the
/// result with the normal config parsing and validation. On failure *error names the
/// override and what is wrong with it (unknown field, value out of range, ...).
bool resolveSweepConfig(const std::string& baseJson, const std::string& overridesJson,
                        std::string* configJson, std::string* error);
/// "router.top_k=1, experts[0].max_depth=4" (the first path part dropped): run names, tables.
std::string overridesLabel(const std::string& overridesJson);

// ---- sweeps in the log -------------------------------------------------------------------

/// Where one (configuration, seed) entry of a sweep stands.
enum class SweepRunState {
    ToDo,        ///< no run yet, no worker
    Running,     ///< a live worker trains (or is starting) it
    Finished,    ///< its run finished
    Interrupted, ///< its run exists, is not finished, and its worker is gone: resume it
    Failed,      ///< its run failed (or the worker exited with an error before creating one)
};
const char* toString(SweepRunState state);

struct SweepEntry {
    int64_t sweepId = 0;
    int64_t index = 0;          ///< 0-based position in the sweep
    std::string overridesJson;  ///< the configuration: {"dotted.key": value, ...}
    int64_t seed = 0;
    int64_t runId = -1;         ///< -1 until the worker has created the run
    std::string runStatus;      ///< the run's status in the runs table ("" without a run)
    SweepRunState state = SweepRunState::ToDo;
};

struct SweepInfo {
    int64_t id = 0;
    std::string name;
    std::string status;         ///< running | finished | interrupted | failed | stopped
    int64_t createdMs = 0;
    std::string baseConfigJson; ///< the base config as given
    std::string specJson;       ///< {"grid": ..., "list": ..., "seeds": [...], "jobs": N, ...}
    int64_t total = 0, finished = 0, running = 0, interrupted = 0, toDo = 0, failed = 0;
};

/// One configuration of a sweep over its finished seeds.
struct SweepGroup {
    std::string paramsJson;     ///< the overrides of this configuration
    std::vector<int64_t> runIds; ///< its finished runs
    int64_t n = 0;              ///< finished seeds
    MeanInterval testAccuracy;  ///< metric test/accuracy
    MeanInterval expertSteps;   ///< metric test/expert_steps (expert-steps per input)
    MeanInterval flops;         ///< metric test/flops (FLOPs per input)
    MeanInterval seconds;       ///< wall time of the run, without the time it lay dead
};
struct SweepSummary {
    int64_t sweepId = 0;
    int64_t runs = 0;           ///< entries (configurations x seeds)
    int64_t finished = 0;
    std::vector<SweepGroup> groups; ///< in the sweep's order
};

/// The sweep tables of one log file. Readers (the GUI, `mor sweeps`) open read-only; the
/// sweep process opens for writing. Every call is short; workers write the same file.
class SweepStore {
public:
    /// The log must exist (for writing it must already carry the current schema: open it
    /// with ExperimentLog::open first). Null with *error set when it cannot be opened.
    static std::unique_ptr<SweepStore> open(const std::string& logPath, bool forWriting,
                                            std::string* error);
    ~SweepStore();
    SweepStore(const SweepStore&) = delete;
    SweepStore& operator=(const SweepStore&) = delete;

    /// Every sweep with its counts, oldest first.
    std::vector<SweepInfo> sweeps() const;
    std::optional<SweepInfo> sweep(int64_t id) const;
    std::vector<SweepEntry> entries(int64_t id) const;
    SweepSummary summary(int64_t id) const;
    /// The error of the last call ("" when it succeeded).
    std::string lastError() const;

    // ---- writing (the sweep process) ----
    struct NewSweep {
        std::string name, baseConfigJson, specJson;
        std::vector<std::pair<std::string, int64_t>> entries; ///< (overrides JSON, seed)
    };
    /// Inserts the sweep and all its entries in one transaction, owned by this process.
    /// Returns the sweep id, or -1 (see lastError()).
    int64_t createSweep(const NewSweep& sweep);
    /// Makes this process the sweep's owner; refuses (false, *error) while another live
    /// process owns it.
    bool claim(int64_t id, std::string* error);
    /// Refreshes the owner's heartbeat (call every few seconds while running).
    void heartbeat(int64_t id);
    /// Drops ownership and stores the final status.
    void release(int64_t id, const std::string& status);
    /// A worker process was started for an entry (its pid identifies it while it lives).
    void recordWorker(int64_t sweepId, int64_t index, int64_t pid);
    /// The entry's worker exited; `ok` false and no run means it failed before creating one.
    void recordExit(int64_t sweepId, int64_t index, bool ok);
    /// Marks a run "interrupted" whose status still says running but whose worker is gone.
    void markRunInterrupted(int64_t runId);

    /// The tag the worker of an entry gives its run (`mor train --tag`): the link between an
    /// entry and its run, written with the run itself, so a kill at any moment cannot lose it.
    static std::string runTag(int64_t sweepId, int64_t index);
    /// The sweep id of a run tag written by runTag, or -1 for any other tag.
    static int64_t sweepOfRunTag(const std::string& tag);
    /// The tag every run of a sweep carries beside its entry tag ("sweep:<id>"), so that
    /// `mor runs --tag sweep:<id>` lists the sweep's runs.
    static std::string sweepTag(int64_t sweepId);
    /// A tag written by runTag ({sweep, index}) or sweepTag ({sweep, -1}), read back; {-1, -1}
    /// for any other tag ("sweep:best", "sweep:7x", ids past int64). The one reader of both
    /// forms: the Sweeps view, `mor merge` (which renumbers them) and the run audit use it.
    struct TagParts {
        int64_t sweep = -1;
        int64_t index = -1; ///< -1 for the sweep tag
    };
    static TagParts parseTag(const std::string& tag);

    struct Impl;

private:
    explicit SweepStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace mor
