// Routing strategies, router probabilities and router losses (the competitive router
// objectives: tst_routing_objectives.cpp).
#include "tst_routing.h"

using namespace mor::model;
using namespace routing_test;


void TstRouting::routerProbabilitiesSumToOne()
{
    torch::manual_seed(3);
    Router router(RouterOptions(8, 5).hidden(16).temperature(0.7).jitter(0.1));
    router->train();
    const auto out = router->forward(torch::randn({32, 8}));
    QCOMPARE(out.probs.sizes().vec(), (std::vector<int64_t>{32, 5}));
    QVERIFY(torch::allclose(out.probs.sum(1), torch::ones({32}), 1e-5, 1e-6));
    QVERIFY(torch::allclose(out.logProbs.exp(), out.probs, 1e-5, 1e-6));
    QVERIFY(out.probs.min().item<float>() >= 0.f);
}

void TstRouting::topKSelectsLargest_data()
{
    QTest::addColumn<QList<double>>("probs");
    QTest::addColumn<int>("k");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("two of four") << QList<double>{0.1, 0.4, 0.3, 0.2} << 2 << QList<int>{1, 2};
    QTest::newRow("one") << QList<double>{0.1, 0.4, 0.3, 0.2} << 1 << QList<int>{1};
    QTest::newRow("ties go to lower index")
        << QList<double>{0.25, 0.25, 0.25, 0.25} << 2 << QList<int>{0, 1};
    QTest::newRow("partial tie") << QList<double>{0.2, 0.4, 0.2, 0.2} << 2 << QList<int>{0, 1};
    QTest::newRow("k equals E") << QList<double>{0.1, 0.6, 0.3} << 3 << QList<int>{0, 1, 2};
    QTest::newRow("k above E") << QList<double>{0.1, 0.6, 0.3} << 7 << QList<int>{0, 1, 2};
    QTest::newRow("k zero still one") << QList<double>{0.1, 0.6, 0.3} << 0 << QList<int>{1};
}

void TstRouting::topKSelectsLargest()
{
    QFETCH(QList<double>, probs);
    QFETCH(int, k);
    QFETCH(QList<int>, expected);
    QCOMPARE(selected(selectTopK(row(probs), k)[0]), expected);
}

void TstRouting::thresholdKeepsArgmaxAlways_data()
{
    QTest::addColumn<QList<double>>("probs");
    QTest::addColumn<double>("threshold");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("two above") << QList<double>{0.5, 0.3, 0.2} << 0.25 << QList<int>{0, 1};
    QTest::newRow("equal counts") << QList<double>{0.5, 0.25, 0.25} << 0.25 << QList<int>{0, 1, 2};
    QTest::newRow("above every prob keeps argmax")
        << QList<double>{0.2, 0.5, 0.3} << 0.9 << QList<int>{1};
    QTest::newRow("zero keeps all") << QList<double>{0.2, 0.5, 0.3} << 0.0 << QList<int>{0, 1, 2};
}

void TstRouting::thresholdKeepsArgmaxAlways()
{
    QFETCH(QList<double>, probs);
    QFETCH(double, threshold);
    QFETCH(QList<int>, expected);
    QCOMPARE(selected(selectThreshold(row(probs), threshold)[0]), expected);
}

void TstRouting::topPSelectsSmallestSufficientSet_data()
{
    QTest::addColumn<QList<double>>("probs");
    QTest::addColumn<double>("p");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("one dominant") << QList<double>{0.7, 0.2, 0.1} << 0.6 << QList<int>{0};
    QTest::newRow("needs two") << QList<double>{0.5, 0.3, 0.2} << 0.7 << QList<int>{0, 1};
    QTest::newRow("exactly reached") << QList<double>{0.5, 0.3, 0.2} << 0.8 << QList<int>{0, 1};
    QTest::newRow("unsorted input") << QList<double>{0.2, 0.5, 0.3} << 0.7 << QList<int>{1, 2};
    QTest::newRow("p one takes all") << QList<double>{0.2, 0.5, 0.3} << 1.0
                                     << QList<int>{0, 1, 2};
    QTest::newRow("tiny p takes argmax") << QList<double>{0.2, 0.5, 0.3} << 0.01 << QList<int>{1};
}

