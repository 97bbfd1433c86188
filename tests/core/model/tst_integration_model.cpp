// Integration layer (fusion, conflicts, resolution) and the whole model end to end.
#include "model/counterfactual.h"
#include "model/integration.h"
#include "model/mor_model.h"
#include "mor/log_reader.h"
#include "mor/trainer.h"
#include "train/checkpoint.h"
#include "train/tensors.h"
#include "train/training_session.h"

#include "model_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace mor::model;
using model_test::gradSum;

namespace {

mor::ModelConfig smallConfig(int experts, const std::string& cell = "gru", int64_t depth = 3)
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = std::min(2, experts);
    config.experts.clear();
    for (int j = 0; j < experts; ++j) {
        mor::ExpertConfig ec;
        ec.cell = cell;
        ec.width = 16;
        ec.maxDepth = depth;
        config.experts.push_back(ec);
    }
    return config;
}

void setParameter(torch::nn::Module& module, const std::string& name, const torch::Tensor& value)
{
    torch::NoGradGuard noGrad;
    auto p = module.named_parameters()[name];
    p.copy_(value.expand_as(p));
}

// Two experts that always answer opposite classes with fixed confidences (critic bias).
MoRModel disagreeingModel(const std::string& resolution, double c0Bias, double c1Bias)
{
    auto config = smallConfig(2);
    config.router.topK = 2;
    for (auto& ec : config.experts) {
        ec.halting = "fixed";
        ec.maxDepth = 2;
    }
    config.integration.resolution = resolution;
    config.integration.extraIterations = 2;
    torch::manual_seed(4);
    MoRModel model(config, ModelShape{6, 2, 1});
    const double biases[2] = {c0Bias, c1Bias};
    for (int j = 0; j < 2; ++j) {
        const std::string prefix = "expert" + std::to_string(j) + ".";
        setParameter(*model, prefix + "head.weight", torch::zeros({1}));
        setParameter(*model, prefix + "head.bias",
                     j == 0 ? torch::tensor({6.f, -6.f}) : torch::tensor({-6.f, 6.f}));
        setParameter(*model, prefix + "critic2.weight", torch::zeros({1}));
        setParameter(*model, prefix + "critic2.bias", torch::tensor({float(biases[j])}));
    }
    return model;
}


/// A tiny trained run (parity, 3 experts, top-2, depth 3) in a temporary log: the
/// counterfactual tests' fixture. Built once per halting policy (seconds).
struct TrainedRun {
    std::string log;
    int64_t runId = 0;
    mor::ExperimentConfig config;
};

const TrainedRun& trainedRun(const std::string& halting)
{
    static QTemporaryDir dir;
    static std::map<std::string, TrainedRun> runs;
    auto found = runs.find(halting);
    if (found != runs.end()) {
        return found->second;
    }
    const std::string json = R"({"name":"cf","data":{"kind":"parity","length":6,"samples":400,
        "probe_size":6},"model":{"encoder":{"hidden":16},"router":{"top_k":2,"hidden":16},
        "experts":[{"width":16,"max_depth":3,"halting":"H"},{"width":16,"max_depth":3,
        "halting":"H"},{"width":16,"max_depth":3,"halting":"H"}]},
        "train":{"epochs":3,"batch_size":32,"threads":1}})";
    std::string text = json;
    for (auto at = text.find("\"H\""); at != std::string::npos; at = text.find("\"H\"")) {
        text.replace(at, 3, "\"" + halting + "\"");
    }
    auto parsed = mor::parseConfig(text);
    if (!parsed.ok()) {
        qFatal("fixture config: %s", parsed.message().c_str());
    }
    TrainedRun run;
    run.config = parsed.config;
    run.log = dir.filePath(QString::fromStdString(halting + ".sqlite")).toStdString();
    mor::RunOptions options;
    options.logPath = run.log;
    const auto out = mor::trainExperiment(run.config, options, nullptr);
    if (out.status != "finished") {
        qFatal("fixture training: %s", out.error.c_str());
    }
    run.runId = out.runId;
    return runs.emplace(halting, run).first->second;
}

std::vector<mor::SampleTrace> traceUnder(const TrainedRun& run, const std::vector<int64_t>& ids,
                                         const mor::Intervention& iv = {})
{
    mor::TraceRequest request;
    request.logPath = run.log;
    request.runId = run.runId;
    request.sampleIds = ids;
    request.intervention = iv;
    std::string error;
    auto traces = mor::traceCounterfactual(request, &error);
    if (traces.size() != ids.size()) {
        qFatal("traceCounterfactual: %s", error.c_str());
    }
    return traces;
}

/// The fused answer and every expert's drafts agree to float rounding.
bool sameTrace(const mor::SampleTrace& a, const mor::SampleTrace& b, std::string* why)
{
    const auto close = [](float x, float y) { return std::abs(x - y) <= 1e-5f; };
    if (a.finalPred != b.finalPred || a.experts.size() != b.experts.size()
        || a.fusedProbs.size() != b.fusedProbs.size()) {
        *why = "answer or expert set differs";
        return false;
    }
    for (size_t c = 0; c < a.fusedProbs.size(); ++c) {
        if (!close(a.fusedProbs[c], b.fusedProbs[c])) {
            *why = "fused probs differ";
            return false;
        }
    }
    for (size_t j = 0; j < a.experts.size(); ++j) {
        const auto& x = a.experts[j];
        const auto& y = b.experts[j];
        if (x.expert != y.expert || x.haltStep != y.haltStep || x.steps.size() != y.steps.size()
            || !close(x.gate, y.gate) || !close(x.confidence, y.confidence)) {
            *why = "expert " + std::to_string(x.expert) + " differs";
            return false;
        }
        for (size_t t = 0; t < x.steps.size(); ++t) {
            if (!close(x.steps[t].critique, y.steps[t].critique)
                || !close(x.steps[t].haltProb, y.steps[t].haltProb)
                || !close(x.steps[t].probs[0], y.steps[t].probs[0])) {
                *why = "step " + std::to_string(t + 1) + " differs";
                return false;
            }
        }
    }
    return true;
}

const std::vector<int64_t> kSamples{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

} // namespace

class TstIntegrationModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void confidenceFusionMatchesHandComputation();
    void learnedFusionWeightsAreDistributionsOverSelected_data();
    void learnedFusionWeightsAreDistributionsOverSelected();
    void jensenShannonIsInBits();
    void conflictFiresOnlyWhenConfidentExpertsDisagree_data();
    void conflictFiresOnlyWhenConfidentExpertsDisagree();
    void resolutionPolicyPicksWhatItSays_data();
    void resolutionPolicyPicksWhatItSays();
    void agreeingExpertsRaiseNoConflict();
    void backwardReachesEveryPart_data();
    void backwardReachesEveryPart();
    void unroutedExpertIsNeverCalled();
    void lossTermsAndWeightedTotal();
    void traceMatchesForward();
    void topOneRouterLearnsFromTheTaskUnlessRenormalised_data();
    void topOneRouterLearnsFromTheTaskUnlessRenormalised();
    void stepPredsCoverDeepestExpertAndFlopsGrowWithDepth();
    void baselineConfigsTrainAndTrace_data();
    void baselineConfigsTrainAndTrace();
    void smallModelOverfitsTinyBatch_data();
    void smallModelOverfitsTinyBatch();
    void dirichletUncertaintyAndLossMatchClosedForms_data();
    void dirichletUncertaintyAndLossMatchClosedForms();
    void evidentialLossGradientMatchesReference();
    void evidentialLossAveragesSelectedPairsAndAnneals();
    void evidenceHeadsGiveUncertaintyAndLearnFromTheLoss();
    void subjectiveLogicCombinationMatchesHandComputation();
    void subjectiveLogicFusionCombinesSelectedExperts();
    void unweightedConflictScoreShowsDominatedDisagreement_data();
    void unweightedConflictScoreShowsDominatedDisagreement();
    void conflictNeedsTwoSelectedExperts_data();
    void conflictNeedsTwoSelectedExperts();
    void flopsCountTheEvidenceHeadsAndCombination();
    // counterfactuals (#19), on a trained fixture
    void plainCounterfactualTraceEqualsLoggedTrace();
    void forceHaltAtMaxDepthEqualsPlainForFixedHalting();
    void forceHaltAndExtraStepsSetTheAnsweringStep();
    void vetoOfUnselectedExpertChangesNothing();
    void vetoOfEverySelectedExpertFallsBackToBestRemaining();
    void forcedRoutingToTheSelectedSetReproducesTheAnswer();
    void noCritiqueFeedbackChangesOnlyLaterSteps();
    void haltAtMaxDepthRowEqualsFixedDepthAccuracy_data();
    void haltAtMaxDepthRowEqualsFixedDepthAccuracy();
    void badInterventionIsRefusedWithAMessage();
};

