// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor validate --config FILE` (or `mor validate FILE`): the config's fields and rules, then
// its data: the files readable, the columns and the label column found, the splits' sizes.
#include <CLI/CLI.hpp>

#include <string>

struct ValidateArgs {
    std::string config;
    bool configOnly = false; ///< skip the data checks
    bool json = false;
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerValidateCommand(CLI::App& app);
int cmdValidateConfig(const ValidateArgs& args);
