// Training-only routing probes (model.router.probe_*): which rows are probed, the router's
// contrast target, where its gradients go, and that evaluation is untouched.
#include "model/mor_model.h"
#include "model/router_losses.h"
#include "model/routing_strategy.h"

#include "mor/config.h"

#include "model_test_util.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <numeric>

using namespace mor::model;
using model_test::gradSum;

namespace {

torch::Tensor floats(const QList<double>& values)
{
    std::vector<float> v(values.begin(), values.end());
    return torch::tensor(v).unsqueeze(0);
}

torch::Tensor bools(const QList<int>& values)
{
    std::vector<int64_t> v(values.begin(), values.end());
    return torch::tensor(v).unsqueeze(0).gt(0);
}

mor::ModelConfig probeConfig(double fraction, int experts = 4, int64_t depth = 3)
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = 1;
    config.router.probeFraction = fraction;
    config.experts.clear();
    for (int j = 0; j < experts; ++j) {
        mor::ExpertConfig ec;
        ec.cell = mor::ExpertCell::Mlp;
        ec.width = 16;
        ec.maxDepth = depth;
        ec.halting = mor::HaltingRule::Fixed;
        config.experts.push_back(ec);
    }
    return config;
}

int64_t total(const std::vector<int64_t>& values)
{
    return std::accumulate(values.begin(), values.end(), int64_t(0));
}

} // namespace

class TstRouterProbe : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void selectProbesTakesFractionOfRowsAndAnUnselectedExpert_data();
    void selectProbesTakesFractionOfRowsAndAnUnselectedExpert();
    void probesRunOnlyInTrainingOnTheGivenFraction();
    void evalOutputUnchangedByTheOption();
    void probeTargetFavoursTheLowerLoss_data();
    void probeTargetFavoursTheLowerLoss();
    void contrastGradientIsPMinusTarget();
    void informationScoreGivesNoCreditForALabelBias();
    void loadCorrectionBreaksTiesTowardsTheLessLoaded();
    void probeLearningModes();
    void entropyTermIsMeanRouterEntropy();
    void probeLossesAreLoggedAndWeighted();
    void contrastReachesRouterNotExperts();
    void probeExpertLearnsOnlyFromItsProbeRows();
    void trainingFlopsCountTheProbes();
    void configValidationNamesProbeFields_data();
    void configValidationNamesProbeFields();
    void sinkhornTargetsAreBalanced_data();
    void sinkhornTargetsAreBalanced();
    void sinkhornLossReachesRouterOnly();
    void routerReadingFeaturesLeavesTheEncoderAlone();
};

void TstRouterProbe::selectProbesTakesFractionOfRowsAndAnUnselectedExpert_data()
{
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("k");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("expectedRows");
    QTest::newRow("quarter of 64, top-1 of 4") << 64 << 4 << 1 << 0.25 << 16;
    QTest::newRow("half of 10, top-2 of 3") << 10 << 3 << 2 << 0.5 << 5;
    QTest::newRow("tiny fraction still probes one row") << 10 << 4 << 1 << 0.01 << 1;
    QTest::newRow("every row") << 12 << 3 << 1 << 1.0 << 12;
    QTest::newRow("zero is off") << 12 << 3 << 1 << 0.0 << 0;
    QTest::newRow("no unselected expert, no probe") << 8 << 2 << 2 << 0.5 << 0;
}

void TstRouterProbe::selectProbesTakesFractionOfRowsAndAnUnselectedExpert()
{
    QFETCH(int, batch);
    QFETCH(int, experts);
    QFETCH(int, k);
    QFETCH(double, fraction);
    QFETCH(int, expectedRows);
    torch::manual_seed(5);
    const auto mask = selectTopK(torch::rand({batch, experts}), k);
    const auto probes = selectProbes(mask, fraction);
    QCOMPARE(probes.sizes().vec(), mask.sizes().vec());
    QCOMPARE(probes.any(1).sum().item<int64_t>(), int64_t(expectedRows));
    QVERIFY(probes.sum(1).le(1).all().item<bool>());                    // one probe per row
    QCOMPARE(probes.logical_and(mask).sum().item<int64_t>(), int64_t(0)); // never a routed one
}

