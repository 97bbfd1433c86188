#include "commands.h"
#include "commands_verify.h"

#include "mor/dataset.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/predictor.h"
#include "mor/run.h"
#include "mor/run_export.h"
#include "mor/trainer.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace {

std::unique_ptr<mor::LogReader> openReader(const std::string& path, std::string* error) {
    if (!std::filesystem::exists(path)) {
        *error = "no experiment log at " + path;
        return nullptr;
    }
    auto opened = mor::LogReader::open(path);
    if (!opened) {
        *error = opened.error();
        return nullptr;
    }
    return std::make_unique<mor::LogReader>(std::move(opened).value());
}

std::string fmt(double v, const char* f = "%.4f") {
    if (v < 0) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) {
        s += (s.empty() ? "" : ",") + x;
    }
    return s;
}

/// "routing_by_domain" (mixed data) or "routing_by_class" for `mor show --json`: the share of
/// each group's test inputs routed to each expert, from the metrics
/// "test/routing_<group>/<g>/<expert>" of the run's test evaluation, keyed by group name.
nlohmann::json routingShares(const std::map<std::string, double>& last, const std::string& group,
                             const std::vector<std::string>& names) {
    nlohmann::json out = nlohmann::json::object();
    const std::string prefix = "test/routing_" + group + "/";
    for (size_t g = 0;; ++g) {
        std::vector<double> row;
        for (size_t e = 0;; ++e) {
            const auto it = last.find(prefix + std::to_string(g) + "/" + std::to_string(e));
            if (it == last.end()) {
                break;
            }
            row.push_back(it->second);
        }
        if (row.empty()) {
            break;
        }
        out[g < names.size() ? names[g] : std::to_string(g)] = row;
    }
    return out;
}

/// Class and domain names of the run's data set (empty when it cannot be rebuilt, e.g. a CSV
/// file that has moved: the JSON then uses indices).
void groupNames(const std::string& configJson, std::vector<std::string>* classes,
                std::vector<std::string>* domains) {
    const auto parsed = mor::parseConfig(configJson);
    if (!parsed.ok()) {
        return;
    }
    const auto data = mor::loadDataset(parsed.config.data, parsed.config.train.seed);
    if (data.ok()) {
        *classes = data.dataset.classNames;
        *domains = data.dataset.domainNames;
    }
}

} // namespace

int cmdRuns(const std::string& log, bool json) {
    std::string error;
    if (std::filesystem::exists(log)) {
        if (auto writer = mor::ExperimentLog::open(log, &error)) {
            writer->markStaleRunsInterrupted(15000);
        }
    }
    auto reader = openReader(log, &error);
    if (!reader) {
        return userError(error);
    }
    const auto runs = reader->runs();
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& r : runs) {
            arr.push_back({{"id", r.id}, {"name", r.name}, {"status", r.status},
                           {"dataset", r.dataset}, {"created", r.createdAt},
                           {"seconds", r.durationSeconds()}, {"best_val_accuracy", r.bestAccuracy},
                           {"test_accuracy", r.testAccuracy}, {"steps", r.lastStep},
                           {"tags", r.tags}});
        }
        std::cout << arr.dump() << std::endl;
        return 0;
    }
    std::printf("%-5s %-28s %-12s %-26s %-20s %8s %8s %8s  %s\n", "id", "name", "status",
                "dataset", "created", "seconds", "best val", "test", "tags");
    for (const auto& r : runs) {
        std::printf("%-5lld %-28.28s %-12s %-26.26s %-20.20s %8.1f %8s %8s  %s\n",
                    (long long)r.id, r.name.c_str(), r.status.c_str(), r.dataset.c_str(),
                    r.createdAt.c_str(), r.durationSeconds(), fmt(r.bestAccuracy).c_str(),
                    fmt(r.testAccuracy).c_str(), joined(r.tags).c_str());
    }
    return 0;
}

int cmdShow(const RunArgs& args) {
    std::string error;
    auto reader = openReader(args.log, &error);
    if (!reader) {
        return userError(error);
    }
    const auto run = reader->run(args.run);
    if (!run) {
        return userError("run " + std::to_string(args.run) + " is not in " + args.log);
    }
    const auto last = reader->lastMetrics(args.run);
    if (args.json) {
        nlohmann::json j{{"id", run->id}, {"name", run->name}, {"status", run->status},
                         {"dataset", run->dataset}, {"seconds", run->durationSeconds()},
                         {"config", nlohmann::json::parse(run->configJson, nullptr, false)},
                         {"metrics", last}};
        std::string auditError;
        const auto audit = mor::readRunAudit(args.log, args.run, &auditError);
        // The audit trail: who, where, how; data_sha256 maps each input file to its hash.
        j["audit"] = audit ? nlohmann::json::parse(mor::runAuditJson(*audit)) : nlohmann::json();
        j["data_sha256"] = audit ? j["audit"]["data_sha256"] : nlohmann::json::object();
        const bool byDomain = last.count("test/routing_domain/0/0") > 0;
        if (byDomain || last.count("test/routing_class/0/0")) {
            std::vector<std::string> classes, domains;
            groupNames(run->configJson, &classes, &domains);
            if (byDomain) {
                j["routing_by_domain"] = routingShares(last, "domain", domains);
            } else {
                j["routing_by_class"] = routingShares(last, "class", classes);
            }
        }
        std::cout << j.dump(2) << std::endl;
        return 0;
    }
    std::printf("run %lld  %s\nstatus   %s\ndataset  %s\ndevice   %s\nseed     %lld\ncreated  %s\n"
                "duration %.1f s\ntags     %s\nnotes    %s\n\nconfig:\n%s\n\n",
                (long long)run->id, run->name.c_str(), run->status.c_str(), run->dataset.c_str(),
                run->device.c_str(), (long long)run->seed, run->createdAt.c_str(),
                run->durationSeconds(), joined(run->tags).c_str(), run->notes.c_str(),
                run->configJson.c_str());
    std::printf("final metrics:\n");
    for (const char* key : {"val/accuracy", "test/accuracy", "test/loss", "test/mean_depth",
                            "test/expert_steps", "test/conflict_rate", "test/flops",
                            "test/load_ideal_max", "test/dead_experts", "test/ece",
                            "test/routing_agreement"}) {
        if (last.count(key)) {
            std::printf("  %-22s %.4f\n", key, last.at(key));
        }
    }
    std::printf("\nper expert (test):  activation   mean depth\n");
    for (int e = 0;; ++e) {
        const std::string a = "test/activation/" + std::to_string(e);
        const std::string d = "test/depth/" + std::to_string(e);
        if (!last.count(a)) {
            break;
        }
        std::printf("  expert %-3d         %8.3f   %8.2f\n", e, last.at(a),
                    last.count(d) ? last.at(d) : 0.0);
    }
    std::printf("\naccuracy per reflection step (test):");
    for (int t = 1; last.count("test/accuracy_step/" + std::to_string(t)); ++t) {
        std::printf(" t%d=%.3f", t, last.at("test/accuracy_step/" + std::to_string(t)));
    }
    std::printf("\n");
    std::string auditError;
    std::printf("\n");
    printRunAudit(mor::readRunAudit(args.log, args.run, &auditError));
    return 0;
}

