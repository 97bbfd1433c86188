// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor verify --log F --run N`: can the run be reproduced as logged? Re-hashes its stored
// config and its input data files and compares them with the run's audit trail.
// Exit 0 when every item matches, 1 when any is changed, missing or not recorded.
#include "mor/run_audit.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

struct VerifyArgs {
    std::string log;
    int64_t run = 0;
    bool json = false;
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerVerifyCommand(CLI::App& app);
int cmdVerify(const VerifyArgs& args);
/// The audit as text lines for `mor show` ("not recorded" for a run from before schema 4).
void printRunAudit(const std::optional<mor::RunAudit>& audit);
