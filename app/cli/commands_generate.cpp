// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_generate.h"
#include "command_action.h"

#include "mor/batched_generation.h"
#include "mor/run.h"
#include "mor/sequence.h"
#include "mor/trainer.h"
#include "mor/vocabulary.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <unistd.h>
#include <memory>

namespace {

/// Background colours from light (1 recursion) to strong (deepest).
const char* depthColour(int depth, int maxDepth) {
    static const char* const colours[] = {"\x1b[48;5;254m\x1b[38;5;16m", "\x1b[48;5;153m\x1b[38;5;16m",
                                          "\x1b[48;5;75m\x1b[38;5;16m",  "\x1b[48;5;33m\x1b[38;5;231m",
                                          "\x1b[48;5;19m\x1b[38;5;231m"};
    const int levels = 5;
    if (maxDepth <= 1) {
        return colours[0];
    }
    const int index = (depth - 1) * (levels - 1) / (maxDepth - 1);
    return colours[std::max(0, std::min(levels - 1, index))];
}

/// CPU seconds of this process: what a one-thread generation costs, unlike its wall time, does
/// not swing with the other programs on a shared machine (tests/bench/seq_peer_throughput.sh).
double processCpuSeconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

} // namespace

static CLI::App* addGenerateOptions(CLI::App& app, GenerateArgs& args) {
    auto* c = app.add_subcommand(
        "generate", "Sample text from a recursion run; shows how many recursions each token got");
    c->add_option("--log", args.log, "Experiment log")->required();
    c->add_option("--run", args.run, "Run id (a model.family \"recursion\" run)")->required();
    c->add_option("--prompt", args.prompt, "Text to start from");
    c->add_option("--tokens", args.tokens, "Tokens to sample (default 200)")
        ->check(CLI::Range(int64_t(0), int64_t(1000000)));
    c->add_option("--temperature", args.temperature, "Sampling temperature (0 = greedy)")
        ->check(CLI::Range(0.0, 100.0));
    c->add_option("--seed", args.seed, "Random seed");
    c->add_option("--step", args.step, "Checkpoint step (default: the last)");
    c->add_option("--threads", args.threads, "Intra-op threads (default 1)")
        ->check(CLI::Range(int64_t(0), int64_t(1024)));
    c->add_option("--batch", args.batch,
                  "Generate N sequences together (seeds seed..seed+N-1; depth-wise batching: "
                  "each recursion runs only on the tokens that continue to it)")
        ->check(CLI::Range(int64_t(1), int64_t(4096)));
    c->add_flag("--no-cache", args.noCache,
                "Recompute the whole context for every token (no recursion-wise KV cache)");
    c->add_option("--color", args.color, "auto | always | never (auto: colour on a terminal)")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    c->add_flag("--json", args.json, "One JSON object: tokens with depths, tokens/s");
    return c;
}

