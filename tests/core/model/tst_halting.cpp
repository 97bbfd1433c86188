// Halting policies against closed forms and the Python reference
// (tests/core/model/python/pondernet_loss.py): PonderNet's median / sampled halting step, ACT's
// epsilon, remainder and mean-field answer, the regulariser of the steps a row really used, and
// halting_step_loss false (the paper's objective alone).
#include "model/halting_policy.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include <QtTest>

#include <cmath>

using namespace mor::model;

namespace {

mor::ExpertConfig haltConfig(const std::string& halting, int64_t depth)
{
    mor::ExpertConfig config;
    mor::parseChoice(halting, mor::haltingRuleNames(), &config.halting);
    config.maxDepth = depth;
    return config;
}

/// An expert whose halting head outputs `lambda` at every step and every row.
ReflectionExpert constantLambdaExpert(int64_t inputs, int64_t classes, int64_t depth,
                                      double lambda)
{
    ReflectionExpert expert(
        ReflectionExpertOptions(inputs, classes).width(8).maxDepth(depth).cell("gru"));
    torch::NoGradGuard noGrad;
    expert->named_parameters()["halt.weight"].fill_(0.0);
    expert->named_parameters()["halt.bias"].fill_(std::log(lambda / (1.0 - lambda)));
    return expert;
}

bool near(const torch::Tensor& a, const torch::Tensor& b, double tolerance = 1e-5)
{
    return torch::allclose(a.to(torch::kDouble), b.to(torch::kDouble), 0.0, tolerance);
}

// The fixed tensors of pondernet_loss.py: lambdas [T=4, n=3], logits [T, n, C=3], y.
torch::Tensor referenceLambdas()
{
    return torch::tensor({0.10, 0.60, 0.30, 0.20, 0.50, 0.70, 0.40, 0.30, 0.90, 0.50, 0.20, 0.80},
                         torch::kDouble)
        .view({4, 3});
}

torch::Tensor referenceLogits()
{
    return torch::tensor({1.0, -0.5, 0.2, 0.3, 0.8, -1.0, 0.0, 0.0, 1.5,  //
                          1.5, -0.2, 0.0, 0.1, 1.2, -0.4, -0.3, 0.4, 1.0, //
                          2.0, 0.1, -0.3, -0.2, 1.6, 0.0, 0.5, -0.5, 0.7, //
                          2.2, 0.0, -0.5, 0.0, 2.0, 0.3, 1.0, -1.0, 0.2},
                         torch::kDouble)
        .view({4, 3, 3});
}

} // namespace

class TstHalting : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ponderNetHaltsAtTheMedian_data();
    void ponderNetHaltsAtTheMedian();
    void sampledHaltingStepDependsOnlyOnTheInput();
    void actUsesItsOwnEpsilonAndAnswersMeanField();
    void actWeightsMatchHandComputedValues();
    void evalRegulariserCountsOnlyTheStepsUsed_data();
    void evalRegulariserCountsOnlyTheStepsUsed();
    void evalKlOfHaltedRowsMatchesClosedForm();
    void ponderNetLossMatchesPythonReference();
    void actMatchesPythonReference();
    void withoutHaltingStepLossOnlyTheAnswerLossIsDropped_data();
    void withoutHaltingStepLossOnlyTheAnswerLossIsDropped();
};

void TstHalting::ponderNetHaltsAtTheMedian_data()
{
    QTest::addColumn<double>("lambda");
    QTest::addColumn<int>("expectedStep");
    // Mass 1 - (1 - lambda)^t: 0.3 -> 0.3, 0.51 (step 2); 0.1 -> 0.4686 at 6, 0.5217 at 7.
    QTest::newRow("lambda 0.3") << 0.3 << 2;
    QTest::newRow("lambda 0.1") << 0.1 << 7;
    QTest::newRow("lambda 0.6") << 0.6 << 1;
    QTest::newRow("lambda 0.02 never reaches half in 20") << 0.02 << 20;
}