void TstIntegrationModel::confidenceFusionMatchesHandComputation()
{
    Integration fusion(IntegrationOptions(3, 2).fusion("confidence").gamma(2.0));
    const auto q = torch::tensor({0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f}).view({1, 3, 2});
    const auto c = torch::tensor({{0.5f, 0.9f, 0.7f}});
    const auto g = torch::tensor({{0.6f, 0.4f, 0.0f}});
    const auto mask = torch::tensor({{true, true, false}});
    const auto out = fusion->forward(q, c, g, mask);
    // w ~ g * c^2: 0.6 * 0.25 = 0.15 and 0.4 * 0.81 = 0.324; the unselected expert gets 0.
    const float w0 = 0.15f / 0.474f;
    const float w1 = 0.324f / 0.474f;
    QVERIFY(torch::allclose(out.weights, torch::tensor({{w0, w1, 0.f}}), 1e-5, 1e-6));
    QVERIFY(torch::allclose(out.probs,
                            torch::tensor({{0.9f * w0 + 0.2f * w1, 0.1f * w0 + 0.8f * w1}}), 1e-5,
                            1e-6));
}

void TstIntegrationModel::learnedFusionWeightsAreDistributionsOverSelected_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<QString>("combination");
    QTest::newRow("attention") << "attention" << "decider";
    QTest::newRow("evidential decider") << "evidential" << "decider";
    QTest::newRow("evidential subjective logic") << "evidential" << "subjective_logic";
}

void TstIntegrationModel::learnedFusionWeightsAreDistributionsOverSelected()
{
    QFETCH(QString, fusion);
    QFETCH(QString, combination);
    torch::manual_seed(8);
    Integration integration(IntegrationOptions(4, 3)
                                .fusion(fusion.toStdString())
                                .evidentialCombination(combination.toStdString()));
    QVERIFY(!integration->parameters().empty());
    const auto q = torch::softmax(torch::randn({5, 4, 3}), 2);
    const auto mask = torch::rand({5, 4}).gt(0.5);
    mask.select(1, 0).fill_(true);
    const auto w = integration->weights(q, torch::rand({5, 4}), torch::rand({5, 4}), mask);
    QVERIFY(torch::allclose(w.sum(1), torch::ones({5}), 1e-5, 1e-6));
    QCOMPARE(w.masked_select(mask.logical_not()).abs().sum().item<float>(), 0.f);
}

void TstIntegrationModel::jensenShannonIsInBits()
{
    const auto opposite = torch::tensor({1.f, 0.f, 0.f, 1.f}).view({1, 2, 2});
    const auto half = torch::tensor({{0.5f, 0.5f}});
    QVERIFY(std::abs(weightedJensenShannon(opposite, half).item<float>() - 1.f) < 1e-5f);
    const auto same = torch::tensor({0.7f, 0.3f, 0.7f, 0.3f}).view({1, 2, 2});
    QVERIFY(weightedJensenShannon(same, half).item<float>() < 1e-6f);
}

void TstIntegrationModel::conflictFiresOnlyWhenConfidentExpertsDisagree_data()
{
    QTest::addColumn<QList<double>>("answers"); // two experts, two classes
    QTest::addColumn<QList<double>>("confidences");
    QTest::addColumn<bool>("conflict");
    QTest::newRow("confident and opposite") << QList<double>{0.95, 0.05, 0.05, 0.95}
                                            << QList<double>{0.9, 0.8} << true;
    QTest::newRow("confident and agreeing") << QList<double>{0.95, 0.05, 0.9, 0.1}
                                            << QList<double>{0.9, 0.8} << false;
    QTest::newRow("opposite but one unsure") << QList<double>{0.95, 0.05, 0.05, 0.95}
                                             << QList<double>{0.9, 0.3} << false;
    QTest::newRow("mild disagreement") << QList<double>{0.6, 0.4, 0.45, 0.55}
                                       << QList<double>{0.9, 0.9} << false;
}

void TstIntegrationModel::conflictFiresOnlyWhenConfidentExpertsDisagree()
{
    QFETCH(QList<double>, answers);
    QFETCH(QList<double>, confidences);
    QFETCH(bool, conflict);
    Integration integration(
        IntegrationOptions(2, 2).conflictThreshold(0.3).confidentThreshold(0.6));
    std::vector<float> q(answers.begin(), answers.end());
    std::vector<float> c(confidences.begin(), confidences.end());
    const auto out = integration->forward(torch::tensor(q).view({1, 2, 2}),
                                          torch::tensor(c).view({1, 2}),
                                          torch::tensor({{0.5f, 0.5f}}),
                                          torch::ones({1, 2}, torch::kBool));
    QCOMPARE(out.conflict[0].item<bool>(), conflict);
}

void TstIntegrationModel::resolutionPolicyPicksWhatItSays_data()
{
    QTest::addColumn<QString>("resolution");
    QTest::newRow("weighted") << "weighted";
    QTest::newRow("most_confident") << "most_confident";
    QTest::newRow("re_reflect") << "re_reflect";
    QTest::newRow("flag") << "flag";
}

void TstIntegrationModel::resolutionPolicyPicksWhatItSays()
{
    QFETCH(QString, resolution);
    // Expert 1 is made to carry more weight (gate * confidence) than expert 0 would on most
    // inputs only through the router, so "most confident" (expert 0) and "most weight" differ
    // in general; each policy must follow its own rule.
    auto model = disagreeingModel(resolution.toStdString(), 3.0, 1.5);
    model->eval();
    const int64_t batch = 9;
    torch::manual_seed(21);
    const auto x = torch::randn({batch, 6});
    const auto y = torch::zeros({batch}, torch::kLong);
    const auto before = model->expertRowsProcessed();
    const auto traces = model->trace(x, y, {}, {});
    const auto after = model->expertRowsProcessed();
    QCOMPARE(int64_t(traces.size()), batch);
    for (const auto& t : traces) {
        QVERIFY(t.conflict);
        QCOMPARE(QString::fromStdString(t.resolution), resolution);
        QCOMPARE(int(t.experts.size()), 2);
        const auto& e0 = t.experts[0];
        const auto& e1 = t.experts[1];
        if (resolution == "most_confident") {
            QCOMPARE(t.winner, 0);
            QCOMPARE(t.finalPred, int64_t(0));
            QVERIFY(std::abs(t.fusedProbs[0] - t.experts[0].steps.back().probs[0]) < 1e-6f);
        } else {
            // Kept fused answer: sum_j w_j q_j, the winner has the larger weight.
            const int heavier = e0.fusionWeight >= e1.fusionWeight ? 0 : 1;
            QCOMPARE(t.winner, heavier);
            const float fused0 = e0.fusionWeight * e0.steps.back().probs[0]
                                 + e1.fusionWeight * e1.steps.back().probs[0];
            QVERIFY(std::abs(t.fusedProbs[0] - fused0) < 1e-5f);
        }
        const int extra = resolution == "re_reflect" ? 2 : 0;
        for (const auto& et : t.experts) {
            QCOMPARE(et.haltStep, 2);
            QCOMPARE(et.extraSteps, extra);
            QCOMPARE(int(et.steps.size()), 2 + extra);
        }
        QCOMPARE(t.expertSteps, 2 * (2 + extra));
        QVERIFY(std::abs(t.margin - std::abs(t.fusedProbs[0] - t.fusedProbs[1])) < 1e-6f);
    }
    for (int j = 0; j < 2; ++j) {
        QCOMPARE(after[size_t(j)] - before[size_t(j)], batch * (2 + (resolution == "re_reflect" ? 2 : 0)));
    }
}

