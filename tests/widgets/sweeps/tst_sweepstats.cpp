// SPDX-License-Identifier: GPL-3.0-or-later
// The Sweeps tab's and the Compare view's statistics against numbers worked out by hand or
// with scipy 1.x (stats.pearsonr, stats.f_oneway, stats.ttest_ind(equal_var=False)).
#include "compare/comparestats.h"
#include "sweeps/sweepstats.h"
#include "mor/sweep.h"

#include <QtTest>

#include <cmath>

class TstSweepStats : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void numericParameterCorrelationAndAnova();
    void categoricalParameterHasAnovaOnly();
    void oneLevelOrMissingResultsGiveNoEstimate();
    void paretoFrontKeepsTiesAndDropsBeatenPoints();
    void welchTTestMatchesScipy_data();
    void welchTTestMatchesScipy();
    void welchNeedsTwoValuesPerGroup();
    void studentTCdfKnownValues();
    void cumulativeCostUsesLatestMeasurement();
};

void TstSweepStats::numericParameterCorrelationAndAnova() {
    // x = 1,1,2,2,4,4; y = .5,.6,.7,.8,.9,1.0. By hand: Sxy = 1.2, Sxx = 9.3333, Syy = 0.175,
    // r = 1.2 / sqrt(9.3333 * 0.175) = 0.938953 (scipy.stats.pearsonr: 0.9389529557).
    // Level means .55, .75, .95: SS_within = 0.015, SS_between = 0.16, eta² = 0.16 / 0.175,
    // F = (0.16 / 2) / (0.015 / 3) = 16 (scipy.stats.f_oneway: 16.0).
    const sweeps::Importance imp = sweeps::parameterImportance(
        {"1", "1", "2", "2", "4", "4"}, {0.5, 0.6, 0.7, 0.8, 0.9, 1.0});
    QCOMPARE(imp.n, 6);
    QCOMPARE(imp.levels, 3);
    QVERIFY(std::abs(imp.correlation - 0.9389529557231417) < 1e-12);
    QVERIFY(std::abs(imp.etaSquared - 0.16 / 0.175) < 1e-12);
    QVERIFY(std::abs(imp.f - 16.0) < 1e-9);
}

void TstSweepStats::categoricalParameterHasAnovaOnly() {
    // gru: 1, 2 (mean 1.5); mlp: 3, 4 (mean 3.5); grand mean 2.5. SS_total = 5, SS_within = 1,
    // eta² = 0.8, F = (4 / 1) / (1 / 2) = 8.
    const sweeps::Importance imp = sweeps::parameterImportance(
        {"\"gru\"", "\"mlp\"", "\"gru\"", "\"mlp\""}, {1.0, 3.0, 2.0, 4.0});
    QVERIFY(std::isnan(imp.correlation));
    QCOMPARE(imp.levels, 2);
    QVERIFY(std::abs(imp.etaSquared - 0.8) < 1e-12);
    QVERIFY(std::abs(imp.f - 8.0) < 1e-12);
}

void TstSweepStats::oneLevelOrMissingResultsGiveNoEstimate() {
    const sweeps::Importance one = sweeps::parameterImportance({"2", "2", "2"}, {0.1, 0.2, 0.3});
    QCOMPARE(one.levels, 1);
    QVERIFY(std::isnan(one.correlation));
    QVERIFY(std::isnan(one.etaSquared));
    QVERIFY(std::isnan(one.f));
    // A run without the result is left out: levels 1 (x2) and 2 remain, n = 3.
    const sweeps::Importance missing =
        sweeps::parameterImportance({"1", "1", "2", "3"}, {0.1, 0.3, 0.5, std::nan("")});
    QCOMPARE(missing.n, 3);
    QCOMPARE(missing.levels, 2);
    // Means 0.2 and 0.5, grand 0.3: SS_total = 0.04 + 0 + 0.04 = 0.08, SS_within = 0.02,
    // eta² = 0.06 / 0.08 = 0.75.
    QVERIFY(std::abs(missing.etaSquared - 0.75) < 1e-12);
    // Equal results within every level: F is infinite (perfectly explained).
    QVERIFY(std::isinf(sweeps::parameterImportance({"1", "1", "2", "2"}, {1, 1, 2, 2}).f));
}

