// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor sweep` (run a grid or list of config overrides x seeds as parallel worker processes
// into one log, or resume one) and `mor sweeps` (list the sweeps of a log, or summarise one).
#include "commands_baseline.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

struct SweepArgs {
    std::string config, log, list, seeds, device, name;
    std::vector<std::string> grid;
    int64_t jobs = 0;     ///< worker processes at once (0: 1, or as the resumed sweep had)
    int64_t threads = -1; ///< per worker; default: the cores shared among the jobs
    int64_t resume = -1;  ///< a sweep id: run only what that sweep is missing
    bool json = false;
    bool dryRun = false;  ///< check and list what would run; touch no log
    /// --baseline KIND: each configuration also runs with its matched baseline.
    BaselineSpec baseline;
    bool baselinesOnly = false; ///< run the matched baselines only (the models ran elsewhere)
    std::vector<std::string> emit; ///< --emit slurm DIR: write a SLURM job array, run nothing
    std::string slurmTask; ///< "GROUP:INDEX:TOTAL": this sweep is one task of such an array
};

struct SweepsArgs {
    std::string log;
    int64_t sweep = -1;   ///< >= 0: the summary of that sweep instead of the list
    bool json = false;
};

/// Adds `sweep` and `sweeps`, their options and actions to `app` (command_action.h).
void registerSweepCommands(CLI::App& app);
int cmdSweep(const SweepArgs& args);
int cmdSweeps(const SweepsArgs& args);
