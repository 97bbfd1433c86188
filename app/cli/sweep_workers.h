// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The worker processes of `mor sweep`: each entry of a sweep is this very binary run as
// `mor train ...` (or `mor resume ...` for an interrupted run), at most `jobs` at once.
#include "mor/sweep.h"

#include <cstdint>
#include <string>
#include <vector>

struct SweepPlan {
    std::string log;
    int64_t sweepId = 0;
    std::string baseConfigJson;
    std::string runName;   ///< prefix of each run's name
    int64_t jobs = 1;
    int64_t threads = 1;
    std::string device;    ///< "" keeps the config's
    bool quiet = false;    ///< progress lines to stderr instead of stdout
};

/// Runs every entry of the sweep that is to do or interrupted, until none is left (or the
/// sweep process is asked to stop). The store must be open for writing and claimed.
/// Returns the sweep's final status: finished | failed | interrupted | stopped.
std::string runSweepWorkers(mor::SweepStore& store, const SweepPlan& plan);
