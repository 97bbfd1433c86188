// SPDX-License-Identifier: GPL-3.0-or-later
#include "commands_validate.h"
#include "command_action.h"
#include "commands.h"

#include "mor/config.h"
#include "mor/dataset.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace {

std::string separatorName(char c) {
    return c == '\t' ? "tab" : c == ' ' ? "blanks" : std::string("'") + c + "'";
}

/// The data the config names, loaded as training would; "" or the problem.
std::string checkData(const mor::ExperimentConfig& config, nlohmann::ordered_json* facts) {
    const mor::DataConfig& d = config.data;
    if (mor::isSequenceDataKind(d.kind)) {
        if (d.kind == mor::DataKind::Text && !d.textPath.empty() && !std::ifstream(d.textPath)) {
            return "data.text_path: cannot read " + d.textPath;
        }
        (*facts)["kind"] = mor::dataKindName(d.kind);
        return {};
    }
    const mor::DatasetResult r = mor::loadDataset(d, config.train.seed);
    if (!r.ok()) {
        return r.error;
    }
    const mor::Dataset& ds = r.dataset;
    (*facts)["name"] = ds.name;
    (*facts)["samples"] = ds.size();
    (*facts)["features"] = ds.numFeatures;
    (*facts)["classes"] = ds.classNames;
    (*facts)["train"] = ds.train.size();
    (*facts)["validation"] = ds.validation.size();
    (*facts)["test"] = ds.test.size();
    (*facts)["test_from"] = ds.testSource.empty() ? "data.test_fraction of the training file"
                                                   : ds.testSource;
    if (d.kind == mor::DataKind::Csv) {
        const mor::CsvTable t = mor::readCsv(d.path, d.labelColumn, mor::csvDialect(d));
        (*facts)["separator"] = separatorName(t.separator);
        (*facts)["header"] = t.hasHeader;
        (*facts)["label_column"] = d.labelColumn;
        (*facts)["missing_cells"] = t.missingCells;
        (*facts)["dropped_rows"] = t.droppedRows;
    }
    return {};
}

std::string joined(const nlohmann::ordered_json& names) {
    std::string text;
    size_t shown = 0;
    for (const auto& n : names) {
        if (++shown > 8) {
            text += ", …";
            break;
        }
        text += (text.empty() ? "" : ", ") + n.get<std::string>();
    }
    return text;
}

} // namespace

static CLI::App* addValidateOptions(CLI::App& app, ValidateArgs& args) {
    auto* c = app.add_subcommand("validate", "Check an experiment config and its data");
    c->add_option("--config", args.config, "Experiment config (JSON)");
    c->add_option("file", args.config, "The same as --config FILE (the older spelling)");
    c->add_flag("--config-only", args.configOnly, "Check the fields only, not the data");
    c->add_flag("--json", args.json, "One JSON object: valid, errors, data facts");
    return c;
}

int cmdValidateConfig(const ValidateArgs& args) {
    if (args.config.empty()) {
        return userError("validate: give the config: mor validate --config FILE");
    }
    const mor::ConfigParseResult parsed = mor::loadConfigFile(args.config);
    nlohmann::ordered_json facts = nlohmann::ordered_json::object();
    std::string dataError;
    if (parsed.ok() && !args.configOnly) {
        dataError = checkData(parsed.config, &facts);
    }
    const bool ok = parsed.ok() && dataError.empty();
    if (args.json) {
        nlohmann::ordered_json errors = nlohmann::ordered_json::array();
        for (const auto& e : parsed.errors) {
            errors.push_back({{"field", e.field}, {"message", e.message}});
        }
        if (!dataError.empty()) {
            errors.push_back({{"field", "data"}, {"message", dataError}});
        }
        nlohmann::ordered_json j{{"config", args.config}, {"valid", ok}, {"errors", errors},
                                 {"data", facts}};
        std::cout << j.dump() << std::endl;
        return ok ? 0 : 2;
    }
    if (!parsed.ok()) {
        return userError(args.config + ":\n" + parsed.message());
    }
    if (!dataError.empty()) {
        return userError(args.config + ": the config is valid, but its data is not:\n" +
                         dataError);
    }
    if (args.configOnly || !facts.contains("samples")) {
        std::printf("%s: valid%s\n", args.config.c_str(),
                    args.configOnly ? " (data not checked)" : "");
        return 0;
    }
    std::printf("%s: valid\n  data: %s, %lld samples of %lld features, %zu classes (%s)\n",
                args.config.c_str(), facts["name"].get<std::string>().c_str(),
                (long long)facts["samples"].get<int64_t>(),
                (long long)facts["features"].get<int64_t>(), facts["classes"].size(),
                joined(facts["classes"]).c_str());
    if (facts.contains("separator")) {
        std::printf("  csv: separator %s, %s, label column \"%s\"; %lld missing cell(s) filled, "
                    "%lld row(s) dropped\n",
                    facts["separator"].get<std::string>().c_str(),
                    facts["header"].get<bool>() ? "a header line" : "no header line",
                    facts["label_column"].get<std::string>().c_str(),
                    (long long)facts["missing_cells"].get<int64_t>(),
                    (long long)facts["dropped_rows"].get<int64_t>());
    }
    std::printf("  splits: train %lld, validation %lld, test %lld (test: %s)\n",
                (long long)facts["train"].get<int64_t>(),
                (long long)facts["validation"].get<int64_t>(),
                (long long)facts["test"].get<int64_t>(),
                facts["test_from"].get<std::string>().c_str());
    return 0;
}

void registerValidateCommand(CLI::App& app) {
    auto args = std::make_shared<ValidateArgs>();
    setCommandAction(addValidateOptions(app, *args), [args] { return cmdValidateConfig(*args); });
}
