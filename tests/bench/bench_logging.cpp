// Item 4 of issue 8: training throughput with full logging against no log.
// The same config is trained alternately with a log (metrics, traces, routing snapshots,
// checkpoints) and without; the figure is the median of the per-pair time ratios.
#include "benchutil.h"

#include "mor/config.h"
#include "mor/trainer.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

int main(int argc, char** argv)
{
    const int reps = argc > 1 ? std::atoi(argv[1]) : 5;
    const std::string item = "4 logging overhead";
    guarded(item, "training time, full log / no log", [&] {
        const auto parsed = loadConfigFile(sourcePath("tests/bench/configs/logging.json"));
        if (!parsed.ok()) {
            throw std::runtime_error(parsed.message());
        }
        const ExperimentConfig config = parsed.config;
        const std::string logPath = binaryPath("bench/logging_overhead.morlog");
        std::filesystem::create_directories(binaryPath("bench"));
        std::filesystem::remove(logPath);
        std::filesystem::remove_all(logPath + ".checkpoints");

        double samples = 0.0;
        auto train = [&](bool withLog) {
            RunOptions options;
            options.threads = 2;
            if (withLog) {
                options.logPath = logPath;
            }
            const double start = now();
            const RunOutcome outcome = trainExperiment(config, options, nullptr);
            const double seconds = now() - start;
            if (outcome.status != "finished") {
                throw std::runtime_error("training " + outcome.status + ": " + outcome.error);
            }
            samples = double(outcome.steps) * double(config.train.batchSize);
            return seconds;
        };
        train(false); // warm-up: first-touch allocations, thread pool
        const PairedTimes times = alternate(reps, [&] { return train(true); },
                                            [&] { return train(false); });
        const double ratio = times.medianRatio();
        row(item, "training time, full log / no log", "<= 1.05", format("%.3f", ratio),
            verdict(ratio <= 1.05),
            format("median of %d alternated pairs; %.0f vs %.0f samples/s", reps,
                   samples / times.medianA(), samples / times.medianB()));
    });
    return 0;
}
