// SPDX-License-Identifier: GPL-3.0-or-later
// trace() (model_trace.cpp, issue 20): the host-array reader against the per-element reference.
#include "tst_trace_reader.h"

#include "model/model_trace.h"
#include "train/reflection_family.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

namespace trace_reader_test {

namespace {

mor::ExperimentConfig traceConfig() {
    mor::ExperimentConfig c;
    c.name = "trace";
    c.data.kind = mor::DataKind::Parity;
    c.data.length = 6;
    c.data.samples = 600;
    c.data.probeSize = 8;
    c.model.encoder.hidden = 16;
    c.model.router.hidden = 16;
    c.model.router.topK = 2;
    c.model.experts.assign(3, mor::ExpertConfig{});
    for (auto& e : c.model.experts) {
        e.width = 16;
        e.maxDepth = 3;
    }
    c.model.calibration = mor::Calibration::Temperature;
    c.train.batchSize = 32;
    c.train.threads = 1;
    return c;
}

/// The first field in which two traces differ, "" if none (floats bit for bit).
std::string traceDifference(const mor::SampleTrace& a, const mor::SampleTrace& b) {
    const auto bits = [](float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    const auto row = [&](const std::vector<float>& x, const std::vector<float>& y) {
        return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), bits);
    };
    if (a.sampleId != b.sampleId || a.label != b.label || a.domain != b.domain ||
        a.mask != b.mask || !row(a.routerProbs, b.routerProbs) || !row(a.gates, b.gates)) {
        return "input or routing";
    }
    if (!row(a.fusedProbs, b.fusedProbs) || a.finalPred != b.finalPred || a.correct != b.correct ||
        !bits(a.conflictScore, b.conflictScore) ||
        !bits(a.conflictScoreAfter, b.conflictScoreAfter) || a.conflict != b.conflict ||
        a.resolution != b.resolution || a.winner != b.winner || !bits(a.margin, b.margin) ||
        a.expertSteps != b.expertSteps || a.flops != b.flops || a.group != b.group ||
        a.experts.size() != b.experts.size()) {
        return "fusion";
    }
    for (size_t j = 0; j < a.experts.size(); ++j) {
        const auto &x = a.experts[j], &y = b.experts[j];
        if (x.expert != y.expert || !bits(x.routerProb, y.routerProb) || !bits(x.gate, y.gate) ||
            x.haltStep != y.haltStep || !bits(x.confidence, y.confidence) ||
            !bits(x.fusionWeight, y.fusionWeight) || x.pred != y.pred ||
            x.extraSteps != y.extraSteps || !bits(x.uncertainty, y.uncertainty) ||
            x.width != y.width || x.steps.size() != y.steps.size()) {
            return "expert " + std::to_string(j);
        }
        for (size_t t = 0; t < x.steps.size(); ++t) {
            const auto &u = x.steps[t], &v = y.steps[t];
            if (u.iteration != v.iteration || !row(u.probs, v.probs) ||
                !bits(u.critique, v.critique) || !bits(u.haltProb, v.haltProb) ||
                u.pred != v.pred || u.correct != v.correct) {
                return "expert " + std::to_string(j) + " step " + std::to_string(t);
            }
        }
    }
    return "";
}

void compareTraces(const std::vector<mor::SampleTrace>& host,
                   const std::vector<mor::SampleTrace>& reference, const std::string& what) {
    QCOMPARE(host.size(), reference.size());
    for (size_t i = 0; i < host.size(); ++i) {
        const auto diff = traceDifference(host[i], reference[i]);
        QVERIFY2(diff.empty(), (what + ", row " + std::to_string(i) + ": " + diff).c_str());
    }
}
} // namespace