void TstHalting::ponderNetHaltsAtTheMedian()
{
    QFETCH(double, lambda);
    QFETCH(int, expectedStep);
    const int64_t depth = 20;
    const auto lambdas = torch::full({depth, 2}, lambda);
    QVERIFY(torch::equal(ponderNetHaltStep(lambdas, torch::full({2}, 0.5)),
                         torch::full({2}, expectedStep, torch::kLong)));

    // The expert really stops there at inference (the old lambda >= 0.5 rule ran all 20 steps).
    torch::manual_seed(3);
    auto expert = constantLambdaExpert(5, 3, depth, lambda);
    expert->eval();
    torch::NoGradGuard noGrad;
    const HaltingPolicy policy(haltConfig("pondernet", depth));
    const auto run = expert->reflect(torch::randn({6, 5}), policy, /*shrink=*/true);
    QVERIFY(torch::equal(run.haltStep, torch::full({6}, expectedStep, torch::kLong)));
    QCOMPARE(expert->rowsProcessed(), int64_t(6 * expectedStep));
    QVERIFY(torch::allclose(run.answer, torch::softmax(run.logits[expectedStep - 1], 1)));
}

void TstHalting::sampledHaltingStepDependsOnlyOnTheInput()
{
    const int64_t depth = 20;
    const int64_t n = 4000;
    auto config = haltConfig("pondernet", depth);
    config.ponderHalt = mor::PonderHalt::Sample;
    const HaltingPolicy policy(config);
    torch::manual_seed(4);
    auto expert = constantLambdaExpert(6, 2, depth, 0.3);
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({n, 6});
    const auto run = expert->reflect(e, policy, /*shrink=*/true);
    const auto all = run.haltStep;
    // The same rows alone and in another batch halt at the same step.
    for (int64_t row : {0, 17, 123}) {
        const auto alone = expert->reflect(e.narrow(0, row, 1), policy, true).haltStep;
        QCOMPARE(alone.item<int64_t>(), all[row].item<int64_t>());
    }
    const auto some = torch::tensor({5, 3, 999, 4}, torch::kLong);
    QVERIFY(torch::equal(expert->reflect(e.index_select(0, some), policy, true).haltStep,
                         all.index_select(0, some)));
    // The draws follow the halting distribution p_t = 0.3 * 0.7^(t-1) (4000 rows: +-0.03).
    for (int64_t t = 1; t <= 3; ++t) {
        const double share = all.eq(t).to(torch::kDouble).mean().item<double>();
        const double expected = 0.3 * std::pow(0.7, double(t - 1));
        QVERIFY2(std::abs(share - expected) < 0.03,
                 qPrintable(QString("step %1: %2 vs %3").arg(t).arg(share).arg(expected)));
    }
    // And agree with the closed form on the same per-row quantiles.
    QVERIFY(torch::equal(all, ponderNetHaltStep(run.lambda, rowQuantile(e))));
}

void TstHalting::actUsesItsOwnEpsilonAndAnswersMeanField()
{
    // lambda 0.3 at every step, eps 0.01: cumulative 0.3, 0.6, 0.9, 1.2 -> N = 4,
    // R = 1 - 0.9 = 0.1; the answer is 0.3 (y1 + y2 + y3) + 0.1 y4. halt_threshold (0.5)
    // plays no part (it would have stopped at step 2).
    torch::manual_seed(5);
    auto config = haltConfig("act", 6);
    config.haltThreshold = 0.5;
    config.actEpsilon = 0.01;
    const HaltingPolicy policy(config);
    QCOMPARE(policy.actThreshold(), 0.99);
    auto expert = constantLambdaExpert(5, 3, 6, 0.3);
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto run = expert->reflect(torch::randn({7, 5}), policy, /*shrink=*/true);
    QVERIFY(torch::equal(run.haltStep, torch::full({7}, 4, torch::kLong)));
    QCOMPARE(expert->rowsProcessed(), int64_t(7 * 4));
    const auto y = torch::softmax(run.logits, 2);
    const auto expected = 0.3 * (y[0] + y[1] + y[2]) + 0.1 * y[3];
    QVERIFY(near(run.answer, expected));
    QVERIFY(near(run.answer.sum(1), torch::ones({7})));
    const auto c = run.critique;
    QVERIFY(near(run.confidence, 0.3 * (c[0] + c[1] + c[2]) + 0.1 * c[3]));
    // Asked at step 2, ACT would answer 0.3 y1 + 0.7 y2; from step 4 on, the answer.
    QVERIFY(near(run.probs[1], 0.3 * y[0] + 0.7 * y[1]));
    QVERIFY(near(run.probs[5], run.answer));
    // The ponder cost of the steps used is N + R = 4.1.
    QVERIFY(std::abs(policy.regulariser(run.lambda, run.critique, run.computed).item<double>()
                     - 4.1)
            < 1e-5);
}

