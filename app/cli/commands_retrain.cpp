// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_retrain.h"
#include "commands.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

CLI::App* addRetrainCommand(CLI::App& app, RetrainArgs& args) {
    auto* c = app.add_subcommand(
        "retrain", "Train a child of a csv run on new data (tagged retrained-from:<run>) and "
                   "promote it (tag promoted) only if it beats the parent on the new data's "
                   "test split by the margin, with the 95% CI of the paired difference");
    auto& o = args.options;
    c->add_option("--log", o.logPath, "Experiment log")->required();
    c->add_option("--run", o.runId, "The parent run (a reflection run on csv data)")->required();
    c->add_option("--data", o.dataPath, "The new data (replaces data.path in the child's config)")
        ->required();
    auto* parent = c->add_flag("--from-parent", args.fromParent,
                               "Start from the parent's best.pt weights (the default)");
    auto* scratch = c->add_flag("--from-scratch", o.fromScratch,
                                "Start from fresh weights (train.seed)");
    parent->excludes(scratch);
    c->add_option("--margin", o.margin,
                  "Promote only when the CI's lower end of child minus parent accuracy is "
                  "above this (default 0)");
    c->add_option("--epochs", o.epochs, "Override train.epochs of the child")
        ->check(CLI::PositiveNumber);
    c->add_option("--threads", o.threads, "Intra-op threads (0 = all cores)");
    c->add_flag("--json", args.json, "One JSON object with the comparison and the decision");
    return c;
}

int cmdRetrain(const RetrainArgs& args) {
    const mor::RetrainOutcome out = mor::retrainRun(args.options);
    if (out.status != "finished") {
        return userError(out.error);
    }
    if (args.json) {
        nlohmann::ordered_json j{{"run_id", out.runId},
                                 {"parent_id", out.parentId},
                                 {"start", out.start},
                                 {"data", out.dataPath},
                                 {"parent_checkpoint", out.parentCheckpoint},
                                 {"steps", out.steps},
                                 {"compared", out.compared},
                                 {"parent_accuracy", out.parentAccuracy},
                                 {"child_accuracy", out.childAccuracy},
                                 {"difference", out.difference},
                                 {"ci_low", out.low},
                                 {"ci_high", out.high},
                                 {"level", out.level},
                                 {"margin", out.margin},
                                 {"child_better", out.childBetter},
                                 {"parent_better", out.parentBetter},
                                 {"promoted", out.promoted},
                                 {"demoted", out.demoted},
                                 {"reason", out.reason}};
        std::cout << j.dump() << std::endl;
        return 0;
    }
    std::printf("run %lld: run %lld retrained %s on %s (%lld steps)\n", (long long)out.runId,
                (long long)out.parentId, out.start.c_str(), out.dataPath.c_str(),
                (long long)out.steps);
    std::printf("  held-out inputs %lld: parent accuracy %.4f, child accuracy %.4f "
                "(child alone right %lld, parent alone right %lld)\n",
                (long long)out.compared, out.parentAccuracy, out.childAccuracy,
                (long long)out.childBetter, (long long)out.parentBetter);
    std::printf("  %s\n", out.reason.c_str());
    for (int64_t id : out.demoted) {
        std::printf("  run %lld is no longer promoted\n", (long long)id);
    }
    return 0;
}
