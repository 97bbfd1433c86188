// Item 7 of issue 8: the quality table. Dense (1 expert, 1 step), MoE (4 experts, 1 step),
// reflection only (1 expert, T steps) and MoR (4 experts, T steps) trained on parity, the
// mixed-domain set, a CSV set (wine) and Fashion-MNIST, through the public trainer API with no
// log. Configs: tests/bench/configs/quality/<data>_<variant>.json.
// Besides @@ROW lines it prints "@@QUALITY data variant accuracy params steps s/epoch" lines
// from which run.sh builds the quality table.
#include "benchutil.h"

#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/trainer.h"

#include <iostream>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

int main(int argc, char** argv)
{
    const std::string item = "7 quality";
    const std::vector<std::string> data{"parity", "mixed", "wine", "fashion"};
    const std::vector<std::string> variants{"dense", "moe", "reflection", "mor"};
    for (const std::string& d : data) {
        for (const std::string& v : variants) {
            const std::string name = d + " / " + v;
            guarded(item, name, [&] {
                const std::string path = sourcePath("tests/bench/configs/quality/" + d + "_" + v
                                                    + ".json");
                const auto parsed = loadConfigFile(path);
                if (!parsed.ok()) {
                    throw std::runtime_error(parsed.message());
                }
                const auto errors = validateConfig(parsed.config);
                if (!errors.empty()) {
                    throw std::runtime_error(errors.front().field + ": " + errors.front().message);
                }
                const ExperimentConfig& config = parsed.config;
                RunOptions options;
                options.threads = 2;
                const RunOutcome outcome = trainExperiment(config, options, nullptr);
                if (outcome.status != "finished") {
                    throw std::runtime_error("training " + outcome.status + ": " + outcome.error);
                }
                const double perEpoch = outcome.seconds / double(config.train.epochs);
                row(item, name, "(table)", format("%.1f%%", 100.0 * outcome.test.accuracy),
                    "info",
                    format("test accuracy; %lld parameters, %.2f expert-steps/input, "
                           "%.2f s/epoch",
                           (long long)outcome.parameters, outcome.test.expertStepsPerInput,
                           perEpoch));
                std::cout << "@@QUALITY\t" << d << '\t' << v << '\t'
                          << format("%.4f", outcome.test.accuracy) << '\t' << outcome.parameters
                          << '\t' << format("%.3f", outcome.test.expertStepsPerInput) << '\t'
                          << format("%.3f", perEpoch) << std::endl;
            });
        }
    }
    return 0;
}