void TstHalting::actWeightsMatchHandComputedValues()
{
    // lambdas 0.2, 0.5, 0.4, eps 0.01: cumulative 0.2, 0.7, 1.1 -> N = 3, R = 1 - 0.7 = 0.3,
    // weights (0.2, 0.5, 0.3), ponder cost 3.3.
    auto config = haltConfig("act", 3);
    config.actEpsilon = 0.01;
    const HaltingPolicy policy(config);
    const auto lambdas = torch::tensor({0.2, 0.5, 0.4}, torch::kDouble).unsqueeze(1);
    QVERIFY(near(policy.stepWeights(lambdas, torch::zeros_like(lambdas)).squeeze(1),
                 torch::tensor({0.2, 0.5, 0.3}, torch::kDouble)));
    QVERIFY(std::abs(policy.regulariser(lambdas, torch::zeros_like(lambdas)).item<double>() - 3.3)
            < 1e-9);
    // eps 0.35: the threshold 0.65 is reached at step 2 -> weights (0.2, 0.8, 0), cost 2.8.
    config.actEpsilon = 0.35;
    const HaltingPolicy early(config);
    QVERIFY(near(early.stepWeights(lambdas, torch::zeros_like(lambdas)).squeeze(1),
                 torch::tensor({0.2, 0.8, 0.0}, torch::kDouble)));
    QVERIFY(std::abs(early.regulariser(lambdas, torch::zeros_like(lambdas)).item<double>() - 2.8)
            < 1e-9);
}

void TstHalting::evalRegulariserCountsOnlyTheStepsUsed_data()
{
    QTest::addColumn<QString>("halting");
    QTest::newRow("pondernet") << "pondernet";
    QTest::newRow("act") << "act";
    QTest::newRow("critique") << "critique";
}

void TstHalting::evalRegulariserCountsOnlyTheStepsUsed()
{
    // Row 0 halted after 2 of 4 steps and holds its step-2 lambda afterwards (as reflect() in
    // eval leaves it); row 1 used all 4. The regulariser must equal the training formula on
    // each row's own steps: row 0 as a 2-step run, row 1 as a 4-step run.
    QFETCH(QString, halting);
    auto config = haltConfig(halting.toStdString(), 4);
    config.ponderPrior = 0.2;
    config.haltThreshold = 0.5;
    config.actEpsilon = 0.01;
    const HaltingPolicy policy(config);
    const auto lambdas =
        torch::tensor({0.1, 0.2, 0.3, 0.3, 0.3, 0.4, 0.3, 0.6}, torch::kDouble).view({4, 2});
    const auto critiques =
        torch::tensor({0.2, 0.4, 0.7, 0.6, 0.7, 0.8, 0.7, 0.3}, torch::kDouble).view({4, 2});
    auto used = torch::ones({4, 2}, torch::kBool);
    used.narrow(0, 2, 2).select(1, 0).fill_(false);
    const auto row0 = policy.regulariser(lambdas.narrow(0, 0, 2).narrow(1, 0, 1),
                                         critiques.narrow(0, 0, 2).narrow(1, 0, 1));
    const auto row1 = policy.regulariser(lambdas.narrow(1, 1, 1), critiques.narrow(1, 1, 1));
    if (halting == "critique") {
        // A mean over the (row, step) entries used: 2 of row 0 and 4 of row 1.
        const double expected = (2.0 * row0.item<double>() + 4.0 * row1.item<double>()) / 6.0;
        QVERIFY(std::abs(policy.regulariser(lambdas, critiques, used).item<double>() - expected)
                < 1e-9);
    } else {
        const double expected = 0.5 * (row0.item<double>() + row1.item<double>());
        QVERIFY(std::abs(policy.regulariser(lambdas, critiques, used).item<double>() - expected)
                < 1e-9);
        // Carrying the held lambda into the formula (the old eval loss) gives another number.
        QVERIFY(std::abs(policy.regulariser(lambdas, critiques).item<double>() - expected)
                > 1e-3);
    }
    // The step weights of the expected loss: row 0's sum to 1 over its 2 steps.
    const auto w = policy.stepWeights(lambdas, critiques, used);
    QVERIFY(near(w.sum(0), torch::ones({2}, torch::kDouble)));
    QVERIFY(near(w.narrow(0, 2, 2).select(1, 0), torch::zeros({2}, torch::kDouble)));
    QVERIFY(near(w.narrow(0, 0, 2).select(1, 0),
                 policy.stepWeights(lambdas.narrow(0, 0, 2).narrow(1, 0, 1),
                                    critiques.narrow(0, 0, 2).narrow(1, 0, 1))
                     .squeeze(1)));
}

