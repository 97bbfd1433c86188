// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor retrain --log F --run N --data NEW.csv [--from-parent|--from-scratch] [--margin M]`: a
// child run trained on new data, promoted only when it beats its parent (mor/retrain.h).
#include "mor/retrain.h"

#include <CLI/CLI.hpp>

struct RetrainArgs {
    mor::RetrainOptions options;
    bool fromParent = false;
    bool json = false;
};

CLI::App* addRetrainCommand(CLI::App& app, RetrainArgs& args);
int cmdRetrain(const RetrainArgs& args);