void TstRouting::topPSelectsSmallestSufficientSet()
{
    QFETCH(QList<double>, probs);
    QFETCH(double, p);
    QFETCH(QList<int>, expected);
    QCOMPARE(selected(selectTopP(row(probs), p)[0]), expected);
}

void TstRouting::expertChoiceRespectsCapacityAndDropsNothing_data()
{
    QTest::addColumn<double>("capacityFactor");
    QTest::addColumn<QList<int>>("expertOfRow"); // one expert per row expected here
    // Every input prefers expert 0; with capacity 2 expert 0 takes rows 0,1 and expert 1 takes
    // its own best two (rows 3, 2).
    QTest::newRow("capacity two") << 1.0 << QList<int>{0, 0, 1, 1};
    // Capacity 1 overflows: rows 1 and 2 are picked by nobody and fall back to their argmax.
    QTest::newRow("capacity overflow") << 0.5 << QList<int>{0, 0, 0, 1};
}

void TstRouting::expertChoiceRespectsCapacityAndDropsNothing()
{
    QFETCH(double, capacityFactor);
    QFETCH(QList<int>, expertOfRow);
    const auto probs = torch::tensor({0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f, 0.6f, 0.4f}).view({4, 2});
    const auto mask = selectExpertChoice(probs, 1, capacityFactor);
    for (int b = 0; b < 4; ++b) {
        QCOMPARE(selected(mask[b]), QList<int>{expertOfRow[b]});
    }
}

void TstRouting::sharedRoutedKeepsSharedExpertsOn_data()
{
    QTest::addColumn<int>("shared");
    QTest::addColumn<int>("k");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("one shared plus top one") << 1 << 1 << QList<int>{0, 2};
    QTest::newRow("two shared plus top one") << 2 << 1 << QList<int>{0, 1, 2};
    QTest::newRow("one shared plus top two") << 1 << 2 << QList<int>{0, 1, 2};
    QTest::newRow("all shared") << 4 << 1 << QList<int>{0, 1, 2, 3};
    QTest::newRow("none shared is top k") << 0 << 1 << QList<int>{2};
}

void TstRouting::sharedRoutedKeepsSharedExpertsOn()
{
    QFETCH(int, shared);
    QFETCH(int, k);
    QFETCH(QList<int>, expected);
    const auto probs = row({0.1, 0.2, 0.6, 0.1});
    QCOMPARE(selected(selectSharedRouted(probs, shared, k)[0]), expected);
}

void TstRouting::randomPicksKExpertsReproducibly()
{
    const auto probs = torch::full({50, 6}, 1.0 / 6.0);
    torch::manual_seed(11);
    const auto a = selectRandom(probs, 2);
    torch::manual_seed(11);
    const auto b = selectRandom(probs, 2);
    QVERIFY(torch::equal(a, b));
    // The k largest of the same uniform draws, as a stable descending sort picks them.
    torch::manual_seed(11);
    const auto order = std::get<1>(torch::rand({50, 6}).sort(true, 1, true)).narrow(1, 0, 2);
    const auto sorted = torch::zeros({50, 6}).scatter(1, order, 1.0).gt(0.5);
    QVERIFY(torch::equal(a, sorted));
    QVERIFY(torch::equal(a.sum(1), torch::full({50}, 2, torch::kLong)));
    // Uniform over experts: across 50 rows every expert gets picked at least once.
    QVERIFY(a.sum(0).min().item<int64_t>() > 0);
}

