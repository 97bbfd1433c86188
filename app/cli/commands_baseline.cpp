// SPDX-License-Identifier: GPL-3.0-or-later
// Baselines matched in compute: parameters come from countParameters, FLOPs per input from
// the model's own estimate (the evaluation's test/flops, as every run reports it) on a short
// run over a small slice of the data; the baseline's width (or encoder depth) is the integer
// whose count is closest to the model's.
#include "commands_baseline.h"
#include "command_action.h"
#include "commands.h"

#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

namespace {

struct Shape {
    int64_t features = 0, classes = 0, domains = 1;
};

/// A short, deterministic-compute copy of a config: every reflection expert runs its maximum
/// depth (fixed halting), one epoch on a small slice of the data, nothing logged.
mor::ExperimentConfig computeProbe(mor::ExperimentConfig c) {
    for (auto& e : c.model.experts) {
        e.halting = mor::HaltingRule::Fixed;
    }
    c.train.epochs = 1;
    c.train.threads = 1;
    c.train.device = mor::DeviceChoice::Cpu;
    if (c.data.kind == mor::DataKind::Idx || c.data.kind == mor::DataKind::Csv) {
        c.data.limit = c.data.limit > 0 ? std::min<int64_t>(c.data.limit, 2000) : 2000;
    } else {
        c.data.samples = std::min<int64_t>(c.data.samples, 200);
    }
    return c;
}

bool flopsPerInput(const mor::ExperimentConfig& config, double* flops, std::string* error) {
    const mor::ExperimentConfig probe = computeProbe(config);
    mor::RunOptions options; // no log
    const mor::RunOutcome out = mor::trainExperiment(probe, options, nullptr);
    if (out.status != "finished" || !(out.test.flopsPerInput > 0)) {
        *error = "cannot measure FLOPs per input: " +
                 (out.error.empty() ? "the probe run ended " + out.status : out.error);
        return false;
    }
    *flops = out.test.flopsPerInput;
    return true;
}

bool dataShape(const mor::DataConfig& data, int64_t seed, Shape* shape, std::string* error) {
    const mor::DatasetResult d = mor::loadDataset(data, seed);
    if (!d.ok()) {
        *error = d.error;
        return false;
    }
    *shape = {d.dataset.numFeatures, d.dataset.numClasses, d.dataset.numDomains()};
    return true;
}

/// The baseline's structure before solving (README, "Baselines matched in compute").
bool baselineOf(const mor::ExperimentConfig& model, const std::string& kind,
                mor::ExperimentConfig* out, std::string* error) {
    if (model.model.family != mor::Family::Reflection || model.model.experts.empty()) {
        *error = "baselines are built for model.family \"reflection\" with at least one expert";
        return false;
    }
    mor::ExperimentConfig b = model;
    auto oneStep = [](mor::ExpertConfig e) {
        e.maxDepth = 1;
        e.halting = mor::HaltingRule::Fixed;
        e.readFeatures = 0; // one step sees the whole input through the encoder
        return e;
    };
    if (kind == "moe") {
        for (auto& e : b.model.experts) {
            e = oneStep(e);
        }
    } else {
        const mor::ExpertConfig first = model.model.experts.front();
        b.model.experts = {kind == "dense" ? oneStep(first) : first};
        mor::RouterConfig router; // one expert: the routing options have nothing to route
        router.hidden = model.model.router.hidden;
        router.topK = 1;
        b.model.router = router;
    }
    b.name = (model.name.empty() ? std::string("model") : model.name) + " " + kind + " baseline";
    *out = b;
    return true;
}

} // namespace