void TstHalting::evalKlOfHaltedRowsMatchesClosedForm()
{
    // PonderNet, lambda 0.3 everywhere, 6 steps, prior 0.2: the median halts at step 2, so the
    // row's halting distribution is (0.3, 0.7) and the prior truncated to 2 steps is
    // (0.2, 0.16) / 0.36 = (5/9, 4/9): KL = 0.3 ln(0.3 / (5/9)) + 0.7 ln(0.7 / (4/9)).
    torch::manual_seed(6);
    auto config = haltConfig("pondernet", 6);
    config.ponderPrior = 0.2;
    const HaltingPolicy policy(config);
    auto expert = constantLambdaExpert(4, 2, 6, 0.3);
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto run = expert->reflect(torch::randn({5, 4}), policy, /*shrink=*/true);
    QCOMPARE(run.computed.sum().item<int64_t>(), int64_t(5 * 2));
    const double expected = 0.3 * std::log(0.3 / (5.0 / 9.0)) + 0.7 * std::log(0.7 / (4.0 / 9.0));
    const double kl = policy.regulariser(run.lambda, run.critique, run.computed).item<double>();
    QVERIFY2(std::abs(kl - expected) < 1e-5, qPrintable(QString("%1 vs %2").arg(kl).arg(expected)));
    // In training every step runs, and the same call gives the 6-step KL.
    expert->train();
    const auto trained = expert->reflect(torch::randn({5, 4}), policy, /*shrink=*/false);
    QVERIFY(trained.computed.all().item<bool>());
    const auto p = ponderNetDistribution(torch::full({6, 1}, 0.3));
    const auto prior = truncatedGeometricPrior(0.2, 6, torch::TensorOptions(torch::kFloat));
    QVERIFY(std::abs(policy.regulariser(trained.lambda, trained.critique, trained.computed)
                         .item<double>()
                     - klToPrior(p, prior).item<double>())
            < 1e-5);
}

void TstHalting::ponderNetLossMatchesPythonReference()
{
    // Numbers from tests/core/model/python/pondernet_loss.py (plain Python loops):
    // expected task loss 0.4356701373, KL(p || prior 0.2) 0.2130061565, total with beta 0.01
    // 0.4378001988; median halting steps 3, 1, 2.
    auto config = haltConfig("pondernet", 4);
    config.ponderPrior = 0.2;
    const HaltingPolicy policy(config);
    const auto lambdas = referenceLambdas();
    const auto logits = referenceLogits();
    const auto y = torch::tensor({0, 1, 2}, torch::kLong);
    const auto p = ponderNetDistribution(lambdas);
    QVERIFY(near(p, torch::tensor({0.1, 0.6, 0.3, 0.18, 0.2, 0.49, 0.288, 0.06, 0.189, 0.432,
                                   0.14, 0.021},
                                  torch::kDouble)
                        .view({4, 3}),
                 1e-12));
    const auto ce = -torch::log_softmax(logits, 2).gather(2, y.view({1, 3, 1}).expand({4, 3, 1}))
                         .squeeze(2); // [T, n]
    const auto zeros = torch::zeros_like(lambdas);
    const double task = (policy.stepWeights(lambdas, zeros) * ce).sum(0).mean().item<double>();
    const double kl = policy.regulariser(lambdas, zeros).item<double>();
    QVERIFY(std::abs(task - 0.4356701373) < 1e-9);
    QVERIFY(std::abs(kl - 0.2130061565) < 1e-9);
    QVERIFY(std::abs(task + 0.01 * kl - 0.4378001988) < 1e-9);
    QVERIFY(torch::equal(ponderNetHaltStep(lambdas, torch::full({3}, 0.5, torch::kDouble)),
                         torch::tensor({3, 1, 2}, torch::kLong)));
}

