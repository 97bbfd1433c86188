// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor merge`: several experiment logs (e.g. one per SLURM array task) into one new log.
// No torch, no Qt.
#include <cstdint>
#include <string>
#include <vector>

namespace mor {

struct LogMergeReport {
    int64_t runs = 0;   ///< runs copied
    int64_t sweeps = 0; ///< sweeps in the new log
    /// One line per input: "a.sqlite: runs 1-3 -> 4-6, sweep 1 -> 2".
    std::vector<std::string> lines;
};

/// Writes a new log `outPath` holding every run of `inputs` (in order), renumbered 1..N, with
/// their metrics, traces, samples, routing, events, tags and checkpoint paths. Sweeps keep
/// their entries (overrides, seed, run), renumbered; the one-entry sweeps of the tasks of one
/// SLURM array (spec "slurm": {"group", "index", "total"}) become one sweep again. Inputs are
/// opened read-only and never modified. Refuses (false, *error) an existing `outPath`, an input
/// that is not a MoR log or was written by a newer build, and an input named twice.
bool mergeLogs(const std::string& outPath, const std::vector<std::string>& inputs,
               LogMergeReport* report, std::string* error);

} // namespace mor
