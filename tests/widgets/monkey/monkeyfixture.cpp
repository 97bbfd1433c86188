#include "monkeyfixture.h"

#include <mor/config.h>
#include <mor/trainer.h>

#include <string>

namespace monkey {
namespace {

// Two experts that reflect up to 3 steps on 6-bit parity: routing, conflicts and traces exist.
const char* kReflection = R"({
    "name": "monkey parity",
    "data": {"kind": "parity", "length": 6, "samples": 200, "probe_size": 4},
    "model": {"encoder": {"hidden": 16}, "router": {"hidden": 16},
              "experts": [{"width": 16, "max_depth": 3}, {"width": 16, "max_depth": 2}]},
    "train": {"epochs": 1, "batch_size": 32, "threads": 1, "eval_every": 2}})";

// A 3-recursion token model on 2-digit addition: token traces for the Sequence tab.
const char* kRecursion = R"({
    "name": "monkey addition",
    "data": {"kind": "addition", "digits": 2, "samples": 200, "probe_size": 3},
    "model": {"family": "recursion",
              "recursion": {"recursions": 3, "d_model": 16, "heads": 2, "ffn": 32}},
    "train": {"epochs": 1, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 2,
              "threads": 1, "eval_every": 2}})";

bool train(const char* json, int64_t seed, const QString& logPath, QString* error) {
    const auto parsed = mor::parseConfig(json);
    if (!parsed.ok()) {
        *error = QString::fromStdString(parsed.message());
        return false;
    }
    mor::RunOptions options;
    options.logPath = logPath.toStdString();
    options.seed = seed;
    options.threads = 1;
    const mor::RunOutcome out = mor::trainExperiment(parsed.config, options, nullptr);
    if (out.status != "finished") {
        *error = QStringLiteral("fixture run %1: %2")
                     .arg(QString::fromStdString(out.status), QString::fromStdString(out.error));
        return false;
    }
    return true;
}

} // namespace

bool writeFixtureLog(const QString& logPath, int perFamily, QString* error) {
    for (int seed = 1; seed <= perFamily; ++seed) {
        if (!train(kReflection, seed, logPath, error) || !train(kRecursion, seed, logPath, error)) {
            return false;
        }
    }
    return true;
}

} // namespace monkey
