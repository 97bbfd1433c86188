// SPDX-License-Identifier: GPL-3.0-or-later
// `mor sweep` and `mor sweeps` (README, "Sweeps"): what to run, checked before anything
// starts, the sweep in the log, and its summary over seeds.
#include "commands_sweep.h"
#include "command_action.h"
#include "commands.h"
#include "sweep_slurm.h"
#include "sweep_workers.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/sweep.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>
#include <sstream>
#include <thread>

namespace {

using Json = nlohmann::json;

bool readFile(const std::string& path, std::string* text, std::string* error) {
    std::ifstream in(path);
    if (!in) {
        *error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    *text = buffer.str();
    return true;
}

/// "1,2,3" or "1-5" (inclusive) or a mix: non-negative seeds, no repeats.
bool parseSeeds(const std::string& text, std::vector<int64_t>* seeds, std::string* error) {
    seeds->clear();
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        long long a = 0, b = 0;
        char dash = 0;
        std::istringstream p(part);
        if (!(p >> a) || a < 0) {
            *error = "--seeds " + text + ": \"" + part + "\" is not a seed (e.g. 1,2,3 or 1-5)";
            return false;
        }
        b = a;
        if (p >> dash) {
            if (dash != '-' || !(p >> b) || b < a) {
                *error = "--seeds " + text + ": \"" + part + "\" is not a range such as 1-5";
                return false;
            }
        }
        for (long long s = a; s <= b; ++s) {
            if (std::find(seeds->begin(), seeds->end(), s) != seeds->end()) {
                *error = "--seeds " + text + ": seed " + std::to_string(s) + " appears twice";
                return false;
            }
            seeds->push_back(s);
        }
    }
    if (seeds->empty()) {
        *error = "--seeds: give at least one seed";
        return false;
    }
    return true;
}

/// Output keeps the documented key order (sweep_id first, params first in a group).
using OrderedJson = nlohmann::ordered_json;

OrderedJson intervalJson(const mor::MeanInterval& m) {
    auto num = [](double v) { return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr); };
    return OrderedJson{{"mean", num(m.mean)},
                       {"ci95", std::isfinite(m.low) ? OrderedJson::array({m.low, m.high})
                                                     : OrderedJson(nullptr)}};
}

OrderedJson summaryJson(const mor::SweepSummary& s, const std::string& status) {
    OrderedJson groups = OrderedJson::array();
    for (const mor::SweepGroup& g : s.groups) {
        groups.push_back({{"params", OrderedJson::parse(g.paramsJson, nullptr, false)},
                          {"n", g.n},
                          {"run_ids", g.runIds},
                          {"test_accuracy", intervalJson(g.testAccuracy)},
                          {"expert_steps_per_input", intervalJson(g.expertSteps)},
                          {"flops_per_input", intervalJson(g.flops)},
                          {"seconds", intervalJson(g.seconds)}});
    }
    return OrderedJson{{"sweep_id", s.sweepId}, {"status", status}, {"runs", s.runs},
                {"finished", s.finished}, {"groups", groups}};
}

std::string plusMinus(const mor::MeanInterval& m, const char* format) {
    if (!std::isfinite(m.mean)) {
        return "-";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, format, m.mean);
    std::string out = buf;
    if (std::isfinite(m.low)) {
        std::snprintf(buf, sizeof buf, format, m.halfWidth());
        out += std::string(" ± ") + buf;
    }
    return out;
}

void printSummary(const mor::SweepSummary& s, const std::string& status) {
    std::printf("\nsweep %lld (%s): %lld of %lld runs finished; mean ± half-width of the 95%% "
                "Student-t interval over seeds\n",
                (long long)s.sweepId, status.c_str(), (long long)s.finished, (long long)s.runs);
    size_t width = 6;
    for (const auto& g : s.groups) {
        width = std::max(width, mor::overridesLabel(g.paramsJson).size());
    }
    std::printf("%-*s %3s  %-20s %-20s %s\n", int(width), "params", "n", "test accuracy",
                "expert-steps/input", "seconds");
    for (const auto& g : s.groups) {
        const std::string label = mor::overridesLabel(g.paramsJson);
        std::printf("%-*s %3lld  %s %s %s\n", int(width),
                    label.empty() ? "(base)" : label.c_str(), (long long)g.n,
                    padded(plusMinus(g.testAccuracy, "%.4f"), 20).c_str(),
                    padded(plusMinus(g.expertSteps, "%.2f"), 20).c_str(),
                    plusMinus(g.seconds, "%.1f").c_str());
    }
}

