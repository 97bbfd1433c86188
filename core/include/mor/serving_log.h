#pragma once
// Serving records: what each served variant of `mor serve` did (requests, accuracy on
// labelled requests, latency histogram), one row per serving session and variant, kept in
// the experiment log in a table of its own (serving_records).
#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct ServingRecord {
    std::string session;       ///< one `mor serve` process (start time and pid)
    std::string variant;       ///< "A", "B"
    int64_t runId = 0;
    int64_t share = 0;         ///< configured split share
    bool shadow = false;       ///< the session ran in shadow mode
    int64_t startedMs = 0, updatedMs = 0;
    int64_t requests = 0, inputs = 0, labelled = 0, correct = 0;
    int64_t shadowInputs = 0, shadowAgreeing = 0, shadowLabelled = 0, shadowCorrect = 0;
    double latencySum = 0.0;   ///< seconds
    std::vector<double> latencyBounds;   ///< histogram upper bounds (seconds)
    std::vector<int64_t> latencyCounts;  ///< per bound, not cumulative; last = above all
};

/// Inserts or replaces the records of (session, variant). Refuses a file that is not a MoR
/// Studio log or that a newer version wrote. False with *error on failure.
bool writeServingRecords(const std::string& logPath, const std::vector<ServingRecord>& records,
                         std::string* error);
/// Every record of the log (of run `runId` when >= 0), oldest first; empty when the log has
/// none. False with *error when the log cannot be read.
bool readServingRecords(const std::string& logPath, int64_t runId,
                        std::vector<ServingRecord>* records, std::string* error);

} // namespace mor