void TstRouterProbe::probesRunOnlyInTrainingOnTheGivenFraction()
{
    // Fixed halting runs every step, so each expert's rows processed = its rows * depth.
    const int64_t batch = 40;
    const int64_t depth = 3;
    torch::manual_seed(1);
    MoRModel model(probeConfig(0.25, 4, depth), ModelShape{6, 3, 1});
    const auto x = torch::randn({batch, 6});
    const auto y = torch::randint(0, 3, {batch});

    model->train();
    auto before = total(model->expertRowsProcessed());
    model->forward(x, y, {});
    QCOMPARE(total(model->expertRowsProcessed()) - before, (batch + batch / 4) * depth);

    model->eval();
    before = total(model->expertRowsProcessed());
    const auto out = model->forward(x, y, {});
    QCOMPARE(total(model->expertRowsProcessed()) - before, batch * depth);
    QCOMPARE(out.losses.count("probe") + out.losses.count("probe_expert"), size_t(0));
}

void TstRouterProbe::evalOutputUnchangedByTheOption()
{
    torch::manual_seed(2);
    MoRModel plain(probeConfig(0.0), ModelShape{6, 3, 1});
    torch::manual_seed(2);
    MoRModel probing(probeConfig(0.5), ModelShape{6, 3, 1});
    plain->eval();
    probing->eval();
    const auto x = torch::randn({24, 6});
    const auto y = torch::randint(0, 3, {24});
    const auto a = plain->forward(x, y, {});
    const auto b = probing->forward(x, y, {});
    QVERIFY(torch::equal(a.logits, b.logits));
    QVERIFY(torch::equal(a.routerProbs, b.routerProbs));
    QVERIFY(torch::equal(a.mask, b.mask));
    QVERIFY(torch::equal(a.flops, b.flops));
    QCOMPARE(a.totalLoss.item<double>(), b.totalLoss.item<double>());
}

void TstRouterProbe::probeTargetFavoursTheLowerLoss_data()
{
    QTest::addColumn<QList<double>>("losses");
    QTest::addColumn<QList<int>>("tried");
    QTest::addColumn<QList<double>>("prior"); // empty: uniform
    QTest::addColumn<double>("temperature");
    QTest::addColumn<QList<double>>("expected");
    const double e9 = 1.0 / (1.0 + std::exp(-9.0)); // loss gap 0.9 at temperature 0.1
    QTest::newRow("probe better") << QList<double>{1.0, 0.1, 7.0, 7.0} << QList<int>{1, 1, 0, 0}
                                  << QList<double>{} << 0.1
                                  << QList<double>{1.0 - e9, e9, 0.0, 0.0};
    QTest::newRow("routed better") << QList<double>{0.1, 7.0, 1.0, 0.0} << QList<int>{1, 0, 1, 0}
                                   << QList<double>{} << 0.1
                                   << QList<double>{e9, 0.0, 1.0 - e9, 0.0};
    QTest::newRow("tie without prior is even")
        << QList<double>{0.3, 0.3, 0.0} << QList<int>{1, 1, 0} << QList<double>{} << 0.1
        << QList<double>{0.5, 0.5, 0.0};
    QTest::newRow("tie keeps the router's own split")
        << QList<double>{0.3, 0.3, 0.0} << QList<int>{1, 1, 0} << QList<double>{0.6, 0.2, 0.2}
        << 0.1 << QList<double>{0.75, 0.25, 0.0};
    QTest::newRow("prior times likelihood") // 0.2 * 1 vs 0.6 * 1/2
        << QList<double>{0.0, std::log(2.0), 0.0} << QList<int>{1, 1, 0}
        << QList<double>{0.2, 0.6, 0.2} << 1.0 << QList<double>{0.4, 0.6, 0.0};
    QTest::newRow("top-2 plus probe")
        << QList<double>{0.0, 0.0, 0.0, 0.5} << QList<int>{1, 0, 1, 1} << QList<double>{} << 0.5
        << QList<double>{1.0 / (2.0 + std::exp(-1.0)), 0.0, 1.0 / (2.0 + std::exp(-1.0)),
                         std::exp(-1.0) / (2.0 + std::exp(-1.0))};
}