void TstSweepStats::paretoFrontKeepsTiesAndDropsBeatenPoints() {
    // (cost, accuracy): 0 (1, .5) front; 1 (2, .7) front; 2 (3, .6) beaten by 1; 3 (4, .9) front;
    // 4 (2, .7) ties with 1 (neither beats the other); 5 has no cost.
    const std::vector<int> front = sweeps::paretoFront({1, 2, 3, 4, 2, std::nan("")},
                                                       {0.5, 0.7, 0.6, 0.9, 0.7, 1.0});
    QCOMPARE(front, (std::vector<int>{0, 1, 4, 3}));
    QVERIFY(sweeps::paretoFront({}, {}).empty());
}

void TstSweepStats::welchTTestMatchesScipy_data() {
    QTest::addColumn<std::vector<double>>("a");
    QTest::addColumn<std::vector<double>>("b");
    QTest::addColumn<double>("t");
    QTest::addColumn<double>("dof");
    QTest::addColumn<double>("p");
    // scipy.stats.ttest_ind(a, b, equal_var=False); dof from the Welch–Satterthwaite formula.
    QTest::newRow("five seeds each") << std::vector<double>{0.81, 0.84, 0.79, 0.86, 0.83}
                                     << std::vector<double>{0.76, 0.80, 0.74, 0.78, 0.77}
                                     << 3.5704295931546914 << 7.729722825392776
                                     << 0.00771282973687553;
    QTest::newRow("unequal sizes and spreads")
        << std::vector<double>{1, 2, 3} << std::vector<double>{2, 4, 6, 8, 10, 12}
        << -3.0618621784789726 << 6.2135922330097095 << 0.02121018868057505;
}

void TstSweepStats::welchTTestMatchesScipy() {
    QFETCH(std::vector<double>, a);
    QFETCH(std::vector<double>, b);
    QFETCH(double, t);
    QFETCH(double, dof);
    QFETCH(double, p);
    const compare::WelchResult r = compare::welchTTest(a, b);
    QVERIFY2(std::abs(r.t - t) < 1e-9, qPrintable(QString::number(r.t, 'g', 17)));
    QVERIFY2(std::abs(r.dof - dof) < 1e-9, qPrintable(QString::number(r.dof, 'g', 17)));
    QVERIFY2(std::abs(r.p - p) < 1e-9, qPrintable(QString::number(r.p, 'g', 17)));
}

void TstSweepStats::welchNeedsTwoValuesPerGroup() {
    QVERIFY(std::isnan(compare::welchTTest({1.0}, {1.0, 2.0}).t));
    QVERIFY(std::isnan(compare::welchTTest({1.0, 1.0}, {2.0, 2.0}).p)); // no spread at all
}

void TstSweepStats::studentTCdfKnownValues() {
    // t tables: P(T <= 2.776445) = 0.975 at 4 dof; P(T <= 1.959964) ~ 0.975 at large dof;
    // Cauchy (1 dof): P(T <= 1) = 0.75.
    QVERIFY(std::abs(mor::studentTCdf(2.7764451051977987, 4) - 0.975) < 1e-10);
    QVERIFY(std::abs(mor::studentTCdf(1.0, 1) - 0.75) < 1e-12);
    QVERIFY(std::abs(mor::studentTCdf(-1.0, 1) - 0.25) < 1e-12);
    QVERIFY(std::abs(mor::studentTCdf(1.959963984540054, 1e7) - 0.975) < 1e-6);
    QCOMPARE(mor::studentTCdf(0.0, 3.5), 0.5);
}

void TstSweepStats::cumulativeCostUsesLatestMeasurement() {
    // Evaluations at step 50 (cost 2 per input) and 100 (cost 4); 3 inputs per step.
    // Step 10: 10*2*3 = 60; 50: 300; 75: 450; 150: 100*2*3 + 50*4*3 = 1200.
    const std::vector<double> c =
        compare::cumulativeCost({10, 50, 75, 150}, {50, 100}, {2.0, 4.0}, 3.0);
    QCOMPARE(c, (std::vector<double>{60, 300, 450, 1200}));
    QVERIFY(compare::cumulativeCost({10, 20}, {}, {}, 3.0).empty());
}

QTEST_APPLESS_MAIN(TstSweepStats)
#include "tst_sweepstats.moc"