void TstIntegrationModel::agreeingExpertsRaiseNoConflict()
{
    auto model = disagreeingModel("weighted", 3.0, 3.0);
    setParameter(*model, "expert1.head.bias", torch::tensor({6.f, -6.f})); // now both say 0
    model->eval();
    torch::NoGradGuard noGrad;
    const auto out = model->forward(torch::randn({6, 6}), {}, {});
    QVERIFY(!out.conflict.any().item<bool>());
    QVERIFY(out.conflictScore.max().item<float>() < 1e-3f);
    QVERIFY(out.losses.empty());
    QVERIFY(!out.totalLoss.defined());
}

void TstIntegrationModel::backwardReachesEveryPart_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<QString>("combination");
    QTest::newRow("attention") << "attention" << "decider";
    QTest::newRow("evidential decider") << "evidential" << "decider";
    QTest::newRow("evidential subjective logic") << "evidential" << "subjective_logic";
}

void TstIntegrationModel::backwardReachesEveryPart()
{
    QFETCH(QString, fusion);
    QFETCH(QString, combination);
    auto config = smallConfig(3);
    const char* cells[3] = {"mlp", "gru", "transformer"};
    const char* halting[3] = {"critique", "pondernet", "act"};
    for (int j = 0; j < 3; ++j) {
        config.experts[size_t(j)].cell = cells[j];
        config.experts[size_t(j)].halting = halting[j];
        config.experts[size_t(j)].haltThreshold = j == 2 ? 0.99 : 0.9;
    }
    config.router.topK = 3;
    config.integration.fusion = fusion.toStdString();
    config.integration.evidentialCombination = combination.toStdString();
    torch::manual_seed(12);
    MoRModel model(config, ModelShape{8, 3, 1});
    model->train();
    const auto out = model->forward(torch::randn({16, 8}), torch::randint(0, 3, {16}), {});
    QCOMPARE(out.losses.count("evidential"), size_t(fusion == "evidential" ? 1 : 0));
    out.totalLoss.backward();
    QVERIFY(gradSum(*model, "router.") > 0.0);
    QVERIFY(gradSum(*model, "integration.") > 0.0);
    QVERIFY(gradSum(*model, "encoder.") > 0.0);
    for (int j = 0; j < 3; ++j) {
        const std::string prefix = "expert" + std::to_string(j) + ".";
        for (const char* part : {"cell.", "head.", "critic1.", "critic2.", "halt."}) {
            QVERIFY2(gradSum(*model, prefix + part) > 0.0, (prefix + part).c_str());
        }
    }
}

void TstIntegrationModel::unroutedExpertIsNeverCalled()
{
    auto config = smallConfig(3);
    config.router.topK = 1;
    MoRModel model(config, ModelShape{5, 2, 1});
    setParameter(*model, "router.out.weight", torch::zeros({1}));
    setParameter(*model, "router.out.bias", torch::tensor({10.f, -10.f, -10.f}));
    const auto x = torch::randn({12, 5});
    const auto y = torch::randint(0, 2, {12});
    model->train();
    auto out = model->forward(x, y, {});
    out.totalLoss.backward();
    model->eval();
    out = model->forward(x, y, {});
    model->trace(x, y, {}, {});
    const auto rows = model->expertRowsProcessed();
    QVERIFY(rows[0] > 0);
    QCOMPARE(rows[1], int64_t(0));
    QCOMPARE(rows[2], int64_t(0));
    QCOMPARE(out.mask.select(1, 0).sum().item<int64_t>(), int64_t(12));
    QCOMPARE(out.steps.narrow(1, 1, 2).sum().item<int64_t>(), int64_t(0));
}

void TstIntegrationModel::lossTermsAndWeightedTotal()
{
    auto config = smallConfig(2);
    config.router.selectorWeight = 0.3;
    config.router.sampling = "gumbel"; // the REINFORCE feedback needs sampled routing
    config.router.feedbackWeight = 0.1;
    config.integration.conflictWeight = 0.2;
    config.improvementWeight = 0.4;
    for (auto& ec : config.experts) {
        ec.haltWeight = 0.05;
    }
    MoRModel model(config, ModelShape{6, 3, 2});
    model->train();
    const auto out = model->forward(torch::randn({10, 6}), torch::randint(0, 3, {10}),
                                    torch::randint(0, 2, {10}));
    std::set<std::string> keys;
    std::string names;
    for (const auto& [k, v] : out.losses) {
        keys.insert(k);
        names += k + " ";
        QVERIFY2(v.dim() == 0 && std::isfinite(v.item<double>()), k.c_str());
    }
    qInfo("loss terms: %s", names.c_str());
    QCOMPARE(keys, (std::set<std::string>{"task", "expert", "critique", "halting", "balance", "z",
                                          "selector", "conflict", "improvement", "feedback"}));
    const auto& l = out.losses;
    const double expected = l.at("task").item<double>() + 0.5 * l.at("expert").item<double>()
                            + 0.1 * l.at("critique").item<double>()
                            + 0.05 * l.at("halting").item<double>()
                            + 0.01 * l.at("balance").item<double>()
                            + 0.001 * l.at("z").item<double>()
                            + 0.3 * l.at("selector").item<double>()
                            + 0.2 * l.at("conflict").item<double>()
                            + 0.4 * l.at("improvement").item<double>()
                            + 0.1 * l.at("feedback").item<double>();
    QVERIFY(std::abs(out.totalLoss.item<double>() - expected) < 1e-5);
    // Without the optional weights (and without domains) the optional terms are absent.
    MoRModel plain(smallConfig(2), ModelShape{6, 3, 2});
    const auto out2 = plain->forward(torch::randn({4, 6}), torch::randint(0, 3, {4}), {});
    QCOMPARE(out2.losses.count("selector") + out2.losses.count("conflict")
                 + out2.losses.count("improvement") + out2.losses.count("feedback")
                 + out2.losses.count("evidential"),
             size_t(0));
}

void TstIntegrationModel::topOneRouterLearnsFromTheTaskUnlessRenormalised_data()
{
    QTest::addColumn<bool>("renormalize");
    QTest::newRow("switch gating") << false;
    QTest::newRow("renormalised") << true;
}

