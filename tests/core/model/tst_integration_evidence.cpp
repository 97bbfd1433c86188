// TstIntegrationModel, part 2: overfitting, evidential fusion, conflict score, counterfactuals.
#include "tst_integration_model.h"

using namespace mor::model;
using namespace integration_fixture;

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
    QVERIFY(mor::parseChoice(fusion.toStdString(), mor::fusionRuleNames(),
                             &config.integration.fusion));
    QVERIFY(mor::parseChoice(combination.toStdString(), mor::evidentialCombinationNames(),
                             &config.integration.evidentialCombination));
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
    double first = 0.0, last = 0.0;
    double firstEvidential = 0.0, lastEvidential = 0.0;
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
    QVERIFY(model_test::gradSum(*integration, "evidence_weight") > 0.0);
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
    auto reader = mor::LogReader::open(run.log);
    QVERIFY2(reader, reader.error().c_str());
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
        request.step = steps.back();
        request.sampleIds = {id};
        const auto traces = openRun(run).trace(request);
        QVERIFY2(traces && traces->size() == 1, traces.error().c_str());
        QVERIFY2(sameTrace(*logged, traces->front(), &error), error.c_str());
        ++compared;
    }
    QCOMPARE(compared, 3);
    const auto traced = openRun(run).trace(-1, kSamples); // the stepper's call: same pass
    QVERIFY2(traced, traced.error().c_str());
    const auto& old = traced.value();
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
            // Step 1 reads the zero critique anyway (plain: the fused step; blind: the ATen loop).
            QVERIFY(std::abs(b[0].critique - p[0].critique) <= 1e-6f);
            for (size_t c = 0; c < p[0].probs.size(); ++c)
                QVERIFY(std::abs(b[0].probs.at(c) - p[0].probs[c]) <= 1e-6f);
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
    std::string error;
    const auto computed = openRun(run).counterfactualTable(-1);
    QVERIFY2(computed, computed.error().c_str());
    const mor::CounterfactualTable& table = computed.value();
    QCOMPARE(table.maxDepth, int64_t(3));
    QCOMPARE(int(table.rows.size()), 1 + 3 + 3 + 3);
    std::map<std::string, double> acc;
    for (const auto& row : table.rows) {
        acc[row.kind + std::to_string(row.value)] = row.accuracy;
    }
    // The model as trained equals mor eval's accuracy of the same checkpoint.
    const auto evaluated = openRun(run).evaluate();
    QVERIFY2(evaluated, evaluated.error().c_str());
    QCOMPARE(acc["model-1"], evaluated->test.accuracy);
    // "halt at the maximum depth" = the same weights with fixed-depth halting, evaluated.
    auto fixedConfig = run.config;
    for (auto& ec : fixedConfig.model.experts) {
        ec.halting = mor::HaltingRule::Fixed;
    }
    const auto data = mor::loadDataset(run.config.data, run.config.train.seed);
    const torch::Device cpu(torch::kCPU);
    auto fixedModel = mor::train::buildModel(fixedConfig, data.dataset, cpu);
    std::string path;
    {
        auto reader = mor::LogReader::open(run.log);
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
    const mor::Run opened = openRun(run);
    mor::TraceRequest request;
    request.sampleIds = {0};
    request.intervention.veto = {7};
    auto refused = opened.trace(request);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("no expert 7") != std::string::npos, refused.error().c_str());
    request.intervention.veto.clear();
    request.intervention.route = {0, 1};
    request.intervention.routeGates = {0.5f};
    refused = opened.trace(request);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("1 gates for 2 experts") != std::string::npos,
             refused.error().c_str());
    // typed features: a label-free trace of the right width
    request.intervention = {};
    request.features = {{1, 0, 1, 1, 0, 0}};
    const auto typed = opened.trace(request);
    QVERIFY2(typed && typed->size() == 1, typed.error().c_str());
    QCOMPARE(typed->front().label, int64_t(-1));
    request.features = {{1, 0}};
    refused = opened.trace(request);
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("has 2 features") != std::string::npos, refused.error().c_str());
}
