// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor retrain --log F --run N --data NEW.csv [--from-parent|--from-scratch] [--margin M]`: a
// child run trained on new data, promoted only when it beats its parent (mor/retrain.h);
// --watch repeats that, from the lineage's promoted run, whenever the data file changes.
#include "mor/retrain.h"

#include <CLI/CLI.hpp>

struct RetrainArgs {
    mor::RetrainOptions options;
    bool fromParent = false;
    bool json = false;
    bool watch = false;   ///< retrain again whenever the data file changes
    int64_t rounds = 0;   ///< with watch: stop after this many retrainings (0: never)
    double pollSeconds = 1.0;
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerRetrainCommand(CLI::App& app);
int cmdRetrain(const RetrainArgs& args);