void TstRouting::topKScanEqualsStableSort()
{
    // The CPU scan must pick what a stable descending sort picks: values on a grid of 8 give
    // many ties (lower index first); a NaN row takes the sort (NaN first); float, double and a
    // row-strided view.
    torch::manual_seed(5);
    for (const auto dtype : {torch::kFloat, torch::kDouble}) {
        auto probs = (torch::randint(0, 8, {300, 32}) / 8.0).to(dtype);
        probs[7][3] = std::nan("");
        const auto strided = torch::cat({probs, probs}, 1).narrow(1, 0, 32);
        for (const int64_t k : {1, 2, 5, 32}) {
            const auto order = std::get<1>(probs.sort(/*stable=*/true, 1, /*descending=*/true));
            const auto expected = torch::zeros({300, 32}).scatter(1, order.narrow(1, 0, k), 1.0).gt(0.5);
            QVERIFY(torch::equal(selectTopK(probs, k), expected));
            QVERIFY(torch::equal(selectTopK(strided, k), expected));
            QCOMPARE(selectTopK(probs, k)[7][3].item<bool>(), true);
        }
    }
}

void TstRouting::gatesRenormaliseOverSelected()
{
    const auto probs = row({0.1, 0.4, 0.3, 0.2});
    const auto mask = selectTopK(probs, 2);
    const auto renorm = gatesFromMask(probs, mask, true);
    QVERIFY(torch::allclose(renorm, row({0.0, 0.4 / 0.7, 0.3 / 0.7, 0.0})));
    const auto raw = gatesFromMask(probs, mask, false);
    QVERIFY(torch::allclose(raw, row({0.0, 0.4, 0.3, 0.0})));
}

void TstRouting::routeDispatchesOnConfigStrategy()
{
    mor::RouterConfig config;
    config.strategy = mor::RoutingStrategy::Threshold;
    config.threshold = 0.25;
    auto routing = route(row({0.5, 0.3, 0.2}), config);
    QCOMPARE(selected(routing.mask[0]), (QList<int>{0, 1}));
    // Switch-style default: the gates are the router probabilities themselves.
    QVERIFY(std::abs(routing.gates.sum().item<float>() - 0.8f) < 1e-6f);
    config.renormalize = true;
    routing = route(row({0.5, 0.3, 0.2}), config);
    QVERIFY(std::abs(routing.gates.sum().item<float>() - 1.f) < 1e-6f);
}

void TstRouting::loadBalanceIsOneWhenEvenAndEWhenCollapsed()
{
    const auto even = torch::full({8, 4}, 0.25);
    QCOMPARE(loadBalanceLoss(even, torch::ones({8, 4}, torch::kBool)).item<float>(), 1.f);
    auto collapsed = torch::zeros({8, 4});
    collapsed.select(1, 0).fill_(1.0);
    QCOMPARE(loadBalanceLoss(collapsed, collapsed.gt(0.5)).item<float>(), 4.f);
}

void TstRouting::zLossIsSquaredLogSumExp()
{
    const float expected = float(std::log(4.0) * std::log(4.0));
    QVERIFY(std::abs(routerZLoss(torch::zeros({3, 4})).item<float>() - expected) < 1e-5f);
}

void TstRouting::selectorTargetsDomainModuloExperts()
{
    // Router all-in on expert 1; domain 4 with 3 experts maps to expert 1 -> tiny loss.
    const auto logProbs = torch::log_softmax(torch::tensor({{-9.f, 9.f, -9.f}}), 1);
    QVERIFY(selectorLoss(logProbs, torch::tensor({4L})).item<float>() < 1e-3f);
    QVERIFY(selectorLoss(logProbs, torch::tensor({0L})).item<float>() > 10.f);
}

void TstRouting::switchGatingPassesTaskGradientAtTop1()
{
    // One selected expert with answer q = (0.8, 0.2), router probability p = 0.6, label 0.
    // Switch-style: fused = p q + (1 - p) / 2 = (0.68, 0.32);
    // d(-log fused_0)/dp = -(q_0 - 1/2) / fused_0 = -0.3 / 0.68 = -0.4411765.
    const auto q = torch::tensor({{0.8f, 0.2f}});
    auto p = torch::tensor({{0.6f, 0.4f}}).requires_grad_(true);
    const auto mask = torch::tensor({{true, false}});
    const auto gates = gatesFromMask(p, mask, false);
    const auto fused = switchMixture(q, gates);
    QVERIFY(torch::allclose(fused, torch::tensor({{0.68f, 0.32f}})));
    (-fused[0][0].log()).backward();
    QVERIFY(std::abs(p.grad()[0][0].item<float>() + 0.4411765f) < 1e-6f);
    QCOMPARE(p.grad()[0][1].item<float>(), 0.f);
    // Renormalised gates: the selected gate is exactly 1 and the gradient to p vanishes.
    auto p2 = torch::tensor({{0.6f, 0.4f}}).requires_grad_(true);
    const auto renorm = gatesFromMask(p2, mask, true);
    QCOMPARE(renorm[0][0].item<float>(), 1.f);
    (-switchMixture(q, renorm)[0][0].log()).backward();
    QCOMPARE(p2.grad().abs().sum().item<float>(), 0.f);
}

