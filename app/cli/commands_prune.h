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

CLI::App* addPruneCommand(CLI::App& app, PruneArgs& args);
int cmdPrune(const PruneArgs& args);
