#include "serve_fixture.h"

#include "mor/config.h"
#include "mor/trainer.h"

#include <cstdio>
#include <fstream>
#include <random>

namespace serve_test {

Fixture makeFixture(const std::string& dir, const std::string& strategy) {
    Fixture f;
    f.dir = dir;
    f.csvPath = dir + "/blobs.csv";
    f.logPath = dir + "/serve.sqlite";
    {
        std::ofstream out(f.csvPath);
        out << "alpha,beta,gamma,delta,species\n";
        std::mt19937 rng(7);
        std::normal_distribution<double> noise(0.0, 1.0);
        const char* names[] = {"setosa", "versicolor", "virginica"};
        char line[200];
        for (int i = 0; i < 450; ++i) {
            const int c = i % 3;
            std::snprintf(line, sizeof line, "%.4f,%.4f,%.6f,%.3f,%s\n",
                          100.0 + 8.0 * c + 5.0 * noise(rng), -3.0 * c + 1.5 * noise(rng),
                          0.01 * c + 0.006 * noise(rng), 1000.0 + 50.0 * noise(rng), names[c]);
            out << line;
        }
    }
    mor::ExperimentConfig config;
    config.name = "serve-fixture";
    config.data.kind = mor::DataKind::Csv;
    config.data.path = f.csvPath;
    config.data.probeSize = 8;
    config.model.encoder.hidden = 16;
    mor::parseChoice(strategy, mor::routingStrategyNames(), &config.model.router.strategy);
    config.model.router.topK = 2;
    config.model.router.hidden = 16;
    config.model.experts.clear();
    for (int e = 0; e < 3; ++e) {
        mor::ExpertConfig expert;
        expert.cell = mor::ExpertCell::Gru;
        expert.width = 16;
        expert.maxDepth = 3;
        expert.halting = mor::HaltingRule::Critique;
        expert.haltThreshold = 0.8;
        config.model.experts.push_back(expert);
    }
    config.train.epochs = 4;
    config.train.batchSize = 32;
    config.train.warmupSteps = 5;
    config.train.threads = 1;
    config.train.seed = 3;

    mor::RunOptions options;
    options.logPath = f.logPath;
    const auto outcome = mor::trainExperiment(config, options, nullptr);
    if (outcome.status != "finished") {
        f.error = "training the fixture failed: " + outcome.error;
        return f;
    }
    f.runId = outcome.runId;
    f.raw = mor::readCsv(f.csvPath, "last");
    auto data = mor::loadDataset(config.data, config.train.seed);
    if (!data.ok() || !f.raw.error.empty()) {
        f.error = "reloading the fixture data failed: " + data.error + f.raw.error;
        return f;
    }
    f.dataset = std::move(data.dataset);
    return f;
}

Fixture makeSequenceFixture(const std::string& dir) {
    Fixture f;
    f.dir = dir;
    f.logPath = dir + "/seq.sqlite";
    auto parsed = mor::parseConfig(R"({
        "name": "serve-seq-fixture",
        "data": {"kind": "addition", "digits": 2, "samples": 240, "probe_size": 2},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 16, "heads": 2, "ffn": 32}},
        "train": {"epochs": 2, "batch_size": 32, "learning_rate": 0.003, "warmup_steps": 2,
                  "threads": 1, "eval_every": 10}})");
    if (!parsed.ok()) {
        f.error = "fixture config: " + parsed.message();
        return f;
    }
    mor::RunOptions options;
    options.logPath = f.logPath;
    const auto outcome = mor::trainExperiment(parsed.config, options, nullptr);
    if (outcome.status != "finished") {
        f.error = "training the sequence fixture failed: " + outcome.error;
        return f;
    }
    f.runId = outcome.runId;
    return f;
}

std::vector<float> rawRow(const Fixture& f, int64_t i) {
    const auto n = size_t(f.raw.columns);
    return {f.raw.features.begin() + long(size_t(i) * n),
            f.raw.features.begin() + long(size_t(i + 1) * n)};
}

} // namespace serve_test