int finish(mor::SweepStore& store, int64_t sweepId, const std::string& status, bool json) {
    const mor::SweepSummary summary = store.summary(sweepId);
    if (json) {
        std::cout << summaryJson(summary, status).dump() << std::endl;
    } else {
        printSummary(summary, status);
    }
    if (status == "stopped") {
        return 130;
    }
    return status == "finished" ? 0 : 1;
}

int64_t defaultThreads(int64_t jobs) {
    const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
    return std::max<int64_t>(1, cores / std::max<int64_t>(1, jobs));
}

int resumeSweep(const SweepArgs& args) {
    if (!args.config.empty() || !args.grid.empty() || !args.list.empty() ||
        !args.seeds.empty()) {
        return userError("--resume takes the sweep as it was defined: leave out --config, "
                         "--grid, --list and --seeds");
    }
    if (!std::filesystem::exists(args.log)) {
        return userError("no experiment log at " + args.log);
    }
    std::string error;
    auto store = mor::SweepStore::open(args.log, true, &error);
    if (!store) {
        return userError(error);
    }
    const auto info = store->sweep(args.resume);
    if (!info) {
        return userError("there is no sweep " + std::to_string(args.resume) + " in " + args.log);
    }
    if (!store->claim(args.resume, &error)) {
        return userError(error);
    }
    const Json spec = Json::parse(info->specJson, nullptr, false);
    SweepPlan plan;
    plan.log = args.log;
    plan.sweepId = args.resume;
    // Entries still to run train as those before them did, whatever default changed since.
    plan.baseConfigJson = mor::withStoredDefaults(info->baseConfigJson, info->createdMs);
    plan.runName = info->name;
    const int64_t specJobs = spec.is_object() ? spec.value("jobs", int64_t(1)) : int64_t(1);
    plan.jobs = args.jobs > 0 ? args.jobs : std::max<int64_t>(1, specJobs);
    const int64_t specThreads = spec.is_object() ? spec.value("threads", int64_t(-1)) : -1;
    plan.threads = args.threads >= 0 ? args.threads
                   : specThreads >= 0 ? specThreads
                                      : defaultThreads(plan.jobs);
    plan.device = !args.device.empty() ? args.device
                  : spec.is_object()   ? spec.value("device", std::string())
                                       : std::string();
    plan.quiet = args.json;
    const std::string status = runSweepWorkers(*store, plan);
    store->release(args.resume, status);
    return finish(*store, args.resume, status, args.json);
}

/// --baseline: for each configuration, its matched baseline as one more configuration (the
/// configuration's data / train overrides kept, its model replaced).
bool addBaselines(const std::string& baseJson, const BaselineSpec& spec,
                  std::vector<std::string>* overrides, std::string* error) {
    std::set<std::string> seen;
    for (const std::string& o : *overrides) {
        seen.insert(Json::parse(o).dump());
    }
    std::vector<std::string> added;
    for (const std::string& o : *overrides) {
        std::string configJson;
        if (!mor::resolveSweepConfig(baseJson, o, &configJson, error)) {
            return false;
        }
        std::fprintf(stderr, "sweep: matching a %s baseline in %s to %s ...\n",
                     spec.kind.c_str(), spec.match.c_str(),
                     mor::overridesLabel(o).empty() ? "the base config"
                                                    : mor::overridesLabel(o).c_str());
        BaselineMatch match;
        if (!matchBaseline(mor::parseConfig(configJson).config, spec, &match, error)) {
            return false;
        }
        Json b = Json::object();
        const Json overridesOfModel = Json::parse(o); // items() must not outlive it
        for (const auto& [key, value] : overridesOfModel.items()) {
            if (key != "model" && key != "name" && key.rfind("model.", 0) != 0) {
                b[key] = value;
            }
        }
        b["model"] = Json::parse(mor::toJson(match.config))["model"];
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.3f", match.ratio());
        b["name"] = match.config.name + " (" + spec.match + " ratio " + ratio + ", " +
                    match.axis + "=" + std::to_string(match.value) + ")";
        std::fprintf(stderr, "sweep: %s\n", b["name"].get<std::string>().c_str());
        if (seen.insert(b.dump()).second) {
            added.push_back(b.dump());
        }
    }
    overrides->insert(overrides->end(), added.begin(), added.end());
    return true;
}