namespace {

nlohmann::json tokensJson(const std::vector<mor::GeneratedToken>& generated) {
    nlohmann::json tokens = nlohmann::json::array();
    for (const auto& t : generated) {
        tokens.push_back({{"text", t.text}, {"depth", t.depth}, {"prompt", t.prompt}});
    }
    return tokens;
}

/// `--batch N`: every sequence on its own line(s), [token|depth] (or JSON), and the
/// batch's tokens/s.
int printBatch(const GenerateArgs& args, const mor::GenerateOptions& options) {
    const double cpuStart = processCpuSeconds();
    const auto generated = mor::generateBatched(args.log, args.run, options, args.batch);
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    if (!generated) {
        std::fprintf(stderr, "mor: %s\n", generated.error().c_str());
        return 2;
    }
    const mor::BatchedGenerateResult& r = generated.value();
    if (args.json) {
        nlohmann::json sequences = nlohmann::json::array();
        for (const auto& sequence : r.sequences) {
            sequences.push_back(tokensJson(sequence.tokens));
        }
        nlohmann::json j{{"run_id", args.run},
                         {"routing", r.routing},
                         {"max_recursions", r.maxRecursions},
                         {"cache", options.useCache},
                         {"batch", args.batch},
                         {"generated", r.generated},
                         {"seconds", r.seconds},
                         {"cpu_seconds", cpuSeconds},
                         {"tokens_per_second", r.tokensPerSecond},
                         {"mean_depth", r.meanDepth},
                         {"sequences", sequences}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    for (size_t b = 0; b < r.sequences.size(); ++b) {
        std::string out = "# seed " + std::to_string(options.seed + static_cast<int64_t>(b)) + "\n";
        for (const auto& t : r.sequences[b].tokens) {
            out += "[" + mor::displayToken(t.text) + "|" + std::to_string(t.depth) + "]";
            if (t.text == "\n") {
                out += "\n";
            }
        }
        std::cout << out << "\n";
    }
    std::fprintf(stderr,
                 "%lld tokens (%lld sequences) in %.3f s: %.1f tokens/s (%s, depth-wise "
                 "batched), mean depth %.2f of %d (%s routing)\n",
                 static_cast<long long>(r.generated), static_cast<long long>(args.batch),
                 r.seconds, r.tokensPerSecond,
                 options.useCache ? "recursion-wise KV cache" : "no cache", r.meanDepth,
                 r.maxRecursions, r.routing.c_str());
    return 0;
}

} // namespace

int cmdGenerate(const GenerateArgs& args) {
    mor::setThreads(args.threads);
    mor::GenerateOptions options;
    options.prompt = args.prompt;
    options.tokens = args.tokens;
    options.temperature = args.temperature;
    options.seed = args.seed;
    options.useCache = !args.noCache;
    options.step = args.step;
    if (args.batch > 1) {
        return printBatch(args, options);
    }
    double cpuSeconds = 0.0;
    const auto generated = mor::Run::open(args.log, args.run).andThen([&](const mor::Run& run) {
        const double cpuStart = processCpuSeconds();
        auto result = run.generate(options);
        cpuSeconds = processCpuSeconds() - cpuStart;
        return result;
    });
    if (!generated) {
        std::fprintf(stderr, "mor: %s\n", generated.error().c_str());
        return 2;
    }
    const mor::GenerateResult& r = generated.value();
    if (args.json) {
        const nlohmann::json tokens = tokensJson(r.tokens);
        nlohmann::json j{{"run_id", args.run},
                         {"routing", r.routing},
                         {"max_recursions", r.maxRecursions},
                         {"cache", options.useCache},
                         {"generated", r.generated},
                         {"seconds", r.seconds},
                         {"cpu_seconds", cpuSeconds},
                         {"tokens_per_second", r.tokensPerSecond},
                         {"mean_depth", r.meanDepth},
                         {"tokens", tokens}};
        std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return 0;
    }
    const bool colour =
        args.color == "always" || (args.color == "auto" && ::isatty(STDOUT_FILENO) != 0);
    std::string out;
    for (const auto& t : r.tokens) {
        if (colour) {
            out += depthColour(t.depth, r.maxRecursions);
            out += t.text == "\n" ? std::string("\xE2\x86\xB5") : t.text; // ↵
            out += "\x1b[0m";
            if (t.text == "\n") {
                out += "\n";
            }
        } else {
            // Plain when piped: [token|depth], a line break after a newline token.
            out += "[" + mor::displayToken(t.text) + "|" + std::to_string(t.depth) + "]";
            if (t.text == "\n") {
                out += "\n";
            }
        }
    }
    std::cout << out << "\n";
    if (colour) {
        std::cout << "depth: ";
        for (int d = 1; d <= r.maxRecursions; ++d) {
            std::cout << depthColour(d, r.maxRecursions) << " " << d << " " << "\x1b[0m";
        }
        std::cout << "\n";
    }
    std::fprintf(stderr,
                 "%lld tokens in %.3f s: %.1f tokens/s (%s), mean depth %.2f of %d (%s routing)\n",
                 static_cast<long long>(r.generated), r.seconds, r.tokensPerSecond,
                 options.useCache ? "recursion-wise KV cache" : "no cache", r.meanDepth,
                 r.maxRecursions, r.routing.c_str());
    return 0;
}

void registerGenerateCommand(CLI::App& app) {
    auto args = std::make_shared<GenerateArgs>();
    setCommandAction(addGenerateOptions(app, *args), [args] { return cmdGenerate(*args); });
}
