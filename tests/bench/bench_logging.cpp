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
    const int reps = argc > 1 ? std::atoi(argv[1]) : 9;
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
        auto train = [&](bool withLog, bool traces) {
            RunOptions options;
            options.threads = 2;
            if (withLog) {
                options.logPath = logPath;
            }
            ExperimentConfig c = config;
            c.train.logTraces = traces;
            const double start = now();
            const RunOutcome outcome = trainExperiment(c, options, nullptr);
            const double seconds = now() - start;
            if (outcome.status != "finished") {
                throw std::runtime_error("training " + outcome.status + ": " + outcome.error);
            }
            samples = double(outcome.steps) * double(config.train.batchSize);
            std::cerr << (withLog ? (traces ? "full log" : "metrics log") : "no log") << ": "
                      << seconds << " s (trainer: " << outcome.seconds << " s), test accuracy "
                      << outcome.test.accuracy << "\n";
            return seconds;
        };
        train(false, true); // warm-up: first-touch allocations, thread pool
        // Three variants, rotated each repetition so machine drift hits all alike.
        std::vector<double> full, metricsOnly, none;
        for (int r = 0; r < reps; ++r) {
            for (int k = 0; k < 3; ++k) {
                switch ((r + k) % 3) {
                case 0: full.push_back(train(true, true)); break;
                case 1: metricsOnly.push_back(train(true, false)); break;
                default: none.push_back(train(false, true)); break;
                }
            }
        }
        auto ratio = [](const std::vector<double>& a, const std::vector<double>& b) {
            std::vector<double> r;
            for (size_t i = 0; i < a.size(); ++i) {
                r.push_back(a[i] / b[i]);
            }
            return median(r);
        };
        const double fullRatio = ratio(full, none);
        const double metricsRatio = ratio(metricsOnly, none);
        row(item, "training time, full log / no log", "<= 1.03", format("%.3f", fullRatio),
            verdict(fullRatio <= 1.03),
            format("median of %d rotated repetitions; %.0f vs %.0f samples/s; full = metrics, "
                   "probe traces, routing snapshots and a checkpoint at every evaluation "
                   "(every epoch), %lld optimizer steps per run",
                   reps, samples / median(full), samples / median(none),
                   (long long)(samples / config.train.batchSize)));
        row(item, "training time, log without traces / no log", "(diagnostic)",
            format("%.3f", metricsRatio), "info",
            "train.log_traces = false: metrics, samples and checkpoints only");
    });
    return 0;
}