int cmdExport(const RunArgs& args, const std::string& csvDir, const std::string& weights,
              const std::string& dtype, bool compare) {
    std::string error;
    if (csvDir.empty() && weights.empty()) {
        return userError("export needs --csv DIR and/or --weights FILE");
    }
    if (!weights.empty()) {
        mor::WeightExportOptions options;
        if (!mor::parseWeightDType(dtype, &options.dtype)) {
            return userError("--dtype must be float32, bf16, fp16 or int8, not " + dtype);
        }
        options.compare = compare;
        const auto exported = mor::Run::open(args.log, args.run).andThen(
            [&](const mor::Run& run) { return run.exportWeights(weights, options); });
        if (!exported) {
            return userError(exported.error());
        }
        const mor::WeightExportReport& report = exported.value();
        std::printf("weights of run %lld (%s) written to %s: %s, %lld bytes (%.3f of the "
                    "tensors' float32 size), %lld tensors, %lld int8 matrices\n",
                    (long long)args.run, report.family.c_str(), weights.c_str(),
                    mor::weightDTypeName(options.dtype).c_str(), (long long)report.bytes,
                    report.floatBytes > 0 ? double(report.bytes) / double(report.floatBytes) : 0.0,
                    (long long)report.tensors, (long long)report.quantised);
        if (compare) {
            std::printf("test split, %lld predictions: accuracy %.4f (checkpoint) vs %.4f "
                        "(export), change %+.2f points, agreement %.4f\n",
                        (long long)report.compared, report.floatAccuracy, report.exportAccuracy,
                        100.0 * (report.exportAccuracy - report.floatAccuracy), report.agreement);
        }
    }
    if (csvDir.empty()) {
        return 0;
    }
    auto reader = openReader(args.log, &error);
    if (!reader) {
        return userError(error);
    }
    const mor::RunExportResult r = mor::exportRun(*reader, args.run, csvDir);
    if (!r.ok) {
        return userError(r.error);
    }
    std::printf("%lld metric, %lld trace and %lld conflict rows written to %s\n",
                (long long)r.metricRows, (long long)r.traceRows, (long long)r.conflictRows,
                csvDir.c_str());
    return 0;
}

void registerInspectCommands(CLI::App& app) {
    struct RunsArgs {
        std::string log;
        bool json = false;
    };
    auto runs = std::make_shared<RunsArgs>();
    auto* cRuns = app.add_subcommand("runs", "List the runs of a log");
    cRuns->add_option("--log", runs->log, "Experiment log")->required();
    cRuns->add_flag("--json", runs->json, "JSON output");
    setCommandAction(cRuns, [runs] { return cmdRuns(runs->log, runs->json); });

    auto show = std::make_shared<RunArgs>();
    auto* cShow = app.add_subcommand("show", "Summary of a run: config, metrics, experts");
    addRunOptions(cShow, *show);
    cShow->add_flag("--json", show->json, "JSON output");
    setCommandAction(cShow, [show] { return cmdShow(*show); });

    struct ExportArgs {
        RunArgs run;
        std::string csvDir, weights, dtype = "float32";
        bool compare = false;
    };
    auto exported = std::make_shared<ExportArgs>();
    auto* cExport = app.add_subcommand("export", "Export metrics and traces (CSV) or weights");
    addRunOptions(cExport, exported->run);
    cExport->add_option("--csv", exported->csvDir,
                        "Folder for metrics.csv, traces.csv, conflicts.csv");
    cExport->add_option("--weights", exported->weights,
                        "File for the weights (TorchScript archive)");
    cExport->add_option("--dtype", exported->dtype, "Weight storage: float32 | bf16 | fp16 | int8")
        ->capture_default_str()
        ->check(CLI::IsMember({"float32", "bf16", "fp16", "int8"}));
    cExport->add_flag("--compare", exported->compare,
                      "Also report size, test accuracy and agreement against the checkpoint");
    setCommandAction(cExport, [exported] {
        return cmdExport(exported->run, exported->csvDir, exported->weights, exported->dtype,
                         exported->compare);
    });
}
