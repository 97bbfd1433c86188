// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `mor baseline` (README, "Baselines matched in compute"): from a model's config, a dense,
// MoE or reflection-only baseline whose parameters or FLOPs per input match the model's,
// by widening its experts (or deepening its encoder). `mor sweep --baseline` adds the same
// baseline to every configuration of a sweep.
#include "mor/config.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

struct BaselineSpec {
    std::string kind = "dense"; ///< dense | moe | reflection-only
    std::string match = "params"; ///< params | flops
    bool deepen = false;        ///< solve for model.encoder.layers instead of expert width
    /// flops: match the measured test/flops of this finished run instead of the model's
    /// budget (every expert at its maximum depth).
    std::string targetLog;
    int64_t targetRun = -1;
};

struct BaselineMatch {
    mor::ExperimentConfig config; ///< the baseline
    std::string axis;             ///< "model.experts[*].width" or "model.encoder.layers"
    int64_t value = 0;            ///< the solved width or layer count
    double target = 0.0;          ///< the model's parameters or FLOPs per input
    double achieved = 0.0;        ///< the baseline's
    double ratio() const { return target > 0 ? achieved / target : 0.0; }
    /// The ratios one step below and above the solution (NaN outside the range): the
    /// solution is the closest integer when neither is nearer to 1.
    double ratioBelow = 0.0, ratioAbove = 0.0;
    std::string targetNote;       ///< where the target came from
};

/// Builds and solves the baseline; false with *error when the model or the data is unusable.
bool matchBaseline(const mor::ExperimentConfig& model, const BaselineSpec& spec,
                   BaselineMatch* out, std::string* error);

struct BaselineArgs {
    std::string config, out;
    BaselineSpec spec;
    bool json = false;
};
/// Adds the subcommand, its options and its action to `app` (command_action.h).
void registerBaselineCommand(CLI::App& app);
/// Adds --baseline / --match / --deepen / --target-log / --target-run to a command.
void addBaselineOptions(CLI::App* command, BaselineSpec& spec, bool optionalKind);
int cmdBaseline(const BaselineArgs& args);
