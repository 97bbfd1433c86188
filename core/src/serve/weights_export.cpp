// SPDX-License-Identifier: GPL-3.0-or-later
// serve::exportRunWeights: a run's weights (either family) as a TorchScript archive in float32,
// bf16, fp16 or int8, optionally compared with the checkpoint on the test split.
#include "serve/weights_export.h"

#include "data/sequence_data.h"
#include "engine/run.h"
#include "serve/loaded_run.h"
#include "serve/weight_archive.h"
#include "train/tensors.h"

#include <filesystem>

namespace mor {

bool parseWeightDType(const std::string& text, WeightDType* dtype) {
    if (text == "float32" || text == "fp32" || text == "float") {
        *dtype = WeightDType::Float32;
    } else if (text == "bf16" || text == "bfloat16") {
        *dtype = WeightDType::BFloat16;
    } else if (text == "fp16" || text == "float16" || text == "half") {
        *dtype = WeightDType::Float16;
    } else if (text == "int8") {
        *dtype = WeightDType::Int8;
    } else {
        return false;
    }
    return true;
}

std::string weightDTypeName(WeightDType dtype) {
    switch (dtype) {
    case WeightDType::Float32:
        return "float32";
    case WeightDType::BFloat16:
        return "bf16";
    case WeightDType::Float16:
        return "fp16";
    case WeightDType::Int8:
        return "int8";
    }
    return "float32";
}

namespace {

/// Accuracy of `pred` against `truth` and agreement with `reference` (same order and size).
void compare(const std::vector<int64_t>& truth, const std::vector<int64_t>& reference,
             const std::vector<int64_t>& pred, WeightExportReport* r) {
    int64_t refRight = 0, right = 0, same = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        refRight += reference[i] == truth[i];
        right += pred[i] == truth[i];
        same += pred[i] == reference[i];
    }
    const double n = truth.empty() ? 1.0 : double(truth.size());
    r->compared = int64_t(truth.size());
    r->floatAccuracy = double(refRight) / n;
    r->exportAccuracy = double(right) / n;
    r->agreement = double(same) / n;
}

bool exportReflection(const std::string& logPath, int64_t runId, const std::string& outPath,
                      const WeightExportOptions& options, WeightExportReport* report,
                      std::string* error) {
    PredictorOptions po;
    po.checkpoint = options.checkpoint;
    po.threads = -1;
    serve::LoadedReflectionRun run;
    if (!serve::loadReflectionRun(logPath, runId, po, &run, error)) {
        return false;
    }
    serve::ArchiveStats stats;
    if (!serve::saveWeightArchive(*run.model, outPath, options.dtype, &stats, error)) {
        return false;
    }
    report->tensors = stats.tensors;
    report->quantised = stats.quantised;
    report->floatBytes = stats.floatBytes;
    if (!options.compare) {
        return true;
    }
    po.weights = outPath;
    serve::LoadedReflectionRun back;
    if (!serve::loadReflectionRun(logPath, runId, po, &back, error)) {
        return false;
    }
    // The test split as the family holds it (on the run's device).
    const auto batch = run.family->data().batch(run.dataset().test);
    const auto y = batch.y.to(torch::kCPU).contiguous();
    const std::vector<int64_t> truth(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
    compare(truth, serve::predictClasses(run.model, batch.x),
            serve::predictClasses(back.model, batch.x), report);
    return true;
}

bool exportRecursion(const std::string& logPath, int64_t runId, const std::string& outPath,
                     const WeightExportOptions& options, WeightExportReport* report,
                     std::string* error) {
    PredictorOptions po;
    po.checkpoint = options.checkpoint;
    seq::LoadedSequenceRun run;
    if (!serve::loadRecursionRun(logPath, runId, po, &run, error)) {
        return false;
    }
    serve::ArchiveStats stats;
    if (!serve::saveWeightArchive(*run.model, outPath, options.dtype, &stats, error)) {
        return false;
    }
    report->tensors = stats.tensors;
    report->quantised = stats.quantised;
    report->floatBytes = stats.floatBytes;
    if (!options.compare) {
        return true;
    }
    po.weights = outPath;
    seq::LoadedSequenceRun back;
    if (!serve::loadRecursionRun(logPath, runId, po, &back, error)) {
        return false;
    }
    const auto data = data::loadSequenceData(run.config.data, run.config.train.seed);
    if (!data.ok()) {
        *error = data.error;
        return false;
    }
    std::vector<int64_t> truth;
    for (int64_t t : data.test.targets) {
        if (t >= 0) {
            truth.push_back(t);
        }
    }
    compare(truth, serve::predictTokens(run.model, data.test),
            serve::predictTokens(back.model, data.test), report);
    return true;
}

} // namespace

namespace serve {

bool exportRunWeights(const std::string& logPath, int64_t runId, const std::string& outPath,
                      const WeightExportOptions& options, WeightExportReport* report,
                      std::string* error) {
    std::string ignored;
    std::string& err = error ? *error : ignored;
    WeightExportReport local;
    WeightExportReport& r = report ? *report : local;
    r = WeightExportReport();
    try {
        // The family from the stored config (engine::readRun); each loader opens the run
        // through the family registry.
        engine::StoredRun stored;
        if (!engine::readRun(logPath, runId, &stored, &err)) {
            return false;
        }
        const Family family = stored.config.model.family;
        r.family = familyName(family);
        bool ok = false;
        switch (family) {
        case Family::Reflection:
            ok = exportReflection(logPath, runId, outPath, options, &r, &err);
            break;
        case Family::Recursion:
            ok = exportRecursion(logPath, runId, outPath, options, &r, &err);
            break;
        }
        if (!ok) {
            return false;
        }
        r.bytes = int64_t(std::filesystem::file_size(outPath));
        return true;
    } catch (const std::exception& e) {
        err = std::string("cannot export weights: ") + e.what();
        return false;
    }
}

} // namespace serve
} // namespace mor