void TstRouterProbe::probeTargetFavoursTheLowerLoss()
{
    QFETCH(QList<double>, losses);
    QFETCH(QList<int>, tried);
    QFETCH(QList<double>, prior);
    QFETCH(double, temperature);
    QFETCH(QList<double>, expected);
    const auto logPrior = prior.isEmpty() ? torch::Tensor() : floats(prior).log();
    const auto h = probeTargets(floats(losses), bools(tried), temperature, logPrior)[0];
    for (int j = 0; j < expected.size(); ++j) {
        QVERIFY2(std::abs(h[j].item<double>() - expected[j]) < 1e-5,
                 qPrintable(QStringLiteral("expert %1: %2 vs %3")
                                .arg(j)
                                .arg(h[j].item<double>())
                                .arg(expected[j])));
    }
}

void TstRouterProbe::contrastGradientIsPMinusTarget()
{
    // d loss / d logits = p_restricted - h on the tried experts, 0 on the others; a tie gives 0.
    const auto logits = torch::tensor({0.5f, -0.2f, 1.0f, 0.0f}).unsqueeze(0).requires_grad_(true);
    const auto tried = bools({1, 1, 0, 0});
    const auto losses = floats({0.9, 0.2, 0.0, 0.0});
    probeContrastLoss(torch::log_softmax(logits, 1), losses, tried, 0.1).backward();
    const auto restricted = torch::softmax(logits.detach().narrow(1, 0, 2), 1)[0];
    const auto h = probeTargets(losses, tried, 0.1, torch::log_softmax(logits.detach(), 1))[0];
    const auto g = logits.grad()[0];
    for (int j = 0; j < 2; ++j) {
        QVERIFY(std::abs(g[j].item<double>() - (restricted[j] - h[j]).item<double>()) < 1e-5);
    }
    QVERIFY(g[0].item<double>() > 0.0); // the worse routed expert loses probability
    QCOMPARE(g[2].item<double>(), 0.0);
    QCOMPARE(g[3].item<double>(), 0.0);

    const auto tieLogits = logits.detach().clone().requires_grad_(true);
    probeContrastLoss(torch::log_softmax(tieLogits, 1), floats({0.4, 0.4, 0.0, 0.0}), tried, 0.1)
        .backward();
    QVERIFY(tieLogits.grad().abs().max().item<double>() < 1e-6);
}

void TstRouterProbe::informationScoreGivesNoCreditForALabelBias()
{
    // Labels 0, 0, 1, 1. A biased expert answers (0.9, 0.1) for everything: plain loss would
    // call it good on the label-0 rows; its information score is 0 on every row. An expert
    // that reads the input (0.9 on the right class) gains log(0.9 / 0.5) everywhere.
    const auto y = torch::tensor({0, 0, 1, 1}, torch::kLong);
    const auto biased = torch::tensor({0.9f, 0.1f}).repeat({4, 1});
    const auto biasedScore = informationLoss(biased, y);
    QVERIFY(biasedScore.abs().max().item<double>() < 1e-6);
    const auto right = torch::tensor({{0.9f, 0.1f}, {0.9f, 0.1f}, {0.1f, 0.9f}, {0.1f, 0.9f}});
    const auto rightScore = informationLoss(right, y);
    QVERIFY(torch::allclose(rightScore, torch::full({4}, -std::log(0.9 / 0.5)), 1e-5, 1e-6));
}