void TstIntegrationModel::topOneRouterLearnsFromTheTaskUnlessRenormalised()
{
    // Switch-style gating scales the selected expert's answer by its router probability, so the
    // task loss reaches the router at top_k 1; renormalised over the selected set, the gate is
    // exactly 1 and the router gets no task gradient at all.
    QFETCH(bool, renormalize);
    torch::manual_seed(3);
    auto config = smallConfig(3);
    config.router.topK = 1;
    config.router.renormalize = renormalize;
    config.router.balanceWeight = 0.0;
    config.router.zLossWeight = 0.0;
    config.router.feedbackWeight = 0.0;
    MoRModel model(config, ModelShape{6, 3, 1});
    model->train();
    const auto out = model->forward(torch::randn({32, 6}), torch::randint(0, 3, {32}), {});
    out.totalLoss.backward();
    const double norm = gradSum(*model, "router.");
    if (renormalize) {
        QCOMPARE(norm, 0.0);
    } else {
        QVERIFY2(norm > 1e-6, std::to_string(norm).c_str());
    }
}

void TstIntegrationModel::traceMatchesForward()
{
    auto config = smallConfig(3, "mlp", 4);
    config.experts[1].halting = "pondernet";
    config.experts[2].cell = "transformer";
    torch::manual_seed(30);
    MoRModel model(config, ModelShape{7, 4, 3});
    model->eval();
    const auto x = torch::randn({10, 7});
    const auto y = torch::randint(0, 4, {10});
    const auto domain = torch::randint(0, 3, {10});
    ForwardOutput out;
    {
        torch::NoGradGuard noGrad;
        out = model->forward(x, y, domain);
    }
    std::vector<int64_t> ids(10);
    for (int i = 0; i < 10; ++i) {
        ids[size_t(i)] = 100 + i;
    }
    const auto traces = model->trace(x, y, domain, ids);
    const auto preds = out.logits.argmax(1);
    for (int64_t b = 0; b < 10; ++b) {
        const auto& t = traces[size_t(b)];
        QCOMPARE(t.sampleId, 100 + b);
        QCOMPARE(t.label, y[b].item<int64_t>());
        QCOMPARE(t.domain, domain[b].item<int64_t>());
        QCOMPARE(t.finalPred, preds[b].item<int64_t>());
        QCOMPARE(t.correct, t.finalPred == t.label);
        QCOMPARE(int64_t(t.expertSteps), out.steps[b].sum().item<int64_t>());
        QCOMPARE(t.flops, out.flops[b].item<double>());
        QCOMPARE(int(t.experts.size()), 2); // top_k = 2
        QCOMPARE(int(t.mask.size()), 3);
        float weightSum = 0.f;
        for (const auto& et : t.experts) {
            QCOMPARE(t.mask[size_t(et.expert)], uint8_t(1));
            QCOMPARE(int(et.steps.size()), et.haltStep + et.extraSteps);
            QCOMPARE(int64_t(et.haltStep), out.steps[b][et.expert].item<int64_t>());
            QVERIFY(et.haltStep >= 1 && et.haltStep <= 4);
            for (size_t s = 0; s < et.steps.size(); ++s) {
                QCOMPARE(et.steps[s].iteration, int(s + 1));
                float sum = 0.f;
                for (float p : et.steps[s].probs) {
                    sum += p;
                }
                QVERIFY(std::abs(sum - 1.f) < 1e-5f);
            }
            QCOMPARE(et.confidence, et.steps.back().critique);
            weightSum += et.fusionWeight;
        }
        QVERIFY(std::abs(weightSum - 1.f) < 1e-5f);
        // At the last step every expert answers at its halting step: the fused prediction.
        QCOMPARE(out.stepPreds[3][b].item<int64_t>(), t.finalPred);
    }
}

void TstIntegrationModel::stepPredsCoverDeepestExpertAndFlopsGrowWithDepth()
{
    auto config = smallConfig(2);
    config.experts[0].maxDepth = 2;
    config.experts[1].maxDepth = 5;
    for (auto& ec : config.experts) {
        ec.halting = "fixed";
    }
    torch::manual_seed(40);
    MoRModel model(config, ModelShape{4, 2, 1});
    model->eval();
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({6, 4});
    const auto out = model->forward(x, {}, {});
    QCOMPARE(out.stepPreds.sizes().vec(), (std::vector<int64_t>{5, 6}));
    QVERIFY(torch::equal(out.steps.select(1, 0), torch::full({6}, 2, torch::kLong)));
    QVERIFY(torch::equal(out.steps.select(1, 1), torch::full({6}, 5, torch::kLong)));

    auto shallowConfig = config;
    shallowConfig.experts[1].maxDepth = 1;
    torch::manual_seed(40);
    MoRModel shallow(shallowConfig, ModelShape{4, 2, 1});
    shallow->eval();
    const auto outShallow = shallow->forward(x, {}, {});
    QVERIFY((out.flops - outShallow.flops).min().item<double>() > 0.0);
}

void TstIntegrationModel::baselineConfigsTrainAndTrace_data()
{
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("depth");
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<QString>("halting");
    QTest::newRow("dense") << 1 << 1 << "top_k" << "fixed";
    QTest::newRow("moe") << 4 << 1 << "top_k" << "fixed";
    QTest::newRow("reflection only") << 1 << 4 << "top_k" << "critique";
    QTest::newRow("threshold pondernet") << 3 << 3 << "threshold" << "pondernet";
    QTest::newRow("top_p act") << 3 << 3 << "top_p" << "act";
    QTest::newRow("expert choice") << 3 << 2 << "expert_choice" << "critique";
    QTest::newRow("shared routed") << 3 << 2 << "shared_routed" << "critique";
    QTest::newRow("random") << 3 << 2 << "random" << "fixed";
}

void TstIntegrationModel::baselineConfigsTrainAndTrace()
{
    QFETCH(int, experts);
    QFETCH(int, depth);
    QFETCH(QString, strategy);
    QFETCH(QString, halting);
    auto config = smallConfig(experts, "gru", depth);
    config.router.strategy = strategy.toStdString();
    config.router.jitter = 0.1;
    for (auto& ec : config.experts) {
        ec.halting = halting.toStdString();
    }
    torch::manual_seed(50);
    MoRModel model(config, ModelShape{5, 3, 1});
    model->train();
    const auto x = torch::randn({8, 5});
    const auto y = torch::randint(0, 3, {8});
    const auto out = model->forward(x, y, {});
    QVERIFY(std::isfinite(out.totalLoss.item<double>()));
    out.totalLoss.backward();
    QVERIFY(out.mask.any(1).all().item<bool>()); // every input reaches an expert
    // Per-step fused predictions are an evaluation diagnostic: training does not compute them.
    QVERIFY(!out.stepPreds.defined() || out.stepPreds.numel() == 0);
    model->eval();
    {
        torch::NoGradGuard noGrad;
        QCOMPARE(model->forward(x, y, {}).stepPreds.size(0), int64_t(depth));
    }
    model->train();
    const auto traces = model->trace(x, y, {}, {});
    QVERIFY(model->is_training()); // trace restores the mode
    QCOMPARE(int64_t(traces.size()), int64_t(8));
    QVERIFY(!traces[0].experts.empty());
    // An empty batch is harmless.
    const auto empty = model->forward(torch::zeros({0, 5}), torch::zeros({0}, torch::kLong), {});
    QCOMPARE(empty.logits.size(0), int64_t(0));
}

void TstIntegrationModel::smallModelOverfitsTinyBatch_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<QString>("combination");
    QTest::newRow("confidence") << "confidence" << "decider";
    QTest::newRow("evidential decider") << "evidential" << "decider";
    QTest::newRow("evidential subjective logic") << "evidential" << "subjective_logic";
}