void traceReadsThePassAsTheReferenceDoes() {
    // trace() reads the pass into host arrays (model_trace.h); the reference reads every value
    // by indexing the tensors, as the trace of session 13 did. Same model, same step: equal
    // traces, every field, for calibrated confidence fusion after training steps, evidential
    // fusion with re_reflect conflicts, nested experts, interventions and the family's log.
    const torch::Device cpu(torch::kCPU);
    auto trained = traceConfig();
    trained.name = "confidence";
    auto evidential = trained;
    evidential.name = "evidential, re_reflect";
    evidential.model.integration.fusion = mor::FusionRule::Evidential;
    evidential.model.integration.resolution = mor::ConflictResolution::ReReflect;
    evidential.model.integration.conflictThreshold = 0.0;
    evidential.model.integration.confidentThreshold = 0.0; // every pair of answers conflicts
    auto nested = trained;
    nested.name = "nested";
    nested.model.experts[1].kind = mor::ExpertKind::Nested;
    nested.model.experts[1].width = 8;
    int extraSteps = 0, conflicts = 0, uncertain = 0, widths = 0;
    for (const auto* config : {&trained, &evidential, &nested}) {
        const auto data = mor::loadDataset(config->data, 1);
        QVERIFY2(data.ok(), data.error.c_str());
        mor::train::ReflectionFamily family(*config, data.dataset, cpu);
        torch::optim::AdamW optimizer(family.module().parameters(),
                                      torch::optim::AdamWOptions(1e-2));
        family.setTraining(true);
        const auto order = family.epochOrder(0);
        for (size_t start = 0; start + 32 <= order.size() && start < 32 * 12; start += 32) {
            auto loss =
                family.forward({order.begin() + long(start), order.begin() + long(start) + 32});
            optimizer.zero_grad();
            loss.total.backward();
            optimizer.step();
        }
        family.evaluate(mor::engine::Split::Validation, true); // fits the critic temperatures
        const auto& val = family.dataset().validation;
        QVERIFY(val.size() >= 64);
        const std::vector<int64_t> ids(val.begin(), val.begin() + 64);
        const auto b = family.data().batch(ids);
        mor::Intervention none, more, veto, halt;
        more.extraSteps = 2;
        veto.veto = {0};
        halt.forceHalt = 1;
        for (const auto* intervention : {&none, &more, &veto, &halt}) {
            const auto host = family.model()->trace(b.x, b.y, b.domain, ids, *intervention);
            const mor::model::TraceReferenceGuard reference(true);
            compareTraces(host, family.model()->trace(b.x, b.y, b.domain, ids, *intervention),
                          config->name);
            for (const auto& st : host) {
                conflicts += st.conflict ? 1 : 0;
                for (const auto& et : st.experts) {
                    extraSteps += et.extraSteps;
                    uncertain += et.uncertainty >= 0.f ? 1 : 0;
                    widths += et.width > 0 ? 1 : 0;
                }
            }
        }
        if (config != &trained) {
            continue;
        }
        // Through the family into a log: the reference's run and the host reader's run read back
        // equal.
        QTemporaryDir dir;
        std::string error;
        auto log = mor::ExperimentLog::open(dir.filePath("log.sqlite").toStdString(), &error);
        QVERIFY2(log, error.c_str());
        const int64_t hostRun = log->createRun(family.runInfo());
        const int64_t referenceRun = log->createRun(family.runInfo());
        family.logTraces(*log, hostRun, 12);
        {
            const mor::model::TraceReferenceGuard reference(true);
            family.logTraces(*log, referenceRun, 12);
        }
        log.reset();
        auto reader = mor::LogReader::open(dir.filePath("log.sqlite").toStdString());
        QVERIFY(reader);
        const auto logged = reader->traces(hostRun, 12);
        QCOMPARE(logged.size(), family.dataset().probe.size());
        compareTraces(logged, reader->traces(referenceRun, 12), "log");
    }
    const auto counts = std::to_string(extraSteps) + " extra steps, " + std::to_string(conflicts) +
                        " conflicts, " + std::to_string(uncertain) + " uncertainties, " +
                        std::to_string(widths) + " widths";
    QVERIFY2(extraSteps > 0 && conflicts > 0 && uncertain > 0 && widths > 0, counts.c_str());
}

} // namespace trace_reader_test
