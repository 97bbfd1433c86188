#pragma once
// The `mor` subcommands. Each returns the process exit code; errors go to stderr.
#include "mor/trainer.h"

#include <cstdint>
#include <string>
#include <vector>

struct TrainArgs {
    std::string config, log, name, device;
    int64_t seed = -1, threads = -1;
    int64_t nproc = 1; ///< > 1: spawn that many local data-parallel workers
    bool json = false, quiet = false;
    std::vector<std::string> tags;
};
struct RunArgs {
    std::string log;
    int64_t run = 0;
    bool json = false;
    int64_t threads = -1;
};

int cmdTrain(const TrainArgs& args);
/// `mor train --nproc N`: runs this command line N times as data-parallel workers on this
/// machine (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set, a free port), like torchrun.
int launchWorkers(int64_t nproc);
int cmdResume(const RunArgs& args);
int cmdEval(const RunArgs& args);
int cmdValidate(const std::string& configPath);
int cmdRuns(const std::string& log, bool json);
int cmdShow(const RunArgs& args);
/// `mor trace`: one input's trace, plain or under an intervention (counterfactual).
struct TraceArgs {
    RunArgs run;
    int64_t sample = 0;
    int64_t step = -1; ///< checkpoint at or before it (plain text: that evaluation's probe trace)
    mor::Intervention intervention;
};
int cmdTrace(const TraceArgs& args);
/// `mor eval --counterfactual`: the counterfactual accuracy table of a checkpoint.
int cmdEvalCounterfactual(const RunArgs& args, int64_t step);
/// --csv DIR (mor::exportRun) and/or --weights FILE in --dtype (float32 | bf16 | fp16 | int8);
/// --compare also reports test accuracy and agreement of the exported weights.
int cmdExport(const RunArgs& args, const std::string& csvDir, const std::string& weights,
              const std::string& dtype = "float32", bool compare = false);

/// Prints "mor: <message>" to stderr and returns the exit code for user errors (2).
int userError(const std::string& message);