void TstRouting::modelRouterLearnsFromTaskOnlyWithSwitchGating()
{
    // Top-1 over 3 experts, every auxiliary router loss off: only the task loss can reach the
    // router. It does with Switch gating and it cannot with renormalised gates.
    for (const bool renormalize : {false, true}) {
        mor::ModelConfig config;
        config.router.topK = 1;
        config.router.renormalize = renormalize;
        config.router.balanceWeight = 0.0;
        config.router.zLossWeight = 0.0;
        config.experts.resize(3);
        config.expertWeight = 0.0;
        config.critiqueWeight = 0.0;
        for (auto& e : config.experts) {
            e.haltWeight = 0.0;
            e.maxDepth = 2;
            e.width = 8;
        }
        config.encoder.hidden = 8;
        config.router.hidden = 8;
        torch::manual_seed(5);
        MoRModel model(config, ModelShape{6, 3, 1});
        model->train();
        const auto x = torch::randn({16, 6});
        const auto y = torch::randint(0, 3, {16}, torch::kLong);
        model->forward(x, y, {}).totalLoss.backward();
        double routerGrad = 0.0;
        for (const auto& item : model->named_parameters()) {
            if (item.key().rfind("router.", 0) == 0 && item.value().grad().defined()) {
                routerGrad += item.value().grad().abs().sum().item<double>();
            }
        }
        if (renormalize) {
            QCOMPARE(routerGrad, 0.0);
        } else {
            QVERIFY2(routerGrad > 1e-4, qPrintable(QString::number(routerGrad)));
        }
    }
}

void TstRouting::gumbelTopKSamplesFromRouterDistribution()
{
    // Top-1 Gumbel samples follow p; the Plackett-Luce log-probability of an ordered top-2
    // (0, 1) under p = (0.5, 0.3, 0.2) is log(0.5 * 0.3 / (1 - 0.5)) = log 0.3.
    torch::manual_seed(7);
    const auto probs = torch::tensor({0.5f, 0.3f, 0.2f}).unsqueeze(0).expand({20000, 3});
    torch::Tensor logProb;
    const auto mask = sampleTopK(probs, 1, &logProb);
    const auto share = mask.to(torch::kFloat).mean(0);
    QVERIFY(std::abs(share[0].item<float>() - 0.5f) < 0.01f);
    QVERIFY(std::abs(share[1].item<float>() - 0.3f) < 0.01f);
    QVERIFY(std::abs(share[2].item<float>() - 0.2f) < 0.01f);
    const auto rowsOf0 = mask.select(1, 0);
    QVERIFY(torch::allclose(logProb.masked_select(rowsOf0),
                            torch::full({rowsOf0.sum().item<int64_t>()}, std::log(0.5f))));
    for (int i = 0; i < 200; ++i) {
        torch::Tensor lp;
        const auto m = sampleTopK(torch::tensor({{0.5f, 0.3f, 0.2f}}), 2, &lp);
        if (m[0][0].item<bool>() && m[0][1].item<bool>()) {
            // Either order: log 0.3 for (0, 1), log(0.3 * 0.5 / 0.7) for (1, 0).
            const float v = lp.item<float>();
            QVERIFY(std::abs(v - std::log(0.3f)) < 1e-5f
                    || std::abs(v - std::log(0.3f * 0.5f / 0.7f)) < 1e-5f);
        }
    }
    mor::RouterConfig config;
    config.sampling = mor::RouterSampling::Gumbel;
    config.topK = 1;
    const auto sampled = route(torch::tensor({{0.5f, 0.3f, 0.2f}}), config, /*training=*/true);
    QVERIFY(sampled.logProb.defined());
    QVERIFY(!route(torch::tensor({{0.5f, 0.3f, 0.2f}}), config, false).logProb.defined());
}

