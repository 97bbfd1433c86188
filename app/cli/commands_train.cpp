// SPDX-License-Identifier: GPL-3.0-or-later
// mor train, mor resume, mor eval.
#include "command_action.h"
#include "commands.h"
#include "distributed_env.h"
#include "progress_printer.h"
#include "worker_launcher.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace {

nlohmann::json outcomeJson(const mor::RunOutcome& out) {
    nlohmann::json j{{"run_id", out.runId},
                     {"status", out.status},
                     {"steps", out.steps},
                     {"seconds", out.seconds},
                     {"parameters", out.parameters}};
    if (!out.error.empty()) {
        j["error"] = out.error;
    }
    if (out.test.samples > 0) {
        j["test_accuracy"] = out.test.accuracy;
        j["test_loss"] = out.test.loss;
        j["mean_depth"] = out.test.meanDepth;
        j["expert_steps_per_input"] = out.test.expertStepsPerInput;
        j["conflict_rate"] = out.test.conflictRate;
        j["flops_per_input"] = out.test.flopsPerInput;
        j["activation"] = out.test.activation;
        j["accuracy_per_step"] = out.test.accuracyPerStep;
        j["test_metrics"] = out.test.metrics; // every test/* metric of either family
        // whose weights: the best validation's step, and the file holding them ("" without a log)
        j["test_step"] = out.testStep;
        j["test_checkpoint"] = out.testCheckpoint;
    } else {
        j["test_accuracy"] = nullptr;
        j["mean_depth"] = nullptr;
        j["expert_steps_per_input"] = nullptr;
        j["conflict_rate"] = nullptr;
    }
    return j;
}

int report(const mor::RunOutcome& out, bool json) {
    if (json) {
        std::cout << outcomeJson(out).dump() << std::endl;
    } else if (out.test.samples > 0) {
        std::printf("run %lld %s after %lld steps in %.1f s: test accuracy %.4f, mean depth %.2f, "
                    "expert-steps/input %.2f, conflict rate %.3f\n",
                    (long long)out.runId, out.status.c_str(), (long long)out.steps, out.seconds,
                    out.test.accuracy, out.test.meanDepth, out.test.expertStepsPerInput,
                    out.test.conflictRate);
    }
    if (out.status == "failed") {
        if (!json) {
            std::fprintf(stderr, "mor: %s\n", out.error.c_str());
        }
        return 1;
    }
    return out.status == "stopped" ? 130 : 0;
}

// ---- data-parallel training (README, "Data-parallel training") -------------------------

/// Rank 0 reports as usual; the other ranks only say why they failed, on stderr.
int reportRank(const mor::RunOutcome& out, bool json, int64_t rank) {
    if (rank == 0) {
        return report(out, json);
    }
    if (out.status == "failed") {
        std::fprintf(stderr, "mor: rank %lld: %s\n", (long long)rank, out.error.c_str());
        return 1;
    }
    return out.status == "stopped" ? 130 : 0;
}

} // namespace

int cmdTrain(const TrainArgs& args) {
    const auto parsed = mor::loadConfigFile(args.config);
    if (!parsed.ok()) {
        return userError(args.config + ":\n" + parsed.message());
    }
    if (args.nproc > 1 && !isLaunchedWorker()) {
        return launchWorkers(args.nproc);
    }
    mor::RunOptions options;
    options.logPath = args.log;
    options.name = args.name;
    options.seed = args.seed;
    if (!args.device.empty()) { // the names were checked by addDeviceOption
        mor::DeviceChoice device = mor::DeviceChoice::Cpu;
        if (!mor::parseChoice(args.device, mor::deviceChoiceNames(), &device)) {
            return userError("--device \"" + args.device + "\" is not cpu, cuda or auto");
        }
        options.device = device;
    }
    options.threads = args.threads;
    options.tags = args.tags;
    std::string error;
    if (!distributedFromEnvironment(&options, parsed.config.train.threads, &error)) {
        return userError(error);
    }
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.quiet || args.json || options.rank > 0);
    return reportRank(mor::trainExperiment(parsed.config, options, &printer), args.json,
                      options.rank);
}

