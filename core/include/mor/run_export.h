#pragma once
// Export of what a run logged as CSV files — the one writer behind `mor export --csv` and
// the GUI's File > Export (no torch, no Qt).
#include <cstdint>
#include <string>
#include <vector>

namespace mor {

class LogReader;

/// Header of the traces CSV of reflection runs: one row per traced input, selected expert
/// and reflection iteration; `probs` is the draft distribution, ';'-separated; `group` is the
/// input's expert group (-1: none) and `width` the nested expert's width (0: not nested),
/// appended last so that the earlier columns keep their places.
inline constexpr const char* kTracesCsvHeader =
    "step,sample_id,label,domain,final_pred,correct,conflict_score,conflict,resolution,"
    "expert,router_p,gate,fusion_weight,halt_step,iteration,critique,halt_p,pred,"
    "draft_correct,probs,group,width";
/// Header of the traces CSV of recursion runs: one row per traced token; `router_scores`
/// (one per recursion), `recursion_preds` and `recursion_target_probs` (one per recursion
/// received) and `skipped_blocks` (Mixture-of-Depths: blocks the token skipped) ';'-separated.
inline constexpr const char* kTokenTracesCsvHeader =
    "step,sample_id,position,token,target,pred,correct,depth,loss,difficulty,router_scores,"
    "recursion_preds,recursion_target_probs,skipped_blocks";
inline constexpr const char* kMetricsCsvHeader = "key,step,value,wall_ms";
inline constexpr const char* kConflictsCsvHeader =
    "step,sample_id,score,experts,winner,margin,resolved_pred,label,correct,resolution";

struct RunExportResult {
    bool ok = false;
    std::string error;              ///< names the file or the run
    std::vector<std::string> files; ///< written, in order: metrics, traces, conflicts
    int64_t metricRows = 0, traceRows = 0, conflictRows = 0;
};

/// Writes `<dir>/run-<id>-metrics.csv`, `-traces.csv` (the schema of the run's family) and
/// `-conflicts.csv` (reflection runs). Each file is written to a temporary name and renamed,
/// so a failed export leaves no half-written file. Creates `dir` when missing.
RunExportResult exportRun(const LogReader& reader, int64_t runId, const std::string& dir);

/// Only the traces CSV (kTracesCsvHeader for reflection runs, kTokenTracesCsvHeader for
/// recursion runs) at `path`. False with *error naming the file on failure; *rows data rows.
bool writeTracesCsv(const LogReader& reader, int64_t runId, const std::string& path,
                    std::string* error, int64_t* rows = nullptr);

/// Only the metrics CSV (every logged point of every key).
bool writeMetricsCsv(const LogReader& reader, int64_t runId, const std::string& path,
                     std::string* error, int64_t* rows = nullptr);

} // namespace mor
