// mor::Predictor: a run's checkpoint loaded once, answering batches of raw feature rows.
#include "mor/predictor.h"

#include "mor/log_reader.h"

#include "engine/model_family.h"
#include "model/eval_detail.h"
#include "serve/feature_scaler.h"
#include "serve/loaded_run.h"

#include <torch/torch.h>

#include <algorithm>

namespace mor {

struct Predictor::Impl {
    ModelSummary summary;
    serve::FeatureScaler scaler;
    model::MoRModel model{nullptr};
    torch::Device device{torch::kCPU};

    std::vector<Prediction> fromForward(const torch::Tensor& x);
    std::vector<Prediction> fromTraces(const torch::Tensor& x,
                                       const std::vector<PredictInput>& inputs);
    std::string className(int64_t k) const {
        return k >= 0 && k < int64_t(summary.classNames.size()) ? summary.classNames[size_t(k)]
                                                                : std::to_string(k);
    }
};

Predictor::Predictor() : m(std::make_unique<Impl>()) {}
Predictor::~Predictor() = default;

const ModelSummary& Predictor::summary() const {
    return m->summary;
}

Result<std::unique_ptr<Predictor>> Predictor::open(const std::string& logPath, int64_t runId,
                                                   const PredictorOptions& options) {
    std::string err;
    auto fail = [](const std::string& message) -> Result<std::unique_ptr<Predictor>> {
        return Error{message};
    };
    try {
        serve::LoadedReflectionRun run;
        if (!serve::loadReflectionRun(logPath, runId, options, &run, &err)) {
            return fail(err);
        }
        std::unique_ptr<Predictor> p(new Predictor());
        Impl& d = *p->m;
        const ExperimentConfig& config = run.config;
        const Dataset& dataset = run.dataset();
        if (!serve::FeatureScaler::fromData(config.data, dataset, &d.scaler, &err)) {
            return fail(err);
        }
        d.device = run.device;
        d.model = run.model;

        ModelSummary& s = d.summary;
        s.runId = runId;
        s.runName = run.name;
        s.runStatus = run.status;
        s.dataset = dataset.name;
        s.inputKind = dataset.inputKind;
        s.numFeatures = dataset.numFeatures;
        s.numClasses = dataset.numClasses;
        s.numExperts = int64_t(config.model.experts.size());
        s.parameters = engine::countParameters(*d.model);
        s.checkpointStep = run.step;
        s.checkpointPath = run.path;
        s.routing = choiceName(config.model.router.strategy, routingStrategyNames());
        s.scaling = d.scaler.kind();
        s.classNames = dataset.classNames;
        s.featureNames = dataset.featureNames;
        return p;
    } catch (const std::exception& e) {
        return fail(std::string("cannot load run ") + std::to_string(runId) + ": " + e.what());
    }
}

std::vector<float> Predictor::scale(const std::vector<float>& raw) const {
    std::vector<float> row = raw;
    m->scaler.apply(row.data(), row.size());
    return row;
}

std::vector<Prediction> Predictor::predict(const std::vector<PredictInput>& inputs,
                                           std::string* error) {
    const int64_t f = m->summary.numFeatures;
    const auto n = int64_t(inputs.size());
    if (n == 0) {
        return {};
    }
    std::vector<float> rows(size_t(n * f));
    bool anyTrace = false;
    for (int64_t i = 0; i < n; ++i) {
        const PredictInput& in = inputs[size_t(i)];
        if (int64_t(in.features.size()) != f) {
            if (error) {
                *error = "input " + std::to_string(i) + " has " +
                         std::to_string(in.features.size()) + " features; the model expects " +
                         std::to_string(f);
            }
            return {};
        }
        float* row = rows.data() + i * f;
        std::copy(in.features.begin(), in.features.end(), row);
        if (!in.scaled) {
            m->scaler.apply(row, size_t(f));
        }
        anyTrace = anyTrace || in.trace;
    }
    try {
        // Inference mode (no autograd or version-counter bookkeeping per op; only numbers
        // leave) is thread-local: set here, on whichever thread owns the model.
        c10::InferenceMode inferenceMode;
        auto x = torch::from_blob(rows.data(), {n, f}, torch::kFloat32).clone().to(m->device);
        // A batch with a traced input takes the trace path for every row, so all rows of one
        // pass come from the same computation.
        return anyTrace ? m->fromTraces(x, inputs) : m->fromForward(x);
    } catch (const std::exception& e) {
        if (error) {
            *error = std::string("internal error in the forward pass: ") + e.what();
        }
        return {};
    }
}

std::vector<Prediction> Predictor::Impl::fromForward(const torch::Tensor& x) {
    // Answer, routing and steps only: halted rows cost nothing after their halting step.
    const model::EvalDetailGuard answerOnly(false);
    model::ForwardOutput out = model->forward(x, torch::Tensor(), torch::Tensor());
    const auto probs = out.logits.exp().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto mask = out.mask.to(torch::kCPU, torch::kBool).contiguous();
    const auto gates = out.gates.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto steps = out.steps.to(torch::kCPU, torch::kInt64).contiguous();
    const auto conflict = out.conflict.to(torch::kCPU, torch::kBool).contiguous();
    const auto score = out.conflictScore.to(torch::kCPU, torch::kFloat32).contiguous();
    const int64_t b = probs.size(0), c = probs.size(1), e = mask.size(1);
    const float* p = probs.data_ptr<float>();
    const bool* mk = mask.data_ptr<bool>();
    const float* g = gates.data_ptr<float>();
    const int64_t* st = steps.data_ptr<int64_t>();
    std::vector<Prediction> result(static_cast<size_t>(b));
    for (int64_t i = 0; i < b; ++i) {
        Prediction& r = result[size_t(i)];
        r.probs.assign(p + i * c, p + (i + 1) * c);
        r.answer = std::max_element(r.probs.begin(), r.probs.end()) - r.probs.begin();
        r.confidence = r.probs[size_t(r.answer)];
        r.className = className(r.answer);
        for (int64_t j = 0; j < e; ++j) {
            if (mk[i * e + j]) {
                r.experts.push_back(int(j));
                r.gates.push_back(g[i * e + j]);
                r.depth.push_back(int(st[i * e + j]));
                r.expertSteps += int(st[i * e + j]);
            }
        }
        r.conflict = conflict.data_ptr<bool>()[i];
        r.conflictScore = score.data_ptr<float>()[i];
    }
    return result;
}

std::vector<Prediction> Predictor::Impl::fromTraces(const torch::Tensor& x,
                                                    const std::vector<PredictInput>& inputs) {
    std::vector<int64_t> ids(inputs.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        ids[i] = int64_t(i);
    }
    auto traces = model->trace(x, torch::Tensor(), torch::Tensor(), ids);
    std::vector<Prediction> result(traces.size());
    for (size_t i = 0; i < traces.size(); ++i) {
        SampleTrace& t = traces[i];
        Prediction& r = result[i];
        r.probs = t.fusedProbs;
        r.answer = t.finalPred;
        r.confidence = r.answer >= 0 ? r.probs[size_t(r.answer)] : 0.f;
        r.className = className(r.answer);
        for (const auto& et : t.experts) {
            r.experts.push_back(et.expert);
            r.gates.push_back(et.gate);
            r.depth.push_back(int(et.steps.size()));
            r.expertSteps += int(et.steps.size());
        }
        r.conflict = t.conflict;
        r.conflictScore = t.conflictScore;
        t.sampleId = -1; // not a data set row
        if (inputs[i].trace) {
            r.hasTrace = true;
            r.trace = std::move(t);
        }
    }
    return result;
}

} // namespace mor
