#pragma once
// Writing and rebuilding full SampleTraces: one trace_summary row per input, one
// trace_expert row per selected expert, one reflection row per iteration, and a conflicts
// row when the experts disagreed. Since schema v5 trace_summary.expert_group holds the input's
// expert group (router.groups) and trace_expert.width a nested expert's width.
#include "mor/trace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mor::log {

class SqliteDb;

/// Inside an open transaction; replaces what was stored for the same (run, step, sample).
/// Returns the number of rows written.
int64_t writeTraces(SqliteDb& db, int64_t run, int64_t step,
                    const std::vector<SampleTrace>& traces);

/// The traces of one step ordered by sample id (only `sampleId` when it is >= 0), with
/// experts in expert order and steps in iteration order.
std::vector<SampleTrace> readTraces(SqliteDb& db, int64_t run, int64_t step, int64_t sampleId);

/// "0,2" <-> {0, 2}
std::string joinExperts(const std::vector<int>& experts);
std::vector<int> splitExperts(const std::string& text);

} // namespace mor::log