void TstIntegrationModel::smallModelOverfitsTinyBatch()
{
    QFETCH(QString, fusion);
    QFETCH(QString, combination);
    torch::manual_seed(0);
    auto config = smallConfig(2, "gru", 3);
    config.integration.fusion = fusion.toStdString();
    config.integration.evidentialCombination = combination.toStdString();
    config.integration.evidentialAnnealSteps = 50;
    config.encoder.hidden = 32;
    for (auto& ec : config.experts) {
        ec.width = 32;
    }
    MoRModel model(config, ModelShape{10, 4, 1});
    model->train();
    const auto x = torch::randn({32, 10});
    const auto y = torch::randint(0, 4, {32});
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
    double first = 0.0;
    double last = 0.0;
    double firstEvidential = 0.0;
    double lastEvidential = 0.0;
    for (int step = 0; step < 200; ++step) {
        optimizer.zero_grad();
        const auto out = model->forward(x, y, {});
        out.totalLoss.backward();
        optimizer.step();
        const double task = out.losses.at("task").item<double>();
        const double evidential =
            out.losses.count("evidential") ? out.losses.at("evidential").item<double>() : 0.0;
        QVERIFY(std::isfinite(task) && std::isfinite(evidential));
        if (step == 0) {
            first = task;
            firstEvidential = evidential;
        }
        last = task;
        lastEvidential = evidential;
    }
    qInfo("task loss %.4f -> %.4f, evidential %.4f -> %.4f", first, last, firstEvidential,
          lastEvidential);
    QVERIFY(last < first / 5.0);
    if (fusion == "evidential") {
        // Confident and right: the evidence for the true class grows, so the expected
        // cross-entropy (and with it the whole loss, the KL ramped in meanwhile) falls.
        QVERIFY(lastEvidential < firstEvidential / 2.0);
    }
    model->eval();
    torch::NoGradGuard noGrad;
    const auto acc = model->forward(x, y, {}).logits.argmax(1).eq(y).to(torch::kFloat).mean();
    QVERIFY(acc.item<float>() > 0.9f);
}

// --- Evidential fusion and the conflict score. Numbers from
// tests/core/model/python/evidential_reference.py (float64, torch or scipy) unless closed forms.

void TstIntegrationModel::dirichletUncertaintyAndLossMatchClosedForms_data()
{
    QTest::addColumn<QList<double>>("alpha");
    QTest::addColumn<int>("label");
    QTest::addColumn<double>("uncertainty");
    QTest::addColumn<double>("expectedCrossEntropy");
    QTest::addColumn<double>("kl");
    // u = K / S; CE = digamma(S) - digamma(alpha_y) = sum_{n = alpha_y}^{S - 1} 1 / n for
    // integers; alpha~ = [1, 1, 1] is Dir(1) itself (KL 0); KL(Dir(1, 3, 1)) = ln 6 - 7 / 6
    // (reference rows 1, 2 and 2b).
    QTest::newRow("[2, 1, 1], y 0") << QList<double>{2, 1, 1} << 0 << 0.75 << 5.0 / 6.0 << 0.0;
    QTest::newRow("[2, 3, 1], y 0") << QList<double>{2, 3, 1} << 0 << 0.5 << 77.0 / 60.0
                                    << std::log(6.0) - 7.0 / 6.0;
    // y 1: alpha~ = [2, 1, 1], KL = ln 6 - ln 2 + digamma(2) - digamma(4) = ln 3 - 5 / 6.
    QTest::newRow("[2, 3, 1], y 1") << QList<double>{2, 3, 1} << 1 << 0.5
                                    << 1.0 / 3.0 + 0.25 + 0.2 << std::log(3.0) - 5.0 / 6.0;
}

void TstIntegrationModel::dirichletUncertaintyAndLossMatchClosedForms()
{
    QFETCH(QList<double>, alpha);
    QFETCH(int, label);
    QFETCH(double, uncertainty);
    QFETCH(double, expectedCrossEntropy);
    QFETCH(double, kl);
    const auto a = torch::tensor(std::vector<double>(alpha.begin(), alpha.end()), torch::kDouble)
                       .view({1, -1});
    const auto y = torch::tensor({int64_t(label)});
    QVERIFY(std::abs(dirichletUncertainty(a).item<double>() - uncertainty) < 1e-12);
    QVERIFY(std::abs(dirichletExpectedCrossEntropy(a, y).item<double>() - expectedCrossEntropy)
            < 1e-9);
    auto misleading = a.clone();
    misleading[0][label] = 1.0;
    QVERIFY(std::abs(dirichletKlToUniform(misleading).item<double>() - kl) < 1e-9);
    QVERIFY(std::abs(evidentialLossPerRow(a, y, 0.5).item<double>()
                     - (expectedCrossEntropy + 0.5 * kl))
            < 1e-9);
    QVERIFY(std::abs(evidentialLossPerRow(a, y, 0.0).item<double>() - expectedCrossEntropy)
            < 1e-9);
}

void TstIntegrationModel::evidentialLossGradientMatchesReference()
{
    // d CE / d alpha_k = trigamma(S) - [k == y] trigamma(alpha_y): reference row 2.
    const auto alpha = torch::tensor({{2.0, 3.0, 1.0}}, torch::kDouble).requires_grad_(true);
    dirichletExpectedCrossEntropy(alpha, torch::tensor({int64_t(0)})).sum().backward();
    const auto expected = torch::tensor({{-0.463611111, 0.181322956, 0.181322956}}, torch::kDouble);
    QVERIFY(torch::allclose(alpha.grad(), expected, 0.0, 1e-8));
    // The whole loss at lambda 1: 77/60 + ln 6 - 7/6 = 1.908426136.
    QVERIFY(std::abs(evidentialLossPerRow(alpha.detach(), torch::tensor({int64_t(0)}), 1.0)
                         .item<double>()
                     - 1.908426136)
            < 1e-8);
}

void TstIntegrationModel::evidentialLossAveragesSelectedPairsAndAnneals()
{
    Integration integration(IntegrationOptions(2, 3)
                                .fusion("evidential")
                                .evidentialKlWeight(1.0)
                                .evidentialAnnealSteps(4));
    Fusion fusion;
    fusion.alpha = torch::tensor({1.5f, 4.f, 2.f, 3.f, 1.2f, 1.f, 2.f, 2.f, 6.f, 9.f, 9.f, 9.f})
                       .view({2, 2, 3});
    const auto mask = torch::tensor({{true, true}, {true, false}});
    const auto y = torch::tensor({int64_t(1), int64_t(2)});
    QCOMPARE(integration->evidentialStep(), int64_t(0));
    integration->train();
    // Reference row 3: the mean over the 3 selected pairs (the unselected [9, 9, 9] ignored).
    const double first = integration->evidentialLoss(fusion, y, mask).item<double>();
    QCOMPARE(integration->evidentialStep(), int64_t(1));
    QVERIFY2(std::abs(first - 1.123451866) < 1e-5, std::to_string(first).c_str());
    const double second = integration->evidentialLoss(fusion, y, mask).item<double>();
    QVERIFY2(std::abs(second - 1.221987478) < 1e-5, std::to_string(second).c_str());
    // Evaluation and no-grad calls do not advance the schedule.
    integration->eval();
    QVERIFY(std::abs(integration->evidentialLoss(fusion, y, mask).item<double>() - second) < 1e-6);
    integration->train();
    {
        torch::NoGradGuard noGrad;
        integration->evidentialLoss(fusion, y, mask);
    }
    QCOMPARE(integration->evidentialStep(), int64_t(2));
    QCOMPARE(integration->evidentialKlCoefficient(), 0.5);
    // The step is a buffer: it survives a checkpoint.
    std::stringstream stream;
    {
        torch::serialize::OutputArchive archive;
        integration->save(archive);
        archive.save_to(stream);
    }
    Integration restored(IntegrationOptions(2, 3).fusion("evidential").evidentialAnnealSteps(4));
    {
        torch::serialize::InputArchive archive;
        archive.load_from(stream);
        restored->load(archive);
    }
    QCOMPARE(restored->evidentialStep(), int64_t(2));
    for (int i = 0; i < 5; ++i) {
        integration->evidentialLoss(fusion, y, mask);
    }
    QCOMPARE(integration->evidentialKlCoefficient(), 1.0); // saturates at the weight
    // Other fusions have no evidential loss.
    Integration confidence(IntegrationOptions(2, 3));
    QVERIFY(!confidence->evidentialLoss(fusion, y, mask).defined());
}

