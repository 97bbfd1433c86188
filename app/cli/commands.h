#pragma once
// The `mor` subcommands of commands_train.cpp, commands_inspect.cpp and commands_trace.cpp.
// Each cmd… returns the process exit code; errors go to stderr. Every command file registers
// its subcommands with a register…(CLI::App&) function (command_action.h).
#include "command_action.h"

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

/// `train`, `resume` and `eval` (commands_train.cpp).
void registerTrainCommands(CLI::App& app);
/// `runs`, `show` and `export` (commands_inspect.cpp).
void registerInspectCommands(CLI::App& app);
/// `trace` (commands_trace.cpp).
void registerTraceCommand(CLI::App& app);
/// --log (required) and --run (required) of a command on one logged run.
void addRunOptions(CLI::App* command, RunArgs& args);
/// --device into `device`: one of train.device's JSON names (cpu, cuda, auto); another text
/// is refused by CLI11 with the allowed names. "" (not given) keeps the config's.
void addDeviceOption(CLI::App* command, std::string& device, const std::string& help);

int cmdTrain(const TrainArgs& args);
int cmdResume(const RunArgs& args);
int cmdEval(const RunArgs& args);
int cmdRuns(const std::string& log, bool json);
int cmdShow(const RunArgs& args);
/// `mor trace`: one input's trace, plain or under an intervention (counterfactual).
struct TraceArgs {
    RunArgs run;
    int64_t sample = -1; ///< -1: not given (required but for --text)
    int64_t step = -1; ///< checkpoint at or before it (plain text: that evaluation's probe trace)
    std::string text;  ///< recursion runs: typed text traced through the checkpoint
    mor::Intervention intervention;
};
int cmdTrace(const TraceArgs& args);
namespace mor {
class LogReader;
class Run;
} // namespace mor
/// `mor trace` on a recursion run (commands_trace_tokens.cpp): --text or a logged --sample.
int cmdTraceTokens(const TraceArgs& args, const mor::LogReader& reader, const mor::Run& run);
/// `mor eval --counterfactual`: the counterfactual accuracy table of a checkpoint.
int cmdEvalCounterfactual(const RunArgs& args, int64_t step);
/// --csv DIR (mor::exportRun) and/or --weights FILE in --dtype (float32 | bf16 | fp16 | int8);
/// --compare also reports test accuracy and agreement of the exported weights.
int cmdExport(const RunArgs& args, const std::string& csvDir, const std::string& weights,
              const std::string& dtype = "float32", bool compare = false);