/// "GROUP:INDEX:TOTAL" -> {"group", "index", "total"}.
bool parseSlurmTask(const std::string& text, Json* out, std::string* error) {
    const size_t a = text.find(':'), b = text.rfind(':');
    try {
        if (a == std::string::npos || a == b) {
            throw std::invalid_argument(text);
        }
        *out = Json{{"group", text.substr(0, a)},
                    {"index", std::stoll(text.substr(a + 1, b - a - 1))},
                    {"total", std::stoll(text.substr(b + 1))}};
        return true;
    } catch (const std::exception&) {
        *error = "--slurm-task " + text + ": expected GROUP:INDEX:TOTAL";
        return false;
    }
}

} // namespace

static CLI::App* addSweepOptions(CLI::App& app, SweepArgs& args) {
    auto* c = app.add_subcommand(
        "sweep", "Run a grid (or list) of config overrides x seeds as parallel worker "
                 "processes into one log; or resume a sweep");
    c->add_option("--config", args.config, "Base experiment config (JSON)");
    c->add_option("--log", args.log, "Experiment log (SQLite; created if missing)")->required();
    c->add_option("--grid", args.grid,
                  "KEY=V1,V2,... over a dotted config path, e.g. model.router.top_k=1,2 or "
                  "model.experts[0].max_depth=2,4 (repeatable: the product is run)");
    c->add_option("--list", args.list,
                  "JSON file: an array of override objects {\"dotted.key\": value, ...}");
    c->add_option("--seeds", args.seeds, "Seeds, e.g. 1,2,3 or 1-5 (default: the config's)");
    c->add_option("--jobs", args.jobs, "Worker processes at once")->check(CLI::Range(1, 256));
    c->add_option("--threads", args.threads, "Intra-op threads per worker (default: cores / jobs)")
        ->check(CLI::Range(0, 1024));
    addDeviceOption(c, args.device, "cpu | cuda | auto for every run");
    c->add_option("--name", args.name, "Sweep name (default: the base config's name)");
    c->add_option("--resume", args.resume, "Sweep id: run what it is missing, resume its "
                                           "interrupted runs");
    c->add_flag("--json", args.json, "Progress on stderr; the summary as one JSON object last");
    c->add_flag("--dry-run", args.dryRun, "Check every configuration and list the runs; run none");
    c->add_option("--emit", args.emit,
                  "slurm DIR: write a SLURM job array (one task per run, each with its own "
                  "log) and a merge script to DIR instead of running")
        ->expected(2);
    c->add_option("--slurm-task", args.slurmTask, "GROUP:INDEX:TOTAL (written by --emit slurm)")
        ->group("");
    args.baseline.kind.clear(); // no baseline unless --baseline is given
    addBaselineOptions(c, args.baseline, true);
    c->add_flag("--baselines-only", args.baselinesOnly,
                "With --baseline: run only the matched baselines (the models run in another "
                "sweep)");
    return c;
}

static CLI::App* addSweepsOptions(CLI::App& app, SweepsArgs& args) {
    auto* c = app.add_subcommand("sweeps", "List the sweeps of a log with their progress");
    c->add_option("--log", args.log, "Experiment log")->required();
    c->add_option("--sweep", args.sweep, "Print this sweep's summary over seeds instead");
    c->add_flag("--json", args.json, "JSON output");
    return c;
}