void TstIntegrationModel::evidenceHeadsGiveUncertaintyAndLearnFromTheLoss()
{
    torch::manual_seed(5);
    Integration integration(IntegrationOptions(3, 3).fusion("evidential"));
    integration->train();
    const auto q = torch::softmax(torch::randn({4, 3, 3}), 2);
    const auto c = torch::rand({4, 3});
    const auto g = torch::rand({4, 3});
    const auto mask = torch::tensor({{true, true, false}, {true, false, true},
                                     {false, true, true}, {true, true, true}});
    const auto out = integration->forward(q, c, g, mask);
    QCOMPARE(out.alpha.sizes().vec(), (std::vector<int64_t>{4, 3, 3}));
    QVERIFY(out.alpha.ge(1.0).all().item<bool>());
    QVERIFY(torch::allclose(out.uncertainty, 3.0 / out.alpha.sum(2)));
    // Unselected experts hold the vacuous opinion.
    QVERIFY(out.uncertainty.masked_select(mask.logical_not()).eq(1.0).all().item<bool>());
    QVERIFY(out.uncertainty.masked_select(mask).lt(1.0).all().item<bool>());
    const auto loss = integration->evidentialLoss(out, torch::tensor({0, 1, 2, 0}), mask);
    loss.backward();
    QVERIFY(gradSum(*integration, "evidence_weight") > 0.0);
    // Every expert's own head learns from the rows it was selected for.
    const auto grad = integration->named_parameters()["evidence_bias"].grad();
    QVERIFY(grad.abs().sum(1).gt(0.0).all().item<bool>());
}

void TstIntegrationModel::subjectiveLogicCombinationMatchesHandComputation()
{
    // Two opinions with S = 15: b1 = [0.5, 0.2, 0.1], b2 = [0.1, 0.6, 0.1], u1 = u2 = 0.2.
    // C = 0.8 * 0.8 - (0.05 + 0.12 + 0.01) = 0.46; b = [0.17, 0.28, 0.05] / 0.54,
    // u = 0.04 / 0.54 (reference row 4).
    const auto first = opinionFromAlpha(torch::tensor({{8.5, 4.0, 2.5}}, torch::kDouble));
    const auto second = opinionFromAlpha(torch::tensor({{2.5, 10.0, 2.5}}, torch::kDouble));
    QVERIFY(torch::allclose(first.belief, torch::tensor({{0.5, 0.2, 0.1}}, torch::kDouble)));
    QVERIFY(std::abs(first.uncertainty.item<double>() - 0.2) < 1e-12);
    const auto fused = combineOpinions(first, second);
    const auto expected =
        torch::tensor({{0.314814815, 0.518518519, 0.092592593}}, torch::kDouble);
    QVERIFY(torch::allclose(fused.belief, expected, 0.0, 1e-9));
    QVERIFY(std::abs(fused.uncertainty.item<double>() - 0.074074074) < 1e-9);
    QVERIFY(std::abs(fused.belief.sum().item<double>() + fused.uncertainty.item<double>() - 1.0)
            < 1e-12);
    // Commutative, and the vacuous opinion is the identity.
    const auto swapped = combineOpinions(second, first);
    QVERIFY(torch::allclose(swapped.belief, fused.belief));
    const Opinion vacuous{torch::zeros({1, 3}, torch::kDouble), torch::ones({1}, torch::kDouble)};
    const auto same = combineOpinions(first, vacuous);
    QVERIFY(torch::allclose(same.belief, first.belief));
    QVERIFY(torch::allclose(same.uncertainty, first.uncertainty));
}

void TstIntegrationModel::subjectiveLogicFusionCombinesSelectedExperts()
{
    Integration integration(
        IntegrationOptions(3, 3).fusion("evidential").evidentialCombination("subjective_logic"));
    // No decider: only the per-expert evidence heads.
    QCOMPARE(int(integration->parameters().size()), 2);
    // Zero weights: each expert's evidence is softplus(bias) = [4, 1, 0.5] and [0.5, 2, 0.5]
    // (reference row 5); expert 2 has overwhelming evidence for class 0 but is not selected.
    setParameter(*integration, "evidence_weight", torch::zeros({1}));
    setParameter(*integration, "evidence_bias",
                 torch::tensor({3.981514553f, 0.541324855f, -0.432752130f, -0.432752130f,
                                1.854586542f, -0.432752130f, 30.f, -30.f, -30.f})
                     .view({3, 3}));
    const auto q = torch::softmax(torch::randn({1, 3, 3}), 2);
    const auto out = integration->forward(q, torch::rand({1, 3}), torch::rand({1, 3}),
                                          torch::tensor({{true, true, false}}));
    QVERIFY(torch::allclose(out.uncertainty, torch::tensor({{0.352941176f, 0.5f, 1.f}}), 0.0,
                            1e-5));
    QVERIFY(torch::allclose(out.probs, torch::tensor({{0.477419355f, 0.361290323f, 0.161290323f}}),
                            0.0, 1e-5));
    // Reported weights: each selected expert's share of committed belief, (1 - u_j) normalised.
    QVERIFY(torch::allclose(out.weights, torch::tensor({{0.564102564f, 0.435897436f, 0.f}}), 0.0,
                            1e-5));
}

void TstIntegrationModel::unweightedConflictScoreShowsDominatedDisagreement_data()
{
    QTest::addColumn<QString>("score");
    QTest::addColumn<double>("expected");
    QTest::addColumn<bool>("conflict");
    // Reference row 6: JSD of [1, 0] and [0, 1]: 1 bit with equal weights, H(0.95) = 0.2864
    // bits with the fusion weights.
    QTest::newRow("unweighted") << "unweighted" << 1.0 << true;
    QTest::newRow("weighted") << "weighted" << 0.286396957 << false;
}

void TstIntegrationModel::unweightedConflictScoreShowsDominatedDisagreement()
{
    QFETCH(QString, score);
    QFETCH(double, expected);
    QFETCH(bool, conflict);
    Integration integration(IntegrationOptions(2, 2).conflictScore(score.toStdString()));
    QCOMPARE(QString::fromStdString(integration->options.conflictScore()), score);
    const auto q = torch::tensor({1.f, 0.f, 0.f, 1.f}).view({1, 2, 2});
    const auto out = integration->forward(q, torch::ones({1, 2}), torch::tensor({{0.95f, 0.05f}}),
                                          torch::ones({1, 2}, torch::kBool));
    QVERIFY(torch::allclose(out.weights, torch::tensor({{0.95f, 0.05f}})));
    QVERIFY2(std::abs(out.score.item<double>() - expected) < 1e-5,
             std::to_string(out.score.item<double>()).c_str());
    QCOMPARE(out.conflict.item<bool>(), conflict);
}

void TstIntegrationModel::conflictNeedsTwoSelectedExperts_data()
{
    QTest::addColumn<QString>("score");
    QTest::newRow("unweighted") << "unweighted";
    QTest::newRow("weighted") << "weighted";
}

