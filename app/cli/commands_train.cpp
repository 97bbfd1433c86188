#include "commands.h"
#include "progress_printer.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/trainer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

int userError(const std::string& message) {
    std::fprintf(stderr, "mor: %s\n", message.c_str());
    return 2;
}

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

} // namespace

int cmdValidate(const std::string& configPath) {
    const auto parsed = mor::loadConfigFile(configPath);
    if (!parsed.ok()) {
        return userError(configPath + ":\n" + parsed.message());
    }
    std::printf("%s: valid\n", configPath.c_str());
    return 0;
}

int cmdTrain(const TrainArgs& args) {
    const auto parsed = mor::loadConfigFile(args.config);
    if (!parsed.ok()) {
        return userError(args.config + ":\n" + parsed.message());
    }
    mor::RunOptions options;
    options.logPath = args.log;
    options.name = args.name;
    options.seed = args.seed;
    options.device = args.device;
    options.threads = args.threads;
    options.tags = args.tags;
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.quiet || args.json);
    return report(mor::trainExperiment(parsed.config, options, &printer), args.json);
}

int cmdResume(const RunArgs& args) {
    std::string error;
    {
        // A run whose process died (kill -9) still says "running": mark it first.
        auto log = mor::ExperimentLog::open(args.log, &error);
        if (!log) {
            return userError(error);
        }
        log->markStaleRunsInterrupted(15000);
    }
    mor::RunOptions options;
    options.threads = args.threads;
    ProgressPrinter::installSignalHandler();
    ProgressPrinter printer(args.json);
    return report(mor::resumeExperiment(args.log, args.run, options, &printer), args.json);
}

int cmdEval(const RunArgs& args) {
    std::string error;
    auto out = mor::evaluateRun(args.log, args.run, &error);
    if (out.status == "failed") {
        return userError(out.error);
    }
    return report(out, args.json);
}
