// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_retrain.h"
#include "command_action.h"
#include "commands.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <memory>

namespace {

void printRetrainOutcome(const mor::RetrainOutcome& out, bool json) {
    if (json) {
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
        return;
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
    std::fflush(stdout);
}

/// The data file's modification time and size, or false when it cannot be read.
bool retrainFileStamp(const std::string& path, std::filesystem::file_time_type* time,
                      std::uintmax_t* size) {
    std::error_code ec;
    *time = std::filesystem::last_write_time(path, ec);
    if (ec) {
        return false;
    }
    *size = std::filesystem::file_size(path, ec);
    return !ec;
}

} // namespace

static CLI::App* addRetrainOptions(CLI::App& app, RetrainArgs& args) {
    auto* c = app.add_subcommand(
        "retrain", "Train a child of a csv run (reflection) or a text run (recursion) on new "
                   "data (tagged retrained-from:<run>) and promote it (tag promoted) only if it "
                   "beats the parent on the new data's test split by the margin, with the 95% "
                   "CI of the paired difference");
    auto& o = args.options;
    c->add_option("--log", o.logPath, "Experiment log")->required();
    c->add_option("--run", o.runId,
                  "The parent run (a reflection run on csv data or a recursion run on text)")
        ->required();
    c->add_option("--data", o.dataPath,
                  "The new data (replaces data.path, or data.text_path of a recursion run, in "
                  "the child's config)")
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
    c->add_flag("--watch", args.watch,
                "Retrain now, then again (from the lineage's promoted run, else --run) "
                "whenever the data file's modification time or size changes; one result per "
                "retraining");
    c->add_option("--rounds", args.rounds, "With --watch: stop after this many retrainings")
        ->check(CLI::NonNegativeNumber);
    c->add_option("--poll", args.pollSeconds, "With --watch: seconds between checks of the file")
        ->check(CLI::PositiveNumber);
    return c;
}

int cmdRetrain(const RetrainArgs& args) {
    if (!args.watch) {
        const mor::Result<mor::RetrainOutcome> out = mor::retrainRun(args.options);
        if (!out) {
            return userError(out.error());
        }
        printRetrainOutcome(*out, args.json);
        return 0;
    }
    const auto poll = std::chrono::duration<double>(args.pollSeconds);
    mor::RetrainOptions options = args.options;
    for (int64_t round = 1;; ++round) {
        std::filesystem::file_time_type time;
        std::uintmax_t size = 0;
        if (!retrainFileStamp(options.dataPath, &time, &size)) {
            return userError("--data " + options.dataPath + ": cannot read the file");
        }
        std::string error;
        const int64_t promoted = mor::retrainPromotedRun(options.logPath, args.options.runId,
                                                         &error);
        if (promoted < 0) {
            return userError(error);
        }
        options.runId = promoted > 0 ? promoted : args.options.runId;
        const mor::Result<mor::RetrainOutcome> out = mor::retrainRun(options);
        if (!out) {
            // A half-written or bad file is not the end of watching: report and wait for the
            // next change.
            std::fprintf(stderr, "mor: retraining round %lld failed: %s\n", (long long)round,
                         out.error().c_str());
        } else {
            printRetrainOutcome(*out, args.json);
        }
        if (args.rounds > 0 && round >= args.rounds) {
            return 0;
        }
        // Wait for a change, then for the file to hold still for one poll.
        std::filesystem::file_time_type nowTime = time;
        std::uintmax_t nowSize = size;
        while (!retrainFileStamp(options.dataPath, &nowTime, &nowSize) ||
               (nowTime == time && nowSize == size)) {
            std::this_thread::sleep_for(poll);
        }
        for (;;) {
            std::this_thread::sleep_for(poll);
            std::filesystem::file_time_type stillTime;
            std::uintmax_t stillSize = 0;
            if (retrainFileStamp(options.dataPath, &stillTime, &stillSize) &&
                stillTime == nowTime && stillSize == nowSize) {
                break;
            }
            nowTime = stillTime;
            nowSize = stillSize;
        }
    }
}

void registerRetrainCommand(CLI::App& app) {
    auto args = std::make_shared<RetrainArgs>();
    setCommandAction(addRetrainOptions(app, *args), [args] { return cmdRetrain(*args); });
}
