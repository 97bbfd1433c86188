// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_merge.h"
#include "command_action.h"
#include "commands.h"

#include "mor/log_merge.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

static CLI::App* addMergeOptions(CLI::App& app, MergeArgs& args) {
    auto* c = app.add_subcommand(
        "merge", "Merge run logs (e.g. of a SLURM job array) into a new log; runs are "
                 "renumbered, sweeps kept, the inputs are not modified");
    c->add_option("--log", args.out, "The new log (must not exist)")->required();
    c->add_option("logs", args.inputs, "Logs to merge, in this order")->required();
    c->add_flag("--json", args.json, "One JSON object: runs, sweeps, per-input lines");
    return c;
}

int cmdMerge(const MergeArgs& args) {
    mor::LogMergeReport report;
    std::string error;
    if (!mor::mergeLogs(args.out, args.inputs, &report, &error)) {
        return userError(error);
    }
    if (args.json) {
        nlohmann::ordered_json j{{"log", args.out},
                                 {"runs", report.runs},
                                 {"sweeps", report.sweeps},
                                 {"inputs", report.lines}};
        std::cout << j.dump() << std::endl;
        return 0;
    }
    for (const std::string& line : report.lines) {
        std::printf("%s\n", line.c_str());
    }
    std::printf("%s: %lld run(s), %lld sweep(s)\n", args.out.c_str(), (long long)report.runs,
                (long long)report.sweeps);
    return 0;
}

void registerMergeCommand(CLI::App& app) {
    auto args = std::make_shared<MergeArgs>();
    setCommandAction(addMergeOptions(app, *args), [args] { return cmdMerge(*args); });
}
