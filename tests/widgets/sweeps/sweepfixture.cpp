// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweepfixture.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/sweep.h"

#include <cmath>

namespace {
/// A NaN metric is one the run does not log (a recursion run logs no FLOPs or expert-steps).
std::map<std::string, double> logged(std::map<std::string, double> values) {
    for (auto it = values.begin(); it != values.end();) {
        it = std::isfinite(it->second) ? std::next(it) : values.erase(it);
    }
    return values;
}
} // namespace

namespace sweepfixture {

SweepWriter::SweepWriter(const std::string& logPath, const std::vector<std::string>& overrides,
                         const std::vector<int64_t>& seeds, const std::string& name)
    : m_path(logPath), m_overrides(overrides), m_seeds(seeds) {
    mor::ExperimentConfig base;
    base.name = name;
    m_base = mor::toJson(base);
    m_log = mor::ExperimentLog::open(logPath, &m_error);
    if (!m_log) {
        return;
    }
    m_store = mor::SweepStore::open(logPath, true, &m_error);
    if (!m_store) {
        return;
    }
    mor::SweepStore::NewSweep sweep;
    sweep.name = name;
    sweep.baseConfigJson = m_base;
    sweep.specJson = "{\"jobs\": 1}";
    for (const std::string& o : overrides) {
        for (int64_t seed : seeds) {
            sweep.entries.emplace_back(o, seed);
        }
    }
    m_sweepId = m_store->createSweep(sweep);
    if (m_sweepId < 0) {
        m_error = m_store->lastError();
    }
}

SweepWriter::~SweepWriter() {
    release();
}

void SweepWriter::release() {
    if (m_store && m_sweepId >= 0 && !m_released) {
        m_log->flush();
        m_store->release(m_sweepId, "finished");
        m_released = true;
    }
}

int64_t SweepWriter::finish(int configuration, int seedIndex, const Metrics& m, int points) {
    if (!ok()) {
        return -1;
    }
    const std::string& overrides = m_overrides[configuration];
    const int64_t seed = m_seeds[seedIndex];
    std::string configJson;
    if (!mor::resolveSweepConfig(m_base, overrides, &configJson, &m_error)) {
        return -1;
    }
    const int64_t index = int64_t(configuration) * int64_t(m_seeds.size()) + seedIndex;
    mor::RunInfo info;
    info.name = "fixture " + mor::overridesLabel(overrides) + " seed=" + std::to_string(seed);
    info.configJson = configJson;
    info.dataset = "parity";
    info.device = "cpu";
    info.seed = seed;
    info.tags = {mor::SweepStore::runTag(m_sweepId, index),
                 "sweep:" + std::to_string(m_sweepId)};
    const int64_t run = m_log->createRun(info);
    if (run < 0) {
        m_error = m_log->lastError();
        return -1;
    }
    for (int p = 1; p <= points; ++p) {
        // A saturating curve towards the test accuracy; seeds wobble a little.
        const double progress = 1.0 - std::exp(-4.0 * p / double(points));
        const double wobble = 0.01 * std::sin(double(p) * (1.0 + double(seedIndex)));
        m_log->logMetrics(run, int64_t(p) * 10,
                          logged({{"val/accuracy", 0.5 + (m.accuracy - 0.5) * progress + wobble},
                                  {"val/flops", m.flops},
                                  {"val/expert_steps", m.expertSteps},
                                  {"train/loss", 1.0 - 0.8 * progress}}));
    }
    m_log->logMetrics(run, int64_t(points) * 10,
                      logged({{"test/accuracy", m.accuracy},
                              {"test/expert_steps", m.expertSteps},
                              {"test/flops", m.flops},
                              {"test/latency_ms", m.latencyMs}}));
    m_log->setStatus(run, "finished");
    m_log->flush();
    return run;
}

void SweepWriter::finishAll(const std::function<Metrics(int, int)>& metrics, int points) {
    for (int c = 0; c < int(m_overrides.size()); ++c) {
        for (int s = 0; s < int(m_seeds.size()); ++s) {
            finish(c, s, metrics(c, s), points);
        }
    }
}

const std::vector<std::string> kGridOverrides = {
    R"({"model.router.top_k": 1, "train.learning_rate": 0.001})",
    R"({"model.router.top_k": 1, "train.learning_rate": 0.003})",
    R"({"model.router.top_k": 2, "train.learning_rate": 0.001})",
    R"({"model.router.top_k": 2, "train.learning_rate": 0.003})"};

Metrics gridMetrics(int c, int s) {
    Metrics m;
    m.accuracy = 0.60 + 0.10 * (c / 2) + 0.01 * (c % 2) + 0.02 * s;
    m.expertSteps = 2.0 * (1 + c / 2) + 0.1 * s;
    m.flops = 1000.0 * m.expertSteps;
    m.latencyMs = 0.5 + 0.1 * c;
    return m;
}

std::string writeFinishedSweep(const std::string& logPath,
                               const std::vector<std::string>& overrides,
                               const std::vector<int64_t>& seeds,
                               const std::function<Metrics(int, int)>& metrics) {
    SweepWriter writer(logPath, overrides, seeds, "grid");
    if (!writer.ok()) {
        return writer.error();
    }
    writer.finishAll(metrics);
    return {};
}

} // namespace sweepfixture