int cmdSweep(const SweepArgs& args) {
    if (args.resume >= 0) {
        return resumeSweep(args);
    }
    if (args.config.empty()) {
        return userError("sweep: --config BASE.json is required (or --resume ID)");
    }
    if (!args.grid.empty() && !args.list.empty()) {
        return userError("sweep: give either --grid or --list, not both");
    }
    std::string baseJson, error;
    if (!readFile(args.config, &baseJson, &error)) {
        return userError(error);
    }
    if (Json::parse(baseJson, nullptr, false).is_discarded()) {
        const auto parsed = mor::parseConfig(baseJson); // names line and column
        return userError(args.config + ":\n" + parsed.message());
    }
    // What to run.
    std::vector<std::string> overrides{"{}"};
    Json spec{{"base_path", args.config}};
    if (!args.grid.empty()) {
        std::vector<mor::SweepAxis> axes;
        Json grid = Json::array();
        for (const std::string& g : args.grid) {
            mor::SweepAxis axis;
            if (!mor::parseGridArgument(g, &axis, &error)) {
                return userError(error);
            }
            Json values = Json::array();
            for (const auto& v : axis.valuesJson) {
                values.push_back(Json::parse(v));
            }
            grid.push_back({{"key", axis.key}, {"values", values}});
            axes.push_back(axis);
        }
        overrides = mor::expandGrid(axes);
        spec["grid"] = grid;
    } else if (!args.list.empty()) {
        std::string listText;
        if (!readFile(args.list, &listText, &error)) {
            return userError(error);
        }
        if (!mor::parseOverrideList(listText, &overrides, &error)) {
            return userError(args.list + ": " + error);
        }
        spec["list"] = Json::parse(listText);
    }
    std::set<std::string> distinct;
    for (const std::string& o : overrides) {
        if (!distinct.insert(Json::parse(o).dump()).second) {
            return userError("the configuration " + mor::overridesLabel(o) +
                             " appears twice in the sweep");
        }
    }
    // Every configuration must be valid before anything starts.
    std::string configJson, firstConfig;
    for (const std::string& o : overrides) {
        if (!mor::resolveSweepConfig(baseJson, o, &configJson, &error)) {
            return userError(args.config + ": " + error);
        }
        if (firstConfig.empty()) {
            firstConfig = configJson;
        }
    }
    if (args.baselinesOnly && args.baseline.kind.empty()) {
        return userError("--baselines-only needs --baseline dense|moe|reflection-only");
    }
    if (!args.baseline.kind.empty()) {
        const size_t models = overrides.size();
        if (!addBaselines(baseJson, args.baseline, &overrides, &error)) {
            return userError(args.config + ": --baseline " + args.baseline.kind + ": " + error);
        }
        if (args.baselinesOnly) {
            overrides.erase(overrides.begin(), overrides.begin() + static_cast<long>(models));
        }
    }
    if (!args.emit.empty() && args.emit.front() != "slurm") {
        return userError("--emit " + args.emit.front() +
                         ": only \"slurm\" is known (--emit slurm DIR)");
    }
    if (!args.slurmTask.empty()) {
        Json task;
        if (!parseSlurmTask(args.slurmTask, &task, &error)) {
            return userError(error);
        }
        spec["slurm"] = task;
    }
    std::vector<int64_t> seeds;
    if (args.seeds.empty()) {
        seeds.push_back(mor::parseConfig(firstConfig).config.train.seed);
    } else if (!parseSeeds(args.seeds, &seeds, &error)) {
        return userError(error);
    }
    const int64_t jobs = std::max<int64_t>(1, args.jobs);
    const int64_t threads = args.threads >= 0 ? args.threads : defaultThreads(jobs);
    spec["seeds"] = seeds;
    spec["jobs"] = jobs;
    spec["threads"] = threads;
    spec["device"] = args.device;

    if (args.dryRun) {
        for (const std::string& o : overrides) {
            const std::string label = mor::overridesLabel(o);
            std::printf("%s x %zu seeds\n", label.empty() ? "(base config)" : label.c_str(),
                        seeds.size());
        }
        std::printf("%zu runs; every configuration is valid\n", overrides.size() * seeds.size());
        return 0;
    }
    const std::string configName = mor::parseConfig(firstConfig).config.name;
    const std::string sweepName =
        !args.name.empty() ? args.name : configName.empty() ? "sweep" : configName;
    if (!args.emit.empty()) {
        SlurmArray array;
        array.dir = args.emit.back();
        array.name = sweepName;
        array.baseJson = baseJson;
        for (const std::string& o : overrides) {
            for (int64_t seed : seeds) {
                array.entries.emplace_back(Json::parse(o).dump(), seed);
            }
        }
        array.jobs = args.jobs;
        array.threads = args.threads >= 0 ? std::max<int64_t>(1, args.threads) : 1;
        array.device = args.device;
        if (!writeSlurmArray(array, &error)) {
            return userError(error);
        }
        std::printf("%zu runs as a SLURM job array in %s:\n  sbatch %s/job.sbatch\n  then "
                    "%s/merge.sh  (mor merge of the task logs into %s/merged.sqlite)\n",
                    array.entries.size(), array.dir.c_str(), array.dir.c_str(),
                    array.dir.c_str(), array.dir.c_str());
        return 0;
    }
    // The log, then the sweep in it (all entries at once), then the workers.
    {
        auto log = mor::ExperimentLog::open(args.log, &error); // creates or upgrades it
        if (!log) {
            return userError(error);
        }
    }
    auto store = mor::SweepStore::open(args.log, true, &error);
    if (!store) {
        return userError(error);
    }
    mor::SweepStore::NewSweep sweep;
    sweep.name = sweepName;
    sweep.baseConfigJson = baseJson;
    sweep.specJson = spec.dump();
    for (const std::string& o : overrides) {
        for (int64_t seed : seeds) {
            sweep.entries.emplace_back(Json::parse(o).dump(), seed);
        }
    }
    const int64_t id = store->createSweep(sweep);
    if (id < 0) {
        return userError("cannot record the sweep in " + args.log + ": " + store->lastError());
    }
    std::fprintf(args.json ? stderr : stdout,
                 "sweep %lld: %zu configurations x %zu seeds = %zu runs, %lld at once, "
                 "%lld thread(s) each\n",
                 (long long)id, overrides.size(), seeds.size(), sweep.entries.size(),
                 (long long)jobs, (long long)threads);
    SweepPlan plan;
    plan.log = args.log;
    plan.sweepId = id;
    plan.baseConfigJson = baseJson;
    plan.runName = sweep.name;
    plan.jobs = jobs;
    plan.threads = threads;
    plan.device = args.device;
    plan.quiet = args.json;
    const std::string status = runSweepWorkers(*store, plan);
    store->release(id, status);
    return finish(*store, id, status, args.json);
}