bool matchBaseline(const mor::ExperimentConfig& model, const BaselineSpec& spec,
                   BaselineMatch* out, std::string* error) {
    mor::ExperimentConfig base;
    if (!baselineOf(model, spec.kind, &base, error)) {
        return false;
    }
    Shape shape;
    if (!dataShape(model.data, model.train.seed, &shape, error)) {
        return false;
    }
    auto apply = [&](int64_t v) {
        mor::ExperimentConfig c = base;
        if (spec.deepen) {
            c.model.encoder.layers = v;
        } else {
            for (auto& e : c.model.experts) {
                e.width = v;
            }
        }
        return c;
    };
    std::map<int64_t, double> memo;
    std::string measureError;
    auto measure = [&](int64_t v) -> double {
        if (auto it = memo.find(v); it != memo.end()) {
            return it->second;
        }
        const mor::ExperimentConfig c = apply(v);
        double value = -1.0;
        if (spec.match == "params") {
            value = double(mor::countParameters(c, shape.features, shape.classes, shape.domains));
        } else if (!flopsPerInput(c, &value, &measureError)) {
            value = -1.0;
        }
        memo[v] = value;
        return value;
    };

    // The target.
    if (spec.match == "params") {
        out->target =
            double(mor::countParameters(model, shape.features, shape.classes, shape.domains));
        out->targetNote = "the model's trainable parameters";
    } else if (spec.targetRun >= 0) {
        auto reader = mor::LogReader::open(spec.targetLog);
        if (!reader) {
            *error = reader.error();
            return false;
        }
        const auto metrics = reader->lastMetrics(spec.targetRun);
        const auto it = metrics.find("test/flops");
        if (it == metrics.end() || !(it->second > 0)) {
            *error = "run " + std::to_string(spec.targetRun) + " of " + spec.targetLog +
                     " has no test/flops metric (is it finished?)";
            return false;
        }
        out->target = it->second;
        out->targetNote = "test/flops of run " + std::to_string(spec.targetRun) + " in " +
                          spec.targetLog + " (measured, adaptive depth)";
    } else {
        if (!flopsPerInput(model, &out->target, error)) {
            return false;
        }
        out->targetNote = "the model's FLOPs per input with every expert at its maximum depth";
    }

    // Solve: the metric grows with the width / the layer count; find the integer closest
    // to the target in ratio.
    const int64_t lo0 = 1;
    const int64_t hi0 = spec.deepen ? 16 : 8192; // the config's limits on layers and width
    int64_t lo = lo0, hi = spec.deepen ? std::max<int64_t>(2, base.model.encoder.layers)
                                         : std::max<int64_t>(2, base.model.experts[0].width);
    while (hi < hi0 && measure(hi) >= 0 && measure(hi) < out->target) {
        lo = hi;
        hi = std::min(hi0, hi * 2);
    }
    if (measure(hi) < 0 || measure(lo) < 0) {
        *error = measureError.empty() ? "cannot measure the baseline" : measureError;
        return false;
    }
    while (hi - lo > 1) { // invariant: the answer lies in [lo, hi]
        const int64_t mid = lo + (hi - lo) / 2;
        const double m = measure(mid);
        if (m < 0) {
            *error = measureError;
            return false;
        }
        (m < out->target ? lo : hi) = mid;
    }
    const auto distance = [&](int64_t v) { return std::fabs(std::log(measure(v) / out->target)); };
    out->value = distance(lo) <= distance(hi) ? lo : hi;
    out->achieved = measure(out->value);
    const auto ratioAt = [&](int64_t v) {
        const double m = v >= lo0 && v <= hi0 ? measure(v) : -1.0;
        return m > 0 ? m / out->target : std::nan("");
    };
    out->ratioBelow = ratioAt(out->value - 1);
    out->ratioAbove = ratioAt(out->value + 1);
    out->config = apply(out->value);
    out->axis = spec.deepen ? "model.encoder.layers" : "model.experts[*].width";
    const auto errors = mor::validateConfig(out->config);
    if (!errors.empty()) {
        *error = "the " + spec.kind + " baseline is not a valid config: " + errors.front().message;
        return false;
    }
    return true;
}