int cmdResume(const RunArgs& args) {
    std::string error;
    mor::RunOptions options;
    options.threads = args.threads;
    if (!distributedFromEnvironment(&options, args.threads, &error)) {
        return userError(error);
    }
    if (options.rank == 0) { // data-parallel: only rank 0 writes the log
        // A run whose process died (kill -9) still says "running": mark it first.
        auto log = mor::ExperimentLog::open(args.log, &error);
        if (!log) {
            return userError(error);
        }
        log->markStaleRunsInterrupted(15000);
    }
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.json || options.rank > 0);
    auto run = mor::Run::open(args.log, args.run);
    if (!run) {
        mor::RunOutcome failed;
        failed.runId = args.run;
        failed.status = "failed";
        failed.error = run.error();
        return reportRank(failed, args.json, options.rank);
    }
    return reportRank(run->resume(options, &printer), args.json, options.rank);
}

int cmdEval(const RunArgs& args) {
    const auto run = mor::Run::open(args.log, args.run);
    if (!run) {
        return userError(run.error());
    }
    auto evaluated = run->evaluate();
    if (!evaluated) {
        return userError(evaluated.error());
    }
    mor::RunOutcome out = std::move(evaluated).value();
    if (out.status == "failed") { // the run diverged; its last good checkpoint still evaluates
        out.status = "failed (evaluated at its last good checkpoint)";
    }
    return report(out, args.json);
}

void registerTrainCommands(CLI::App& app) {
    auto train = std::make_shared<TrainArgs>();
    auto* cTrain = app.add_subcommand("train", "Train an experiment from a JSON config");
    cTrain->add_option("--config", train->config, "Experiment config (JSON)")->required();
    cTrain->add_option("--log", train->log, "Experiment log (SQLite; created if missing)")
        ->required();
    cTrain->add_option("--name", train->name, "Run name");
    cTrain->add_option("--seed", train->seed, "Override train.seed");
    addDeviceOption(cTrain, train->device, "cpu | cuda | auto");
    cTrain->add_option("--threads", train->threads, "Intra-op threads (0 = all cores)");
    cTrain->add_option("--tag", train->tags, "Tag the run (repeatable)");
    cTrain->add_option("--nproc", train->nproc, "Data-parallel: spawn N local worker processes")
        ->check(CLI::Range(1, 256));
    cTrain->add_flag("--json", train->json, "Print one JSON object with the outcome last");
    cTrain->add_flag("--quiet", train->quiet, "No progress output");
    setCommandAction(cTrain, [train] { return cmdTrain(*train); });

    auto resume = std::make_shared<RunArgs>();
    auto* cResume = app.add_subcommand("resume", "Continue a run from its last checkpoint");
    addRunOptions(cResume, *resume);
    cResume->add_option("--threads", resume->threads, "Intra-op threads (0 = all cores)");
    cResume->add_flag("--json", resume->json, "Print one JSON object with the outcome last");
    setCommandAction(cResume, [resume] { return cmdResume(*resume); });

    struct EvalArgs {
        RunArgs run;
        bool counterfactual = false;
        int64_t step = -1;
    };
    auto eval = std::make_shared<EvalArgs>();
    auto* cEval = app.add_subcommand("eval", "Evaluate a run's last checkpoint on its test split");
    addRunOptions(cEval, eval->run);
    cEval->add_flag("--json", eval->run.json, "JSON output");
    cEval->add_flag("--counterfactual", eval->counterfactual,
                    "Accuracy if every expert halted at step k, with each expert vetoed, "
                    "with each fixed expert instead of the router");
    cEval->add_option("--step", eval->step, "--counterfactual: checkpoint at or before this step");
    setCommandAction(cEval, [eval] {
        return eval->counterfactual ? cmdEvalCounterfactual(eval->run, eval->step)
                                    : cmdEval(eval->run);
    });
}

void addRunOptions(CLI::App* command, RunArgs& args) {
    command->add_option("--log", args.log, "Experiment log")->required();
    command->add_option("--run", args.run, "Run id")->required();
}

void addDeviceOption(CLI::App* command, std::string& device, const std::string& help) {
    std::vector<std::string> names;
    for (const auto& [value, name] : mor::deviceChoiceNames()) {
        names.push_back(name);
    }
    command->add_option("--device", device, help)->check(CLI::IsMember(names));
}
