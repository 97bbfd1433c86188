#pragma once
// Per-token traces of sequence models in the token_traces table (schema v2): one JSON
// document per (run, step, probe sequence).
#include "mor/token_trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor::log {

class SqliteDb;

/// A trace as a compact JSON document, and back. fromJson returns false (and leaves `out`
/// partly filled) on malformed text.
std::string tokenTraceToJson(const TokenTrace& trace);
bool tokenTraceFromJson(const std::string& text, TokenTrace& out);

/// Inside an open transaction; replaces what was stored for the same (run, step, sample).
int64_t writeTokenTraces(SqliteDb& db, int64_t run, int64_t step,
                         const std::vector<TokenTrace>& traces);

/// Steps with token traces of a run, ascending; empty when the file predates the table.
std::vector<int64_t> readTokenTraceSteps(SqliteDb& db, int64_t run);
/// The traces of one step ordered by sample id; empty when the file predates the table.
std::vector<TokenTrace> readTokenTraces(SqliteDb& db, int64_t run, int64_t step);

} // namespace mor::log
