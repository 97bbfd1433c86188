// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor prune --log F --run N --method M --amount A [--finetune-steps K]`: a pruned copy of a
// run as a new run of the same log (mor/pruning.h).
#include "mor/pruning.h"

#include <CLI/CLI.hpp>

struct PruneArgs {
    mor::PruneOptions options;
    bool json = false;
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerPruneCommand(CLI::App& app);
int cmdPrune(const PruneArgs& args);
