#pragma once
// `mor generate`: sample text from a Mixture-of-Recursions run, showing each token's depth.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

struct GenerateArgs {
    std::string log;
    int64_t run = 0;
    std::string prompt;
    int64_t tokens = 200;
    double temperature = 0.8;
    int64_t seed = 1;
    int64_t step = -1;
    int64_t threads = 1;
    int64_t batch = 1; ///< > 1: that many seeds together, depth-wise batched
    bool noCache = false;
    bool json = false;
    std::string color = "auto"; ///< auto | always | never
};

/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerGenerateCommand(CLI::App& app);
int cmdGenerate(const GenerateArgs& args);
