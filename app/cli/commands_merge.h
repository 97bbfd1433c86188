// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor merge --log OUT LOG...`: run logs (e.g. one per SLURM array task) into one new log.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

struct MergeArgs {
    std::string out;
    std::vector<std::string> inputs;
    bool json = false;
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerMergeCommand(CLI::App& app);
int cmdMerge(const MergeArgs& args);
