// SPDX-License-Identifier: GPL-3.0-or-later
// mor::retrainRun (mor/retrain.h): a child of a logged run trained on new data, compared with
// its parent input by input on the new data's held-out split, and promoted only when it is
// better by a margin with confidence; one path for both families. The engine trains
// (makeFamily, TrainingSession); reflection: the serving Predictor answers the held-out inputs
// for both runs (each with its own feature scaling); recursion: both checkpoints score each
// held-out sequence of the new text (seq/recursion_pruning.h). sweep_stats' Student-t interval
// judges the paired differences.
#include "mor/retrain.h"

#include "engine/checkpoint.h"
#include "engine/model_family.h"
#include "engine/run.h"
#include "engine/training_session.h"
#include "families/family_registry.h"
#include "mor/dataset.h"
#include "mor/log_reader.h"
#include "mor/predictor.h"
#include "mor/sweep.h"
#include "seq/recursion_pruning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

namespace mor {

namespace {

constexpr const char* kRetrainFromTag = "retrained-from:";
constexpr const char* kRetrainPromoted = "promoted";
constexpr const char* kRetrainNotPromoted = "not-promoted";

/// The parent id of a "retrained-from:<id>" tag, or 0.
int64_t retrainParentOf(const std::vector<std::string>& tags) {
    const std::string prefix = kRetrainFromTag;
    for (const std::string& tag : tags) {
        if (tag.rfind(prefix, 0) == 0) {
            char* end = nullptr;
            const long long id = std::strtoll(tag.c_str() + prefix.size(), &end, 10);
            if (end && *end == '\0' && id > 0) {
                return id;
            }
        }
    }
    return 0;
}

std::string retrainNumberText(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", v);
    return text;
}

std::string retrainLevelText(double level) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", 100.0 * level);
    return text;
}

/// Per held-out input: 1 when the run's best (else last) checkpoint answers it right. The
/// inputs are the child data set's test rows; CSV rows are given raw (un-standardised with the
/// child's statistics) so each run applies its own training scaling, other kinds as stored.
bool retrainScoreRun(const std::string& logPath, int64_t runId, const Dataset& data,
                     int64_t threads, std::vector<double>* right, std::string* checkpoint,
                     std::string* error) {
    PredictorOptions po;
    po.checkpoint = "best";
    po.threads = threads;
    auto opened = Predictor::open(logPath, runId, po);
    if (!opened) {
        po.checkpoint = "last";
        opened = Predictor::open(logPath, runId, po);
        if (!opened) {
            *error = "run " + std::to_string(runId) + ": " + opened.error();
            return false;
        }
    }
    const std::unique_ptr<Predictor>& predictor = opened.value();
    if (predictor->summary().numFeatures != data.numFeatures) {
        *error = "run " + std::to_string(runId) + " takes " +
                 std::to_string(predictor->summary().numFeatures) +
                 " features per input, the new data has " + std::to_string(data.numFeatures);
        return false;
    }
    *checkpoint = predictor->summary().checkpointPath;
    const bool raw = !data.featureMean.empty() && !data.featureScale.empty();
    const size_t chunk = 256;
    right->clear();
    for (size_t begin = 0; begin < data.test.size(); begin += chunk) {
        const size_t end = std::min(data.test.size(), begin + chunk);
        std::vector<PredictInput> inputs(end - begin);
        for (size_t i = begin; i < end; ++i) {
            const float* row = data.row(data.test[i]);
            PredictInput& in = inputs[i - begin];
            in.features.assign(row, row + data.numFeatures);
            in.scaled = !raw;
            if (raw) {
                for (int64_t f = 0; f < data.numFeatures; ++f) {
                    in.features[size_t(f)] = float(double(in.features[size_t(f)]) *
                                                       data.featureScale[size_t(f)] +
                                                   data.featureMean[size_t(f)]);
                }
            }
        }
        const std::vector<Prediction> out = predictor->predict(inputs, error);
        if (out.size() != inputs.size()) {
            *error = "run " + std::to_string(runId) + ": " + *error;
            return false;
        }
        for (size_t i = begin; i < end; ++i) {
            const int64_t label = data.labels[size_t(data.test[i])];
            const std::string& want = data.classNames[size_t(label)];
            right->push_back(out[i - begin].className == want ? 1.0 : 0.0);
        }
    }
    return true;
}

/// Recursion runs: per held-out sequence of the child's data (the new text), the next-token
/// accuracy of run `runId`'s best (else last) checkpoint. The model is built from the child's
/// config, which has the parent's architecture and (checked before) its vocabulary.
bool retrainScoreRecursion(const std::string& logPath, int64_t runId,
                           const ExperimentConfig& childConfig, const torch::Device& device,
                           std::vector<double>* right, std::string* checkpoint,
                           std::string* error) {
    engine::StoredRun stored;
    if (!engine::readRun(logPath, runId, &stored, error)) {
        return false;
    }
    engine::CheckpointChoice choice;
    choice.kind = engine::CheckpointChoice::Kind::BestElseLast;
    engine::ChosenCheckpoint chosen;
    if (!engine::chooseCheckpoint(stored, choice, &chosen, error)) {
        *error = "run " + std::to_string(runId) + " has no checkpoint to compare";
        return false;
    }
    *checkpoint = chosen.path;
    auto family = engine::makeFamily(childConfig, device, error);
    if (!family || !engine::loadCheckpoint(*checkpoint, *family, nullptr, error)) {
        *error = "run " + std::to_string(runId) + ": " + *error;
        return false;
    }
    auto* recursion = dynamic_cast<seq::RecursionFamily*>(family.get());
    if (!recursion) {
        *error = "run " + std::to_string(runId) + " is not a recursion run";
        return false;
    }
    *right = seq::recursionSequenceAccuracy(recursion->model(), recursion->data().test,
                                            childConfig.train.batchSize);
    return true;
}

/// Recursion runs: the new text must spell the parent's vocabulary (token ids are the
/// embedding rows), else neither the parent's weights nor its comparison apply.
bool retrainSameVocabulary(const ExperimentConfig& parentConfig,
                           const ExperimentConfig& childConfig, const torch::Device& device,
                           std::string* error) {
    auto parent = engine::makeFamily(parentConfig, device, error);
    auto child = parent ? engine::makeFamily(childConfig, device, error) : nullptr;
    if (!parent || !child) {
        return false;
    }
    const auto& a = dynamic_cast<seq::RecursionFamily&>(*parent).data().vocab;
    const auto& b = dynamic_cast<seq::RecursionFamily&>(*child).data().vocab;
    if (a != b) {
        *error = "the new text's characters (" + std::to_string(b.size() - 1) +
                 " distinct) are not the parent's vocabulary (" + std::to_string(a.size() - 1) +
                 "): a recursion child shares its parent's token ids, so retrain it on text "
                 "with the same characters";
        return false;
    }
    return true;
}

/// Moves "promoted" within the lineage to `child`, or tags the child "not-promoted".
bool retrainApplyDecision(ExperimentLog& log, const std::vector<RunSummary>& runs,
                          const std::vector<int64_t>& lineage, RetrainOutcome* out,
                          std::string* error) {
    const std::set<int64_t> members(lineage.begin(), lineage.end());
    for (const RunSummary& r : runs) {
        std::vector<std::string> tags = r.tags;
        if (r.id == out->runId) {
            tags.erase(std::remove_if(tags.begin(), tags.end(),
                                      [](const std::string& t) {
                                          return t == kRetrainPromoted || t == kRetrainNotPromoted;
                                      }),
                       tags.end());
            tags.push_back(out->promoted ? kRetrainPromoted : kRetrainNotPromoted);
        } else if (out->promoted && members.count(r.id) &&
                   std::find(tags.begin(), tags.end(), kRetrainPromoted) != tags.end()) {
            tags.erase(std::remove(tags.begin(), tags.end(), kRetrainPromoted), tags.end());
            out->demoted.push_back(r.id);
        } else {
            continue;
        }
        if (!log.setTags(r.id, tags)) {
            *error = "could not tag run " + std::to_string(r.id) + ": " + log.lastError();
            return false;
        }
    }
    return true;
}

std::vector<int64_t> retrainLineageOf(const std::vector<RunSummary>& runs, int64_t runId) {
    std::map<int64_t, int64_t> parent;
    for (const RunSummary& r : runs) {
        parent[r.id] = retrainParentOf(r.tags);
    }
    auto rootOf = [&parent](int64_t id) {
        std::set<int64_t> seen;
        while (parent.count(id) && parent[id] > 0 && seen.insert(id).second) {
            id = parent[id];
        }
        return id;
    };
    const int64_t root = rootOf(runId);
    std::vector<int64_t> out;
    for (const RunSummary& r : runs) {
        if (rootOf(r.id) == root) {
            out.push_back(r.id);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::vector<int64_t> retrainLineage(const std::string& logPath, int64_t runId,
                                    std::string* error) {
    auto reader = LogReader::open(logPath);
    if (!reader) {
        if (error) {
            *error = reader.error();
        }
        return {};
    }
    auto runs = reader->tryRuns(error);
    if (!runs) {
        return {};
    }
    return retrainLineageOf(*runs, runId);
}

int64_t retrainPromotedRun(const std::string& logPath, int64_t runId, std::string* error) {
    auto reader = LogReader::open(logPath);
    if (!reader) {
        if (error) {
            *error = reader.error();
        }
        return -1;
    }
    auto runs = reader->tryRuns(error);
    if (!runs) {
        return -1;
    }
    const std::vector<int64_t> lineage = retrainLineageOf(*runs, runId);
    int64_t promoted = 0;
    for (const RunSummary& r : *runs) {
        if (std::binary_search(lineage.begin(), lineage.end(), r.id) &&
            std::find(r.tags.begin(), r.tags.end(), kRetrainPromoted) != r.tags.end()) {
            promoted = std::max(promoted, r.id);
        }
    }
    return promoted;
}

Result<RetrainOutcome> retrainRun(const RetrainOptions& o, TrainingObserver* observer) {
    RetrainOutcome out;
    out.parentId = o.runId;
    out.start = o.fromScratch ? "from-scratch" : "from-parent";
    out.margin = o.margin;
    out.level = o.level;
    // After the child exists, a failure names it (it stays in the log).
    auto fail = [&out](const std::string& message) {
        return Error{out.runId > 0 ? "child run " + std::to_string(out.runId) + ": " + message
                                   : message};
    };
    if (o.dataPath.empty()) {
        return fail("--data names no file");
    }
    if (!(o.level > 0.0 && o.level < 1.0)) {
        return fail("the confidence level must lie in (0, 1)");
    }
    try {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.dataPath, ec)) {
            return fail("--data " + o.dataPath + ": no such file");
        }
        out.dataPath = std::filesystem::absolute(o.dataPath, ec).lexically_normal().string();
        std::string error;
        engine::StoredRun run;
        if (!engine::readRun(o.logPath, o.runId, &run, &error)) {
            return fail(error);
        }
        out.family = run.config.model.family;
        const bool recursion = out.family == Family::Recursion;
        if (out.family != Family::Reflection && !recursion) {
            return fail("run " + std::to_string(o.runId) + " is a " + familyName(out.family) +
                        " run; mor retrain works on reflection and recursion runs");
        }
        const DataKind wantKind = recursion ? DataKind::Text : DataKind::Csv;
        if (run.config.data.kind != wantKind) {
            return fail("run " + std::to_string(o.runId) + " reads data.kind \"" +
                        dataKindName(run.config.data.kind) + "\"; mor retrain replaces " +
                        (recursion ? "data.text_path of a text" : "data.path of a csv") +
                        " run");
        }
        ExperimentConfig config = run.config;
        (recursion ? config.data.textPath : config.data.path) = out.dataPath;
        if (o.threads >= 0) {
            config.train.threads = o.threads;
        }
        if (o.epochs > 0) {
            config.train.epochs = o.epochs;
        }
        const auto errors = validateConfig(config);
        if (!errors.empty()) {
            ConfigParseResult r;
            r.errors = errors;
            return fail("the child's config is not valid: " + r.message());
        }
        setThreads(config.train.threads);
        torch::Device device(torch::kCPU);
        if (!engine::resolveDevice(config.train.device, &device, &error)) {
            return fail(error);
        }
        if (recursion && !retrainSameVocabulary(run.config, config, device, &error)) {
            return fail(error);
        }
        auto family = engine::makeFamily(config, device, &error);
        if (!family) {
            return fail(error);
        }
        if (!o.fromScratch) {
            engine::CheckpointChoice choice;
            choice.kind = engine::CheckpointChoice::Kind::BestElseLast;
            engine::ChosenCheckpoint chosen;
            if (!engine::chooseCheckpoint(run, choice, &chosen, &error)) {
                return fail("run " + std::to_string(o.runId) +
                            " has no checkpoint to start from (use --from-scratch)");
            }
            out.parentCheckpoint = chosen.path;
            if (!engine::loadCheckpoint(out.parentCheckpoint, *family, nullptr, &error)) {
                return fail("the new data does not fit run " + std::to_string(o.runId) +
                            "'s network: " + error);
            }
        }

        auto log = ExperimentLog::open(o.logPath, &error);
        if (!log) {
            return fail(error);
        }
        RunOptions runOptions;
        runOptions.logPath = o.logPath;
        runOptions.name = run.summary.name + " retrained (" + out.start + ")";
        runOptions.tags = {kRetrainFromTag + std::to_string(o.runId), "retrain:" + out.start};
        engine::TrainingSession session(config, std::move(family), device, log.get(), observer);
        const RunOutcome trained = session.runNew(runOptions);
        out.runId = trained.runId;
        if (trained.status != "finished") {
            return fail(trained.error.empty() ? "retraining " + trained.status : trained.error);
        }
        out.steps = trained.steps;
        log->flush();

        // The paired comparison on the child's held-out split.
        std::vector<double> parentRight, childRight;
        std::string parentCheckpoint, childCheckpoint;
        if (recursion) {
            if (!retrainScoreRecursion(o.logPath, o.runId, config, device, &parentRight,
                                       &parentCheckpoint, &error) ||
                !retrainScoreRecursion(o.logPath, out.runId, config, device, &childRight,
                                       &childCheckpoint, &error)) {
                return fail(error);
            }
        } else {
            DatasetResult data = loadDataset(config.data, config.train.seed);
            if (!data.ok()) {
                return fail(data.error);
            }
            const int64_t threads = config.train.threads;
            if (!retrainScoreRun(o.logPath, o.runId, data.dataset, threads, &parentRight,
                                 &parentCheckpoint, &error) ||
                !retrainScoreRun(o.logPath, out.runId, data.dataset, threads, &childRight,
                                 &childCheckpoint, &error)) {
                return fail(error);
            }
        }
        if (out.parentCheckpoint.empty()) {
            out.parentCheckpoint = parentCheckpoint;
        }
        out.compared = int64_t(childRight.size());
        if (out.compared == 0) {
            return fail("the new data's test split is empty");
        }
        std::vector<double> diff(childRight.size());
        double parentSum = 0.0, childSum = 0.0;
        for (size_t i = 0; i < diff.size(); ++i) {
            diff[i] = childRight[i] - parentRight[i];
            parentSum += parentRight[i];
            childSum += childRight[i];
            out.childBetter += diff[i] > 0 ? 1 : 0;
            out.parentBetter += diff[i] < 0 ? 1 : 0;
        }
        out.parentAccuracy = parentSum / double(diff.size());
        out.childAccuracy = childSum / double(diff.size());
        const MeanInterval ci = meanInterval(diff, o.level);
        out.difference = ci.mean;
        // One input or no disagreement: the interval is the point itself.
        out.low = std::isnan(ci.low) ? ci.mean : ci.low;
        out.high = std::isnan(ci.high) ? ci.mean : ci.high;
        const std::string span = "child - parent accuracy " + retrainNumberText(out.difference) +
                                 ", " + retrainLevelText(o.level) + "% CI [" +
                                 retrainNumberText(out.low) + ", " +
                                 retrainNumberText(out.high) + "] over " +
                                 std::to_string(out.compared) + " held-out inputs";
        out.promoted = out.difference > o.margin && out.low > o.margin;
        if (out.promoted) {
            out.reason = "promoted: " + span + ", lower end above the margin " +
                         retrainNumberText(o.margin);
        } else if (out.difference <= o.margin) {
            out.reason = "not promoted: " + span + "; the child is not better than the parent by "
                         "the margin " + retrainNumberText(o.margin);
        } else {
            out.reason = "not promoted: " + span + "; the CI's lower end is not above the margin " +
                         retrainNumberText(o.margin) + " (too few inputs or too close to tell)";
        }

        std::optional<std::vector<RunSummary>> runs;
        { // the reader is closed before the decision is written
            auto reader = LogReader::open(o.logPath);
            if (!reader) {
                return fail(reader.error());
            }
            runs = reader->tryRuns(&error);
        }
        if (!runs) {
            return fail(error);
        }
        if (!retrainApplyDecision(*log, *runs, retrainLineageOf(*runs, out.runId), &out,
                                  &error)) {
            return fail(error);
        }
        std::map<std::string, double> metrics{{"retrain/parent_accuracy", out.parentAccuracy},
                                              {"retrain/child_accuracy", out.childAccuracy},
                                              {"retrain/difference", out.difference},
                                              {"retrain/ci_low", out.low},
                                              {"retrain/ci_high", out.high},
                                              {"retrain/margin", o.margin},
                                              {"retrain/promoted", out.promoted ? 1.0 : 0.0},
                                              {"retrain/compared", double(out.compared)}};
        log->logMetrics(out.runId, out.steps, metrics);
        log->logEvent(out.runId, "info",
                      "retrained from run " + std::to_string(o.runId) + " (" + out.start +
                          ") on " + out.dataPath + "; " + out.reason);
        log->flush();
        return out;
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}

} // namespace mor
