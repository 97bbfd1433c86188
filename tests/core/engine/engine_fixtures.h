#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The engine tests' tiny fixture: one config per model family, as data-driven rows
// ("reflection", "recursion"), shared by tst_engine and tst_best_weights.
#include "mor/config.h"

#include <QString>
#include <QtTest>

namespace engine_fixtures {

inline const char* const kReflection = R"({
    "name": "tiny reflection",
    "data": {"kind": "parity", "length": 6, "samples": 600, "probe_size": 4},
    "model": {"family": "reflection", "encoder": {"hidden": 16},
              "router": {"hidden": 16, "top_k": 1, "balance_weight": 0.0},
              "experts": [{"width": 16, "max_depth": 3}, {"width": 16, "max_depth": 3}]},
    "train": {"epochs": 2, "batch_size": 32, "warmup_steps": 5, "threads": 1, "eval_every": 6}})";

inline const char* const kRecursion = R"({
    "name": "tiny recursion",
    "data": {"kind": "addition", "digits": 2, "samples": 500, "probe_size": 2},
    "model": {"family": "recursion",
              "recursion": {"recursions": 2, "d_model": 16, "heads": 2, "ffn": 32,
                            "embedding_std": 0}},
    "train": {"epochs": 2, "batch_size": 32, "warmup_steps": 5, "threads": 1, "eval_every": 6,
              "learning_rate": 0.003}})";

inline void addFamilyRows() {
    QTest::addColumn<QString>("json");
    QTest::newRow("reflection") << QString::fromUtf8(kReflection);
    QTest::newRow("recursion") << QString::fromUtf8(kRecursion);
}

inline mor::ExperimentConfig configOf(const QString& json) {
    auto parsed = mor::parseConfig(json.toStdString());
    if (!parsed.ok()) {
        qFatal("fixture config: %s", parsed.message().c_str());
    }
    return parsed.config;
}

} // namespace engine_fixtures