void TstIntegrationModel::conflictNeedsTwoSelectedExperts()
{
    QFETCH(QString, score);
    Integration integration(IntegrationOptions(3, 3).conflictScore(score.toStdString()));
    const auto q = torch::tensor({0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.2f, 0.2f, 0.6f})
                       .view({1, 3, 3})
                       .repeat({4, 1, 1});
    q[0][1] = torch::tensor({0.f, 0.f, 1.f}); // row 0: opposite answers, only one selected
    q[0][0] = torch::tensor({1.f, 0.f, 0.f});
    const auto mask = torch::tensor({{true, false, false}, {false, false, false},
                                     {true, true, false}, {true, true, true}});
    const auto out = integration->forward(q, torch::ones({4, 3}), torch::ones({4, 3}), mask);
    QCOMPARE(out.score[0].item<float>(), 0.f);
    QCOMPARE(out.score[1].item<float>(), 0.f);
    QVERIFY(!out.conflict[0].item<bool>());
    QVERIFY(!out.conflict[1].item<bool>());
    if (score == "unweighted") { // equal gates and confidences: the two scores agree here
        QVERIFY(std::abs(out.score[2].item<double>() - 0.332751102) < 1e-5);
        QVERIFY(std::abs(out.score[3].item<double>() - 0.266610508) < 1e-5);
    }
    QVERIFY(torch::allclose(unweightedJensenShannon(q, mask), out.score));
    QVERIFY(torch::allclose(weightedJensenShannon(q, out.weights), out.score, 1e-5, 1e-6));
}

void TstIntegrationModel::flopsCountTheEvidenceHeadsAndCombination()
{
    const int64_t c = 4;
    const int64_t h = 16;
    const auto flops = [&](const std::string& fusion, const std::string& combination) {
        return Integration(IntegrationOptions(3, c)
                               .fusion(fusion)
                               .hidden(h)
                               .evidentialCombination(combination))
            ->flopsPerExpert();
    };
    const double decider = flops("evidential", "decider");
    const double subjective = flops("evidential", "subjective_logic");
    // The evidence head alone is a [c + 1] -> c linear layer per expert: 2 (c + 1) c.
    QVERIFY(decider > 2.0 * (c + 1) * c + 2.0 * 3 * h + 2.0 * h);
    QVERIFY(subjective > 2.0 * (c + 1) * c + 7.0 * c);
    QVERIFY(subjective < decider); // no decider network
    QVERIFY(flops("confidence", "decider") < flops("attention", "decider"));
    // The decider's cost grows with its width; the combination's does not.
    const double wide = Integration(IntegrationOptions(3, c)
                                        .fusion("evidential")
                                        .hidden(2 * h)
                                        .evidentialCombination("subjective_logic"))
                            ->flopsPerExpert();
    QCOMPARE(wide, subjective);
}

void TstIntegrationModel::plainCounterfactualTraceEqualsLoggedTrace()
{
    // The trainer logged probe traces with the old path at its last evaluation; the
    // intervention-free pass on the checkpoint of that step must give the same trace.
    const auto& run = trainedRun("critique");
    std::string error;
    auto reader = mor::LogReader::open(run.log, &error);
    QVERIFY2(reader, error.c_str());
    const auto steps = reader->traceSteps(run.runId);
    QVERIFY(!steps.empty());
    const auto checkpoints = reader->checkpoints(run.runId);
    QVERIFY(!checkpoints.empty());
    int compared = 0;
    for (int64_t id = 0; id < 400 && compared < 3; ++id) {
        const auto logged = reader->trace(run.runId, steps.back(), id);
        if (!logged) {
            continue;
        }
        mor::TraceRequest request;
        request.logPath = run.log;
        request.runId = run.runId;
        request.step = steps.back();
        request.sampleIds = {id};
        const auto traces = mor::traceCounterfactual(request, &error);
        QVERIFY2(traces.size() == 1, error.c_str());
        QVERIFY2(sameTrace(*logged, traces.front(), &error), error.c_str());
        ++compared;
    }
    QCOMPARE(compared, 3);
    // and traceCheckpoint (the stepper's call) is the same pass
    const auto old = mor::traceCheckpoint(run.log, run.runId, -1, kSamples, &error);
    const auto now = traceUnder(run, kSamples);
    QCOMPARE(old.size(), now.size());
    for (size_t i = 0; i < old.size(); ++i) {
        QVERIFY2(sameTrace(old[i], now[i], &error), error.c_str());
    }
}

void TstIntegrationModel::forceHaltAtMaxDepthEqualsPlainForFixedHalting()
{
    const auto& run = trainedRun("fixed");
    mor::Intervention iv;
    iv.forceHalt = 3;
    const auto plain = traceUnder(run, kSamples);
    const auto forced = traceUnder(run, kSamples, iv);
    std::string why;
    for (size_t i = 0; i < plain.size(); ++i) {
        QVERIFY2(sameTrace(plain[i], forced[i], &why), why.c_str());
        QCOMPARE(forced[i].expertSteps, 6); // two selected experts, three steps each
    }
    iv.forceHalt = 7; // past the max depth: min(k, T)
    const auto past = traceUnder(run, kSamples, iv);
    for (size_t i = 0; i < plain.size(); ++i) {
        QVERIFY2(sameTrace(plain[i], past[i], &why), why.c_str());
    }
}

void TstIntegrationModel::forceHaltAndExtraStepsSetTheAnsweringStep()
{
    const auto& run = trainedRun("critique");
    mor::Intervention one;
    one.forceHalt = 1;
    mor::Intervention extra;
    extra.extraSteps = 2;
    const auto plain = traceUnder(run, kSamples);
    const auto early = traceUnder(run, kSamples, one);
    const auto longer = traceUnder(run, kSamples, extra);
    for (size_t i = 0; i < plain.size(); ++i) {
        QCOMPARE(early[i].experts.size(), plain[i].experts.size());
        for (size_t j = 0; j < plain[i].experts.size(); ++j) {
            const auto& p = plain[i].experts[j];
            const auto& e = early[i].experts[j];
            const auto& l = longer[i].experts[j];
            QCOMPARE(e.haltStep, 1);
            QCOMPARE(int(e.steps.size()), 1);
            QCOMPARE(e.steps[0].critique, p.steps[0].critique); // step 1 is the same step
            QCOMPARE(e.confidence, p.steps[0].critique);
            QCOMPARE(l.haltStep, 5);
            QCOMPARE(int(l.steps.size()), 5);
            for (int t = 0; t < p.haltStep; ++t) { // the steps the plain run took are unchanged
                QVERIFY(std::abs(l.steps[size_t(t)].critique - p.steps[size_t(t)].critique)
                        < 1e-6f);
            }
            QCOMPARE(l.confidence, l.steps.back().critique);
        }
        QCOMPARE(early[i].expertSteps, int(plain[i].experts.size()));
        QCOMPARE(longer[i].expertSteps, 5 * int(plain[i].experts.size()));
    }
}

void TstIntegrationModel::vetoOfUnselectedExpertChangesNothing()
{
    const auto& run = trainedRun("critique");
    const auto plain = traceUnder(run, kSamples);
    std::string why;
    for (size_t i = 0; i < plain.size(); ++i) {
        const auto unselected = std::find(plain[i].mask.begin(), plain[i].mask.end(), 0);
        QVERIFY(unselected != plain[i].mask.end()); // top-2 of 3
        mor::Intervention iv;
        iv.veto = {int(unselected - plain[i].mask.begin())};
        const auto vetoed = traceUnder(run, {kSamples[i]}, iv);
        QVERIFY2(sameTrace(plain[i], vetoed.front(), &why), why.c_str());
        // (batch of 12 vs 1: the same D up to float rounding)
        QVERIFY(std::abs(vetoed.front().conflictScore - plain[i].conflictScore) < 1e-5f);
    }
}

