// Integration layer (fusion, conflicts, resolution) and the whole model end to end.
#include "tst_integration_model.h"

using namespace mor::model;
using model_test::gradSum;
using namespace integration_fixture;

namespace integration_fixture {

mor::ModelConfig smallConfig(int experts, const std::string& cell, int64_t depth)
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = std::min(2, experts);
    config.experts.clear();
    for (int j = 0; j < experts; ++j) {
        mor::ExpertConfig ec;
        mor::parseChoice(cell, mor::expertCellNames(), &ec.cell);
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
        ec.halting = mor::HaltingRule::Fixed;
        ec.maxDepth = 2;
    }
    mor::parseChoice(resolution, mor::conflictResolutionNames(), &config.integration.resolution);
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
                                         const mor::Intervention& iv)
{
    mor::TraceRequest request;
    request.sampleIds = ids;
    request.intervention = iv;
    auto traces = openRun(run).trace(request);
    if (!traces || traces->size() != ids.size()) {
        qFatal("Run::trace: %s", traces.error().c_str());
    }
    return std::move(traces).value();
}

mor::Run openRun(const TrainedRun& run)
{
    auto opened = mor::Run::open(run.log, run.runId);
    if (!opened) {
        qFatal("Run::open: %s", opened.error().c_str());
    }
    return std::move(opened).value();
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

} // namespace integration_fixture

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
        mor::parseChoice(cells[j], mor::expertCellNames(), &config.experts[size_t(j)].cell);
        mor::parseChoice(halting[j], mor::haltingRuleNames(), &config.experts[size_t(j)].halting);
        config.experts[size_t(j)].haltThreshold = j == 2 ? 0.99 : 0.9;
    }
    config.router.topK = 3;
    QVERIFY(mor::parseChoice(fusion.toStdString(), mor::fusionRuleNames(),
                             &config.integration.fusion));
    QVERIFY(mor::parseChoice(combination.toStdString(), mor::evidentialCombinationNames(),
                             &config.integration.evidentialCombination));
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
    config.router.sampling = mor::RouterSampling::Gumbel; // the REINFORCE feedback needs sampled routing
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
    config.experts[1].halting = mor::HaltingRule::PonderNet;
    config.experts[2].cell = mor::ExpertCell::Transformer;
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
        ec.halting = mor::HaltingRule::Fixed;
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
    QVERIFY(mor::parseChoice(strategy.toStdString(), mor::routingStrategyNames(),
                             &config.router.strategy));
    config.router.jitter = 0.1;
    for (auto& ec : config.experts) {
        QVERIFY(mor::parseChoice(halting.toStdString(), mor::haltingRuleNames(), &ec.halting));
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

QTEST_APPLESS_MAIN(TstIntegrationModel)
#include "moc_tst_integration_model.cpp"