void TstRouterProbe::loadCorrectionBreaksTiesTowardsTheLessLoaded()
{
    // 4 experts, 8 rows: 6 routed to expert 0, 2 to expert 1, none to 2 and 3.
    auto mask = torch::zeros({8, 4}, torch::kBool);
    mask.narrow(0, 0, 6).select(1, 0).fill_(true);
    mask.narrow(0, 6, 2).select(1, 1).fill_(true);
    const auto c = loadCorrection(mask, 1.0)[0];
    QVERIFY(std::abs(c[0].item<double>() + std::log(3.0)) < 1e-5); // E * share = 3
    QVERIFY(std::abs(c[1].item<double>()) < 1e-5);                 // E * share = 1
    QVERIFY(std::abs(c[2].item<double>() - std::log(10.0)) < 1e-5); // floored at 0.1
    // A tie between expert 0 (router's favourite, overloaded) and expert 1 goes to expert 1...
    const auto prior = torch::tensor({0.6f, 0.2f, 0.1f, 0.1f}).log().unsqueeze(0);
    const auto tried = bools({1, 1, 0, 0});
    const auto tie = probeTargets(floats({0.2, 0.2, 0.0, 0.0}), tried, 0.1,
                                  prior + loadCorrection(mask, 1.0))[0];
    QVERIFY2(std::abs(tie[1].item<double>() - 0.5) < 1e-5, // 0.6 / 3 vs 0.2 / 1
             std::to_string(tie[1].item<double>()).c_str());
    const auto strong = probeTargets(floats({0.2, 0.2, 0.0, 0.0}), tried, 0.1,
                                     prior + loadCorrection(mask, 2.0))[0];
    QVERIFY(strong[1].item<double>() > 0.7);
    // ...but a clear loss gap still decides.
    const auto gap = probeTargets(floats({0.0, 1.0, 0.0, 0.0}), tried, 0.1,
                                  prior + loadCorrection(mask, 2.0))[0];
    QVERIFY(gap[0].item<double>() > 0.99);
}

void TstRouterProbe::probeLearningModes()
{
    // Same seed -> same probes; "always" trains each probe at full weight, "responsibility" by
    // its share of the target (<= 1), "none" not at all.
    const auto x = torch::randn({32, 6});
    const auto y = torch::randint(0, 3, {32});
    std::map<std::string, double> probeExpert;
    for (const auto& [learning, mode] : mor::probeLearningNames()) {
        auto config = probeConfig(0.5);
        config.router.probeLearning = learning;
        torch::manual_seed(8);
        MoRModel model(config, ModelShape{6, 3, 1});
        model->train();
        torch::manual_seed(9);
        const auto out = model->forward(x, y, {});
        QCOMPARE(out.losses.count("probe"), size_t(1));
        probeExpert[mode] = out.losses.count("probe_expert")
                                ? out.losses.at("probe_expert").item<double>()
                                : -1.0;
    }
    QCOMPARE(probeExpert["none"], -1.0);
    QVERIFY(probeExpert["always"] > probeExpert["responsibility"]);
    QVERIFY(probeExpert["responsibility"] > 0.0);
    // "always" is the probe experts' mean task loss: at an untrained start, about log(3).
    QVERIFY(std::abs(probeExpert["always"] - std::log(3.0)) < 0.5);
}

void TstRouterProbe::entropyTermIsMeanRouterEntropy()
{
    const auto logProbs = torch::log(torch::tensor({{0.5f, 0.5f, 0.0f}, {1.0f, 0.0f, 0.0f}})
                                         .clamp_min(1e-30));
    QVERIFY(std::abs(routerEntropy(logProbs).item<double>() - 0.5 * std::log(2.0)) < 1e-5);
    auto config = probeConfig(0.0);
    config.router.entropyWeight = 0.2;
    torch::manual_seed(10);
    MoRModel model(config, ModelShape{6, 3, 1});
    model->train();
    const auto out = model->forward(torch::randn({16, 6}), torch::randint(0, 3, {16}), {});
    const auto p = out.routerProbs;
    const double expected = -(p * p.log()).sum(1).mean().item<double>();
    QVERIFY(std::abs(out.losses.at("entropy").item<double>() - expected) < 1e-5);
    QCOMPARE(out.losses.count("probe"), size_t(0));
}