void TstRouting::sharedExpertsHaveGateOneAndNoBalanceLoad()
{
    mor::RouterConfig config;
    config.strategy = mor::RoutingStrategy::SharedRouted;
    config.sharedExperts = 1;
    config.topK = 1;
    // Routed experts 1..3 have p = 0.3, 0.2, 0.1 (sum 0.6): expert 1 is picked with gate 0.5.
    const auto routing = route(torch::tensor({{0.4f, 0.3f, 0.2f, 0.1f}}), config);
    QCOMPARE(selected(routing.mask[0]), (QList<int>{0, 1}));
    QVERIFY(torch::allclose(routing.gates, torch::tensor({{1.f, 0.5f, 0.f, 0.f}})));
    // Fused mass is at least 1: nothing goes to the uniform answer.
    const auto fused = switchMixture(torch::tensor({{0.9f, 0.1f}}), routing.gates);
    QVERIFY(torch::allclose(fused, torch::tensor({{0.9f, 0.1f}})));
}

void TstRouting::jitterScalesTheRouterInput()
{
    // Switch: the noise multiplies the router's input. With input zero the logits are the
    // bias path only, whatever the noise; multiplying the logits instead would change them.
    torch::manual_seed(1);
    Router router(RouterOptions(4, 3).hidden(8).jitter(0.5));
    router->train();
    const auto zero = torch::zeros({5, 4});
    const auto a = router->forward(zero).logits;
    const auto b = router->forward(zero).logits;
    QVERIFY(torch::equal(a, b));
    const auto x = torch::randn({5, 4});
    QVERIFY(!torch::equal(router->forward(x).logits, router->forward(x).logits));
    router->eval();
    QVERIFY(torch::equal(router->forward(x).logits, router->forward(x).logits));
}

void TstRouting::answerDoesNotDependOnBatch_data()
{
    QTest::addColumn<QString>("strategy");
    for (const char* s : {"top_k", "threshold", "top_p", "expert_choice", "shared_routed", "random"}) {
        QTest::newRow(s) << QString(s);
    }
}

void TstRouting::answerDoesNotDependOnBatch()
{
    QFETCH(QString, strategy);
    mor::ModelConfig config;
    QVERIFY(mor::parseChoice(strategy.toStdString(), mor::routingStrategyNames(),
                             &config.router.strategy));
    config.router.topK = 2;
    config.router.sharedExperts = 1;
    config.router.threshold = 0.3;
    config.encoder.hidden = 8;
    config.router.hidden = 8;
    for (auto& e : config.experts) {
        e.width = 8;
        e.maxDepth = 3;
    }
    torch::manual_seed(9);
    MoRModel model(config, ModelShape{5, 3, 1});
    model->train();
    for (int i = 0; i < 5; ++i) { // expert choice learns its per-input threshold in training
        model->forward(torch::randn({32, 5}), {}, {});
    }
    model->eval();
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({12, 5});
    const auto together = model->forward(x, {}, {}).logits;
    for (int64_t i = 0; i < x.size(0); ++i) {
        const auto alone = model->forward(x.narrow(0, i, 1), {}, {}).logits;
        QVERIFY2(torch::allclose(alone, together.narrow(0, i, 1), 1e-5, 1e-5),
                 qPrintable(QString("row %1").arg(i)));
    }
    // And inside a different batch (reversed, with other inputs around it).
    const auto other = torch::cat({torch::randn({7, 5}), x.flip(0)});
    const auto mixed = model->forward(other, {}, {}).logits.narrow(0, 7, 12).flip(0);
    QVERIFY(torch::allclose(mixed, together, 1e-5, 1e-5));
}

QTEST_APPLESS_MAIN(TstRouting)
#include "moc_tst_routing.cpp"
