// Routing strategies, router probabilities and router losses.
#include "model/router.h"
#include "model/router_losses.h"
#include "model/routing_strategy.h"

#include <QtTest>

#include <cmath>

using namespace mor::model;

namespace {

torch::Tensor row(const QList<double>& values)
{
    std::vector<float> v(values.begin(), values.end());
    return torch::tensor(v).unsqueeze(0);
}

QList<int> selected(const torch::Tensor& maskRow)
{
    QList<int> out;
    for (int64_t i = 0; i < maskRow.numel(); ++i) {
        if (maskRow[i].item<bool>()) {
            out << int(i);
        }
    }
    return out;
}

} // namespace

class TstRouting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void routerProbabilitiesSumToOne();
    void topKSelectsLargest_data();
    void topKSelectsLargest();
    void thresholdKeepsArgmaxAlways_data();
    void thresholdKeepsArgmaxAlways();
    void topPSelectsSmallestSufficientSet_data();
    void topPSelectsSmallestSufficientSet();
    void expertChoiceRespectsCapacityAndDropsNothing_data();
    void expertChoiceRespectsCapacityAndDropsNothing();
    void sharedRoutedKeepsSharedExpertsOn_data();
    void sharedRoutedKeepsSharedExpertsOn();
    void randomPicksKExpertsReproducibly();
    void gatesRenormaliseOverSelected();
    void routeDispatchesOnConfigStrategy();
    void loadBalanceIsOneWhenEvenAndEWhenCollapsed();
    void zLossIsSquaredLogSumExp();
    void selectorTargetsDomainModuloExperts();
};

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
    QVERIFY(torch::equal(a.sum(1), torch::full({50}, 2, torch::kLong)));
    // Uniform over experts: across 50 rows every expert gets picked at least once.
    QVERIFY(a.sum(0).min().item<int64_t>() > 0);
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
    config.strategy = "threshold";
    config.threshold = 0.25;
    const auto routing = route(row({0.5, 0.3, 0.2}), config);
    QCOMPARE(selected(routing.mask[0]), (QList<int>{0, 1}));
    QVERIFY(std::abs(routing.gates.sum().item<float>() - 1.f) < 1e-6f);
    config.strategy = "nonsense";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, route(row({0.5, 0.5}), config));
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

QTEST_APPLESS_MAIN(TstRouting)
#include "tst_routing.moc"