void TstRouterProbe::probeLossesAreLoggedAndWeighted()
{
    // Same seed -> same probes: the totals differ by exactly the probe terms' weights.
    const auto x = torch::randn({32, 6});
    const auto y = torch::randint(0, 3, {32});
    auto config = probeConfig(0.5);
    config.router.probeWeight = 0.0;
    torch::manual_seed(3);
    MoRModel a(config, ModelShape{6, 3, 1});
    config.router.probeWeight = 2.0;
    torch::manual_seed(3);
    MoRModel b(config, ModelShape{6, 3, 1});
    a->train();
    b->train();
    torch::manual_seed(9);
    const auto outA = a->forward(x, y, {});
    torch::manual_seed(9);
    const auto outB = b->forward(x, y, {});
    QVERIFY(outB.losses.count("probe") == 1 && outB.losses.count("probe_expert") == 1);
    const double probe = outB.losses.at("probe").item<double>();
    QVERIFY(std::isfinite(probe) && probe >= 0.0);
    QVERIFY(outB.losses.at("probe_expert").item<double>() >= 0.0);
    QVERIFY(std::abs(outB.totalLoss.item<double>() - outA.totalLoss.item<double>() - 2.0 * probe)
            < 1e-4);
}

void TstRouterProbe::contrastReachesRouterNotExperts()
{
    torch::manual_seed(4);
    MoRModel model(probeConfig(0.5), ModelShape{6, 3, 1});
    model->train();
    const auto out = model->forward(torch::randn({32, 6}), torch::randint(0, 3, {32}), {});
    out.losses.at("probe").backward();
    QVERIFY(gradSum(*model, "router.") > 1e-8);
    for (int j = 0; j < 4; ++j) {
        QCOMPARE(gradSum(*model, "expert" + std::to_string(j) + "."), 0.0);
    }
}

void TstRouterProbe::probeExpertLearnsOnlyFromItsProbeRows()
{
    // Every row goes to expert 0 (router output bias); probes then go to experts 1..3. The probe
    // experts' loss trains those experts, never the router nor the routed expert.
    torch::manual_seed(6);
    auto config = probeConfig(1.0);
    config.router.probeScore = mor::ProbeScore::Loss;
    config.router.probeTemperature = 100.0; // near-even responsibilities: every probe learns
    MoRModel model(config, ModelShape{6, 3, 1});
    {
        torch::NoGradGuard noGrad;
        auto params = model->named_parameters();
        params["router.out.weight"].zero_();
        params["router.out.bias"].copy_(torch::tensor({5.f, 0.f, 0.f, 0.f}));
    }
    model->train();
    const auto out = model->forward(torch::randn({48, 6}), torch::randint(0, 3, {48}), {});
    QCOMPARE(out.mask.select(1, 0).sum().item<int64_t>(), int64_t(48));
    out.losses.at("probe_expert").backward();
    QCOMPARE(gradSum(*model, "router."), 0.0);
    QCOMPARE(gradSum(*model, "expert0."), 0.0);
    for (int j = 1; j < 4; ++j) {
        QVERIFY2(gradSum(*model, "expert" + std::to_string(j) + ".") > 1e-8,
                 std::to_string(j).c_str());
    }
}

void TstRouterProbe::trainingFlopsCountTheProbes()
{
    torch::manual_seed(7);
    MoRModel plain(probeConfig(0.0), ModelShape{6, 3, 1});
    torch::manual_seed(7);
    MoRModel probing(probeConfig(1.0), ModelShape{6, 3, 1});
    plain->train();
    probing->train();
    const auto x = torch::randn({16, 6});
    const auto y = torch::randint(0, 3, {16});
    const auto a = plain->forward(x, y, {}).flops;
    const auto b = probing->forward(x, y, {}).flops;
    // Every row also ran one more expert of the same size for the same 3 fixed steps, so each
    // row costs the same amount more: one expert's work, less than the whole routed row.
    const auto extra = b - a;
    QVERIFY(extra.min().item<double>() > 0.0);
    QVERIFY(torch::allclose(extra, extra[0].expand_as(extra)));
    QVERIFY(extra[0].item<double>() < a[0].item<double>());
}