void TstHalting::actMatchesPythonReference()
{
    // pondernet_loss.py, ACT with eps 0.01 on the same lambdas: N = 4, 2, 2; R = 0.3, 0.4, 0.7;
    // ponder cost 3.1333333333 and the mean-field answers below.
    auto config = haltConfig("act", 4);
    config.actEpsilon = 0.01;
    const HaltingPolicy policy(config);
    const auto lambdas = referenceLambdas();
    const auto zeros = torch::zeros_like(lambdas);
    const auto w = policy.stepWeights(lambdas, zeros); // [T, n]
    const auto answer = (w.unsqueeze(2) * torch::softmax(referenceLogits(), 2)).sum(0);
    QVERIFY(near(answer,
                 torch::tensor({0.7767697882, 0.1154176419, 0.1078125699, 0.2921460973,
                                0.5992588031, 0.1085950996, 0.1510268368, 0.257209936,
                                0.5917632272},
                               torch::kDouble)
                     .view({3, 3}),
                 1e-9));
    QVERIFY(std::abs(policy.regulariser(lambdas, zeros).item<double>() - 3.1333333333) < 1e-9);
}

void TstHalting::withoutHaltingStepLossOnlyTheAnswerLossIsDropped_data()
{
    QTest::addColumn<QString>("halting");
    QTest::newRow("pondernet") << "pondernet";
    QTest::newRow("act") << "act";
}

void TstHalting::withoutHaltingStepLossOnlyTheAnswerLossIsDropped()
{
    // experts[].halting_step_loss false (PonderNet / ACT as published): the same model on the
    // same batch loses exactly the task loss on the fused halting-step answer from its total;
    // the experts' own objectives (expected loss / mean-field loss, KL / ponder cost) stay.
    QFETCH(QString, halting);
    mor::ModelConfig mc;
    mc.encoder.hidden = 8;
    mc.router.topK = 1;
    auto ec = haltConfig(halting.toStdString(), 3);
    ec.width = 8;
    mc.experts = {ec, ec};
    ModelShape shape;
    shape.inputs = 5;
    shape.classes = 3;
    torch::manual_seed(11);
    MoRModel with(mc, shape);
    for (auto& e : mc.experts) {
        e.haltingStepLoss = false;
    }
    torch::manual_seed(11);
    MoRModel without(mc, shape);
    QCOMPARE(without->parameters().size(), with->parameters().size());
    const auto x = torch::randn({16, 5});
    const auto y = torch::randint(3, {16});
    with->train();
    without->train();
    torch::manual_seed(7);
    const auto a = with->forward(x, y, torch::Tensor());
    torch::manual_seed(7);
    const auto b = without->forward(x, y, torch::Tensor());
    const double task = a.losses.at("task").item<double>();
    QVERIFY(task > 0.1); // about log 3 for an untrained model: the difference cannot vanish
    QVERIFY(std::abs(b.losses.at("task").item<double>() - task) < 1e-6); // still logged
    QVERIFY(std::abs((a.totalLoss - b.totalLoss).item<double>() - task) < 1e-5);
    QVERIFY(b.losses.at("expert").item<double>() > 0.0);
    b.totalLoss.backward(); // the paper's objective still trains the experts
    double grad = 0.0;
    for (const auto& p : without->named_parameters()) {
        if (p.key().find("expert") != std::string::npos && p.value().grad().defined()) {
            grad += p.value().grad().abs().sum().item<double>();
        }
    }
    QVERIFY(grad > 0.0);
}

QTEST_APPLESS_MAIN(TstHalting)
#include "tst_halting.moc"