int cmdSweeps(const SweepsArgs& args) {
    if (!std::filesystem::exists(args.log)) {
        return userError("no experiment log at " + args.log);
    }
    std::string error;
    auto store = mor::SweepStore::open(args.log, false, &error);
    if (!store) {
        return userError(error);
    }
    if (args.sweep >= 0) {
        const auto info = store->sweep(args.sweep);
        if (!info) {
            return userError("there is no sweep " + std::to_string(args.sweep) + " in " +
                             args.log);
        }
        const auto summary = store->summary(args.sweep);
        if (args.json) {
            std::cout << summaryJson(summary, info->status).dump() << std::endl;
        } else {
            printSummary(summary, info->status);
        }
        return 0;
    }
    const auto sweeps = store->sweeps();
    if (!store->lastError().empty()) {
        return userError(args.log + ": " + store->lastError());
    }
    if (args.json) {
        Json arr = Json::array();
        for (const auto& s : sweeps) {
            arr.push_back({{"sweep_id", s.id}, {"name", s.name}, {"status", s.status},
                           {"created_ms", s.createdMs}, {"runs", s.total},
                           {"finished", s.finished}, {"running", s.running},
                           {"interrupted", s.interrupted}, {"to_do", s.toDo},
                           {"failed", s.failed},
                           {"spec", Json::parse(s.specJson, nullptr, false)}});
        }
        std::cout << arr.dump() << std::endl;
        return 0;
    }
    std::printf("%-5s %-24s %-12s %5s %9s %8s %12s %6s %7s\n", "id", "name", "status", "runs",
                "finished", "running", "interrupted", "to do", "failed");
    for (const auto& s : sweeps) {
        std::printf("%-5lld %-24.24s %-12s %5lld %9lld %8lld %12lld %6lld %7lld\n",
                    (long long)s.id, s.name.c_str(), s.status.c_str(), (long long)s.total,
                    (long long)s.finished, (long long)s.running, (long long)s.interrupted,
                    (long long)s.toDo, (long long)s.failed);
    }
    return 0;
}

void registerSweepCommands(CLI::App& app) {
    auto sweep = std::make_shared<SweepArgs>();
    setCommandAction(addSweepOptions(app, *sweep), [sweep] { return cmdSweep(*sweep); });
    auto sweeps = std::make_shared<SweepsArgs>();
    setCommandAction(addSweepsOptions(app, *sweeps), [sweeps] { return cmdSweeps(*sweeps); });
}