void TstRouterProbe::configValidationNamesProbeFields_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("fraction above one")
        << R"({"model":{"router":{"probe_fraction":1.5}}})" << "model.router.probe_fraction"
        << "model.router.probe_fraction = 1.5 must be between 0 and 1";
    QTest::newRow("negative weight")
        << R"({"model":{"router":{"probe_weight":-1}}})" << "model.router.probe_weight"
        << "model.router.probe_weight = -1 must be between 0 and 100";
    QTest::newRow("temperature zero")
        << R"({"model":{"router":{"probe_temperature":0}}})" << "model.router.probe_temperature"
        << "model.router.probe_temperature = 0 must be greater than 0 and at most 100";
    QTest::newRow("negative entropy weight")
        << R"({"model":{"router":{"entropy_weight":-0.5}}})" << "model.router.entropy_weight"
        << "model.router.entropy_weight = -0.5 must be between 0 and 100";
    QTest::newRow("unknown probe learning")
        << R"({"model":{"router":{"probe_learning":"sometimes"}}})"
        << "model.router.probe_learning"
        << R"(model.router.probe_learning = "sometimes" must be one of responsibility, always, none)";
    QTest::newRow("probe balance above ten")
        << R"({"model":{"router":{"probe_balance":11}}})" << "model.router.probe_balance"
        << "model.router.probe_balance = 11 must be between 0 and 10";
    QTest::newRow("unknown score")
        << R"({"model":{"router":{"probe_score":"accuracy"}}})" << "model.router.probe_score"
        << R"(model.router.probe_score = "accuracy" must be one of loss, information)";
    QTest::newRow("negative sinkhorn iterations")
        << R"({"model":{"router":{"sinkhorn_iterations":-1}}})"
        << "model.router.sinkhorn_iterations"
        << "model.router.sinkhorn_iterations = -1 must be between 0 and 1000";
    QTest::newRow("sinkhorn weight above hundred")
        << R"({"model":{"router":{"sinkhorn_weight":101}}})" << "model.router.sinkhorn_weight"
        << "model.router.sinkhorn_weight = 101 must be between 0 and 100";
    QTest::newRow("sinkhorn temperature zero")
        << R"({"model":{"router":{"sinkhorn_temperature":0}}})"
        << "model.router.sinkhorn_temperature"
        << "model.router.sinkhorn_temperature = 0 must be greater than 0 and at most 100";
    QTest::newRow("unknown router input")
        << R"({"model":{"router":{"input":"labels"}}})" << "model.router.input"
        << R"(model.router.input = "labels" must be one of encoding, features)";
}

void TstRouterProbe::configValidationNamesProbeFields()
{
    QFETCH(QString, json);
    QFETCH(QString, field);
    QFETCH(QString, expected);
    const auto result = mor::parseConfig(json.toStdString());
    QCOMPARE(result.errors.size(), size_t(1));
    QCOMPARE(QString::fromStdString(result.errors[0].field), field);
    QVERIFY2(QString::fromStdString(result.message()).contains(expected),
             result.message().c_str());
    // A valid setting round-trips through the JSON writer.
    const auto ok = mor::parseConfig(
        R"({"model":{"router":{"probe_fraction":0.3,"probe_score":"loss"}}})");
    QVERIFY(ok.ok());
    const auto again = mor::parseConfig(mor::toJson(ok.config));
    QCOMPARE(again.config.model.router.probeFraction, 0.3);
    QVERIFY(again.config.model.router.probeScore == mor::ProbeScore::Loss);
}

void TstRouterProbe::sinkhornTargetsAreBalanced_data()
{
    // Hand-made log affinities [B, E]; every row prefers expert 0 (the collapse the balanced
    // target must undo), or the rows already split.
    QTest::addColumn<QList<double>>("scores");
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("experts");
    QTest::newRow("all prefer expert 0, 4x2")
        << QList<double>{3, 0, 2, 0, 1, 0, 0.5, 0} << 4 << 2;
    QTest::newRow("6x3 skewed")
        << QList<double>{5, 1, 0, 4, 0, 1, 3, 2, 0, 2, 0, 0, 1, 1, 1, 0, 0, 2} << 6 << 3;
    QTest::newRow("already balanced 3x3")
        << QList<double>{4, 0, 0, 0, 4, 0, 0, 0, 4} << 3 << 3;
}

