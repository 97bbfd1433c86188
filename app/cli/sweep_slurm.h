// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor sweep ... --emit slurm DIR`: the sweep as a SLURM job array. Each array task runs one
// entry as a one-entry sweep into its own log (no SQLite file is shared over a network file
// system); `mor merge` joins the task logs into one log with one sweep again.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct SlurmArray {
    std::string dir;      ///< written: job.sbatch, merge.sh, base.json, entries/, logs/
    std::string name;     ///< the sweep's name (job name, run names)
    std::string baseJson; ///< the base config as given
    std::vector<std::pair<std::string, int64_t>> entries; ///< (overrides JSON, seed)
    int64_t jobs = 0;     ///< at most this many tasks at once (0: no limit)
    int64_t threads = 1;  ///< per task (--cpus-per-task)
    std::string device;   ///< "" keeps the config's
};

/// Writes the array; returns false with *error when a file cannot be written.
bool writeSlurmArray(const SlurmArray& array, std::string* error);