void TstIntegrationModel::vetoOfEverySelectedExpertFallsBackToBestRemaining()
{
    const auto& run = trainedRun("critique");
    const auto plain = traceUnder(run, kSamples);
    for (size_t i = 0; i < plain.size(); ++i) {
        mor::Intervention iv;
        int remaining = -1;
        for (int j = 0; j < 3; ++j) {
            if (plain[i].mask[size_t(j)]) {
                iv.veto.push_back(j);
            } else {
                remaining = j;
            }
        }
        const auto t = traceUnder(run, {kSamples[i]}, iv).front();
        QCOMPARE(int(t.experts.size()), 1);
        QCOMPARE(t.experts[0].expert, remaining);
        QCOMPARE(t.experts[0].gate, plain[i].routerProbs[size_t(remaining)]); // Switch gate p
        QCOMPARE(t.conflictScore, 0.f); // one expert: no conflict possible
        // vetoing one of two selected experts leaves the other at its own gate
        mor::Intervention one;
        one.veto = {iv.veto[0]};
        const auto u = traceUnder(run, {kSamples[i]}, one).front();
        QCOMPARE(int(u.experts.size()), 1);
        QCOMPARE(u.experts[0].expert, iv.veto[1]);
        QCOMPARE(u.experts[0].gate, plain[i].gates[size_t(iv.veto[1])]);
    }
}

void TstIntegrationModel::forcedRoutingToTheSelectedSetReproducesTheAnswer()
{
    const auto& run = trainedRun("critique");
    const auto plain = traceUnder(run, kSamples);
    std::string why;
    for (size_t i = 0; i < plain.size(); ++i) {
        mor::Intervention iv;
        for (int j = 0; j < 3; ++j) {
            if (plain[i].mask[size_t(j)]) {
                iv.route.push_back(j);
                iv.routeGates.push_back(plain[i].gates[size_t(j)]);
            }
        }
        const auto forced = traceUnder(run, {kSamples[i]}, iv);
        QVERIFY2(sameTrace(plain[i], forced.front(), &why), why.c_str());
        iv.routeGates.clear(); // default gates: router p, the same under Switch gating
        const auto byP = traceUnder(run, {kSamples[i]}, iv);
        QVERIFY2(sameTrace(plain[i], byP.front(), &why), why.c_str());
    }
}

void TstIntegrationModel::noCritiqueFeedbackChangesOnlyLaterSteps()
{
    const auto& run = trainedRun("fixed");
    mor::Intervention iv;
    iv.noCritiqueFeedback = true;
    const auto plain = traceUnder(run, kSamples);
    const auto blind = traceUnder(run, kSamples, iv);
    double later = 0.0;
    for (size_t i = 0; i < plain.size(); ++i) {
        for (size_t j = 0; j < plain[i].experts.size(); ++j) {
            const auto& p = plain[i].experts[j].steps;
            const auto& b = blind[i].experts[j].steps;
            QCOMPARE(b.size(), p.size());
            QCOMPARE(b[0].critique, p[0].critique); // step 1 reads the zero critique anyway
            QCOMPARE(b[0].probs, p[0].probs);
            later += std::abs(b[1].critique - p[1].critique) + std::abs(b[2].probs[0] - p[2].probs[0]);
        }
    }
    QVERIFY2(later > 1e-6, "the cell's critique input made no difference at t >= 2");
}

void TstIntegrationModel::haltAtMaxDepthRowEqualsFixedDepthAccuracy_data()
{
    QTest::addColumn<QString>("halting");
    QTest::newRow("fixed") << "fixed";
    QTest::newRow("critique") << "critique";
}

void TstIntegrationModel::haltAtMaxDepthRowEqualsFixedDepthAccuracy()
{
    QFETCH(QString, halting);
    const auto& run = trainedRun(halting.toStdString());
    mor::CounterfactualTable table;
    std::string error;
    QVERIFY2(mor::counterfactualTable(run.log, run.runId, -1, &table, &error), error.c_str());
    QCOMPARE(table.maxDepth, int64_t(3));
    QCOMPARE(int(table.rows.size()), 1 + 3 + 3 + 3);
    std::map<std::string, double> acc;
    for (const auto& row : table.rows) {
        acc[row.kind + std::to_string(row.value)] = row.accuracy;
    }
    // The model as trained equals mor eval's accuracy of the same checkpoint.
    const auto evaluated = mor::evaluateRun(run.log, run.runId, &error);
    QVERIFY2(error.empty(), error.c_str());
    QCOMPARE(acc["model-1"], evaluated.test.accuracy);
    // "halt at the maximum depth" = the same weights with fixed-depth halting, evaluated.
    auto fixedConfig = run.config;
    for (auto& ec : fixedConfig.model.experts) {
        ec.halting = "fixed";
    }
    const auto data = mor::loadDataset(run.config.data, run.config.train.seed);
    const torch::Device cpu(torch::kCPU);
    auto fixedModel = mor::train::buildModel(fixedConfig, data.dataset, cpu);
    std::string path;
    {
        auto reader = mor::LogReader::open(run.log, &error);
        path = reader->checkpoints(run.runId).back().path;
    }
    QVERIFY2(mor::train::loadCheckpoint(path, fixedModel, nullptr, &error), error.c_str());
    const auto tensors = mor::train::DataTensors::fromDataset(data.dataset, cpu);
    const auto test = tensors.batch(data.dataset.test);
    const auto fixedRow =
        evaluateUnder(*fixedModel, test.x, test.y, test.domain, mor::Intervention{}, 256);
    QCOMPARE(acc["halt3"], fixedRow.accuracy);
    QCOMPARE(table.rows[3].expertSteps, 6.0); // top-2, three steps each
    if (halting == "fixed") {
        QCOMPARE(acc["halt3"], acc["model-1"]);
    }
    // the best fixed expert is the best "route" row
    double best = -1.0;
    for (int j = 0; j < 3; ++j) {
        best = std::max(best, acc["route" + std::to_string(j)]);
    }
    QCOMPARE(acc["route" + std::to_string(table.bestExpert)], best);
}

void TstIntegrationModel::badInterventionIsRefusedWithAMessage()
{
    const auto& run = trainedRun("fixed");
    mor::TraceRequest request;
    request.logPath = run.log;
    request.runId = run.runId;
    request.sampleIds = {0};
    request.intervention.veto = {7};
    std::string error;
    QVERIFY(mor::traceCounterfactual(request, &error).empty());
    QVERIFY2(error.find("no expert 7") != std::string::npos, error.c_str());
    request.intervention.veto.clear();
    request.intervention.route = {0, 1};
    request.intervention.routeGates = {0.5f};
    QVERIFY(mor::traceCounterfactual(request, &error).empty());
    QVERIFY2(error.find("1 gates for 2 experts") != std::string::npos, error.c_str());
    // typed features: a label-free trace of the right width
    request.intervention = {};
    request.features = {{1, 0, 1, 1, 0, 0}};
    const auto typed = mor::traceCounterfactual(request, &error);
    QVERIFY2(typed.size() == 1, error.c_str());
    QCOMPARE(typed.front().label, int64_t(-1));
    request.features = {{1, 0}};
    QVERIFY(mor::traceCounterfactual(request, &error).empty());
    QVERIFY2(error.find("has 2 features") != std::string::npos, error.c_str());
}

QTEST_APPLESS_MAIN(TstIntegrationModel)
#include "tst_integration_model.moc"