void TstRouterProbe::sinkhornTargetsAreBalanced()
{
    QFETCH(QList<double>, scores);
    QFETCH(int, rows);
    QFETCH(int, experts);
    std::vector<double> v(scores.begin(), scores.end());
    const auto logScores = torch::tensor(v, torch::kDouble).reshape({rows, experts});
    const auto q = sinkhornTargets(logScores, 200);
    const auto rowSums = q.sum(1);
    const auto colSums = q.sum(0);
    QVERIFY(torch::allclose(rowSums, torch::ones({rows}, torch::kDouble), 1e-6, 1e-6));
    QVERIFY2(torch::allclose(colSums,
                             torch::full({experts}, double(rows) / experts, torch::kDouble), 1e-3,
                             1e-3),
             "columns must sum to B/E");
    QVERIFY(q.min().item<double>() >= 0.0);
    // With two experts, balancing only rescales the columns, so the row that likes expert 0
    // most (largest log-affinity gap) keeps the largest share of it.
    if (experts == 2) {
        QCOMPARE(q.select(1, 0).argmax().item<int64_t>(),
                 (logScores.select(1, 0) - logScores.logsumexp(1)).argmax().item<int64_t>());
    }
    // Zero iterations: just the row-normalised affinities (softmax).
    QVERIFY(torch::allclose(sinkhornTargets(logScores, 0),
                            torch::softmax(logScores.to(torch::kDouble), 1), 1e-6, 1e-6));
}

void TstRouterProbe::sinkhornLossReachesRouterOnly()
{
    auto config = probeConfig(0.0);
    config.router.sinkhornIterations = 3;
    config.router.sinkhornWeight = 0.5;
    config.router.sinkhornTemperature = 0.5;
    const auto x = torch::randn({32, 6});
    const auto y = torch::randint(0, 3, {32});
    torch::manual_seed(5);
    MoRModel model(config, ModelShape{6, 3, 1});
    model->train();
    const auto out = model->forward(x, y, {});
    QCOMPARE(out.losses.count("sinkhorn"), size_t(1));
    // The logged value is the cross-entropy towards the balanced target of p^(1/0.5).
    const auto logp = out.routerProbs.log();
    const auto target = sinkhornTargets(logp / 0.5, 3).to(torch::kFloat);
    const double expected = -(target * logp).sum(1).mean().item<double>();
    QVERIFY(std::abs(out.losses.at("sinkhorn").item<double>() - expected) < 1e-4);
    out.losses.at("sinkhorn").backward();
    QVERIFY(gradSum(*model, "router.") > 1e-8);
    for (int j = 0; j < 4; ++j) {
        QCOMPARE(gradSum(*model, "expert" + std::to_string(j) + "."), 0.0);
    }
    // Weighted into the total: off (weight 0) differs by exactly 0.5 * sinkhorn.
    config.router.sinkhornWeight = 0.0;
    torch::manual_seed(5);
    MoRModel off(config, ModelShape{6, 3, 1});
    off->train();
    const auto outOff = off->forward(x, y, {});
    QCOMPARE(outOff.losses.count("sinkhorn"), size_t(0));
    QVERIFY(std::abs(out.totalLoss.item<double>() - outOff.totalLoss.item<double>() -
                     0.5 * out.losses.at("sinkhorn").item<double>()) < 1e-4);
}

void TstRouterProbe::routerReadingFeaturesLeavesTheEncoderAlone()
{
    // router.input "features": the router's first layer reads the 6 raw features, and router
    // losses do not reach the encoder; with "encoding" they do.
    for (const std::string input : {"features", "encoding"}) {
        auto config = probeConfig(0.0);
        QVERIFY(mor::parseChoice(input, mor::routerInputNames(), &config.router.input));
        config.router.sinkhornIterations = 3;
        torch::manual_seed(6);
        MoRModel model(config, ModelShape{6, 3, 1});
        model->train();
        const auto out = model->forward(torch::randn({32, 6}), torch::randint(0, 3, {32}), {});
        (out.losses.at("sinkhorn") + out.losses.at("balance")).backward();
        QVERIFY(gradSum(*model, "router.") > 1e-8);
        if (input == "features") {
            QCOMPARE(gradSum(*model, "encoder."), 0.0);
        } else {
            QVERIFY(gradSum(*model, "encoder.") > 1e-8);
        }
    }
}

QTEST_APPLESS_MAIN(TstRouterProbe)
#include "tst_router_probe.moc"