void addBaselineOptions(CLI::App* c, BaselineSpec& spec, bool optionalKind) {
    auto* kind = c->add_option("--baseline", spec.kind,
                               "dense (one expert, one step) | moe (every expert, one step) | "
                               "reflection-only (one expert, its depth and halting)")
                     ->check(CLI::IsMember({"dense", "moe", "reflection-only"}));
    if (!optionalKind) {
        kind->required();
    }
    c->add_option("--match", spec.match,
                  "params (trainable parameters) | flops (FLOPs per input; default target: "
                  "every expert at its maximum depth)")
        ->check(CLI::IsMember({"params", "flops"}));
    c->add_flag("--deepen", spec.deepen,
                "Solve for model.encoder.layers instead of the experts' width (--widen)");
    c->add_flag("--widen", "Solve for the experts' width (the default)");
    c->add_option("--target-log", spec.targetLog, "--match flops: log of a finished run");
    c->add_option("--target-run", spec.targetRun,
                  "--match flops: match that run's measured test/flops instead");
}

static CLI::App* addBaselineOptions(CLI::App& app, BaselineArgs& args) {
    auto* c = app.add_subcommand(
        "baseline", "Write a dense / MoE / reflection-only baseline matched to a model's "
                    "parameters or FLOPs per input");
    c->add_option("--config", args.config, "The model's experiment config (JSON)");
    c->add_option("file", args.config, "The same as --config FILE");
    addBaselineOptions(c, args.spec, false);
    c->add_option("--out", args.out, "Write the baseline config here (default: stdout)");
    c->add_flag("--json", args.json, "Print one JSON object with the match last");
    return c;
}

int cmdBaseline(const BaselineArgs& args) {
    if (args.config.empty()) {
        return userError("baseline: give the model's config (mor baseline --config MODEL.json)");
    }
    if (args.spec.targetRun >= 0 && (args.spec.targetLog.empty() || args.spec.match != "flops")) {
        return userError("--target-run needs --target-log LOG and --match flops");
    }
    const mor::ConfigParseResult parsed = mor::loadConfigFile(args.config);
    if (!parsed.ok()) {
        return userError(args.config + ":\n" + parsed.message());
    }
    BaselineMatch match;
    std::string error;
    if (!matchBaseline(parsed.config, args.spec, &match, &error)) {
        return userError(args.config + ": " + error);
    }
    const std::string configJson = mor::toJson(match.config);
    if (!args.out.empty()) {
        std::ofstream out(args.out);
        out << configJson << "\n";
        if (!out) {
            return userError("cannot write " + args.out);
        }
    } else if (!args.json) {
        std::cout << configJson << "\n";
    }
    const char* unit = args.spec.match == "params" ? "parameters" : "FLOPs per input";
    if (args.json) {
        nlohmann::ordered_json j{{"baseline", args.spec.kind}, {"match", args.spec.match},
                                 {"axis", match.axis},        {"value", match.value},
                                 {"target", match.target},    {"achieved", match.achieved},
                                 {"ratio", match.ratio()},
                                 {"ratio_below", std::isfinite(match.ratioBelow)
                                                     ? nlohmann::ordered_json(match.ratioBelow)
                                                     : nlohmann::ordered_json(nullptr)},
                                 {"ratio_above", std::isfinite(match.ratioAbove)
                                                     ? nlohmann::ordered_json(match.ratioAbove)
                                                     : nlohmann::ordered_json(nullptr)},
                                 {"target_from", match.targetNote},
                                 {"config", args.out}};
        std::cout << j.dump() << std::endl;
    } else {
        std::fprintf(stderr, "%s baseline: %s = %lld; %s %.0f vs %.0f (%s), ratio %.4f\n",
                     args.spec.kind.c_str(), match.axis.c_str(), (long long)match.value, unit,
                     match.achieved, match.target, match.targetNote.c_str(), match.ratio());
    }
    return 0;
}

void registerBaselineCommand(CLI::App& app) {
    auto args = std::make_shared<BaselineArgs>();
    setCommandAction(addBaselineOptions(app, *args), [args] { return cmdBaseline(*args); });
}
