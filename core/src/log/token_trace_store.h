#pragma once
// Per-token traces of sequence models, relational like the reflection traces (schema v5):
// token_sequence holds one row per (run, step, probe sequence) and token_trace one row per
// token position, with the per-recursion values as number blobs (as trace_summary keeps its
// per-expert vectors). Schema v2..v4 kept one JSON document per sequence in token_traces;
// such files are read through the same functions (read-only opens do not upgrade a file),
// and the 4 -> 5 migration and mor merge convert them into rows.
#include "mor/token_trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor::log {

class SqliteDb;

/// Inside an open transaction; replaces what was stored for the same (run, step, sample).
/// Returns the number of rows written (one per sequence and one per token).
int64_t writeTokenTraces(SqliteDb& db, int64_t run, int64_t step,
                         const std::vector<TokenTrace>& traces);

/// Steps with token traces of a run, ascending; empty when the file predates token traces.
std::vector<int64_t> readTokenTraceSteps(SqliteDb& db, int64_t run);
/// The traces of one step ordered by sample id; empty when the file predates token traces.
std::vector<TokenTrace> readTokenTraces(SqliteDb& db, int64_t run, int64_t step);

/// A v2..v4 JSON document as a trace. False (and `out` partly filled) on malformed text.
bool tokenTraceFromJson(const std::string& text, TokenTrace& out);

/// Copies v2..v4 JSON token traces into the v5 tables of the main database. `selectSql`
/// yields (run_id, step, sample_id, payload) rows (for mor merge: from an attached file, with
/// run ids mapped); malformed payloads are skipped as the v4 reader skipped them. Returns the
/// number of traces converted.
int64_t convertJsonTokenTraces(SqliteDb& db, const std::string& selectSql);

} // namespace mor::log
