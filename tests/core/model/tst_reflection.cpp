// Reflection experts: weight tying, sparse halting at inference, halting distributions, the
// critic, the paper-exact options (zero initial state, no feedback, raw input) and the
// re-reflection hint.
#include "model/encoder.h"
#include "model/halting_policy.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include "model_test_util.h"

#include <QtTest>

#include <cmath>

using namespace mor::model;
using model_test::gradSum;
using model_test::parameterCount;

namespace {

void fillParameter(torch::nn::Module& module, const std::string& name, double value)
{
    torch::NoGradGuard noGrad;
    module.named_parameters()[name].fill_(value);
}

mor::ExpertConfig expertConfig(const std::string& halting, int64_t depth, double threshold)
{
    mor::ExpertConfig config;
    mor::parseChoice(halting, mor::haltingRuleNames(), &config.halting);
    config.maxDepth = depth;
    config.haltThreshold = threshold;
    return config;
}

} // namespace

class TstReflection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterCountDoesNotGrowWithDepth_data();
    void parameterCountDoesNotGrowWithDepth();
    void stepOutputsAreDistributionsAndProbabilities();
    void critiqueGatedExpertStopsComputingHaltedInputs_data();
    void critiqueGatedExpertStopsComputingHaltedInputs();
    void partlyHaltedBatchComputesOnlyActiveRows();
    void compactedRunMatchesTheEveryStepRun();
    void trainingModeRunsEveryStep();
    void fixedDepthRunsMaxDepth();
    void ponderNetDistributionSumsToOne_data();
    void ponderNetDistributionSumsToOne();
    void ponderNetKlMatchesClosedForm();
    void actWeightsAndPonderCost();
    void extendRunsExtraIterations();
    void critiqueIsTheTemperatureScaledCriticLogit();
    void criticStopGradientKeepsTheCritiqueLossOffTheCell_data();
    void criticStopGradientKeepsTheCritiqueLossOffTheCell();
    void zeroInitialStateStartsFromZero();
    void withoutFeedbackTheCellReadsOnlyItsInput();
    void extendKeepsItsOwnDraftAndReadsTheHintThroughItsOwnInput();
    void encoderWithZeroLayersIsTheIdentity();
    void reReflectionStepsAddTheirCritiqueLoss();
};

void TstReflection::parameterCountDoesNotGrowWithDepth_data()
{
    QTest::addColumn<QString>("cell");
    QTest::newRow("mlp") << "mlp";
    QTest::newRow("gru") << "gru";
    QTest::newRow("transformer") << "transformer";
}

void TstReflection::parameterCountDoesNotGrowWithDepth()
{
    QFETCH(QString, cell);
    const auto make = [&](int64_t depth) {
        return ReflectionExpert(
            ReflectionExpertOptions(12, 3).width(16).maxDepth(depth).cell(cell.toStdString()));
    };
    auto shallow = make(1);
    auto deep = make(9);
    QVERIFY(parameterCount(*shallow) > 0);
    QCOMPARE(parameterCount(*deep), parameterCount(*shallow));
}

void TstReflection::stepOutputsAreDistributionsAndProbabilities()
{
    torch::manual_seed(1);
    ReflectionExpert expert(ReflectionExpertOptions(6, 4).width(8).cell("transformer"));
    const auto e = torch::randn({5, 6});
    const auto s = expert->step(expert->initialState(e), e, torch::full({5, 4}, 0.25),
                                torch::zeros({5}));
    QCOMPARE(s.state.sizes().vec(), (std::vector<int64_t>{5, 8}));
    QVERIFY(torch::allclose(s.probs.sum(1), torch::ones({5})));
    QVERIFY(s.critique.min().item<float>() > 0.f && s.critique.max().item<float>() < 1.f);
    QVERIFY(s.lambda.min().item<float>() > 0.f && s.lambda.max().item<float>() < 1.f);
}

void TstReflection::critiqueGatedExpertStopsComputingHaltedInputs_data()
{
    QTest::addColumn<double>("criticBias");
    QTest::addColumn<int>("expectedSteps");
    QTest::newRow("confident at once halts after step 1") << 10.0 << 1;
    QTest::newRow("never confident runs all steps") << -10.0 << 5;
}

void TstReflection::critiqueGatedExpertStopsComputingHaltedInputs()
{
    QFETCH(double, criticBias);
    QFETCH(int, expectedSteps);
    torch::manual_seed(2);
    ReflectionExpert expert(ReflectionExpertOptions(6, 3).width(8).maxDepth(5).cell("gru"));
    fillParameter(*expert, "critic2.weight", 0.0);
    fillParameter(*expert, "critic2.bias", criticBias);
    const HaltingPolicy policy(expertConfig("critique", 5, 0.9));
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto run = expert->reflect(torch::randn({7, 6}), policy, /*shrink=*/true);
    QCOMPARE(expert->rowsProcessed(), int64_t(7 * expectedSteps));
    QVERIFY(torch::equal(run.haltStep, torch::full({7}, expectedSteps, torch::kLong)));
    QCOMPARE(run.computed.sum().item<int64_t>(), int64_t(7 * expectedSteps));
    QCOMPARE(run.probs.size(0), int64_t(5)); // held values fill the later steps
    QVERIFY(torch::allclose(run.probs[4], run.answer));
}

void TstReflection::partlyHaltedBatchComputesOnlyActiveRows()
{
    torch::manual_seed(5);
    const int64_t n = 40;
    const int64_t depth = 4;
    ReflectionExpert expert(ReflectionExpertOptions(6, 3).width(8).maxDepth(depth).cell("mlp"));
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({n, 6});
    // Threshold at the median first critique: about half the rows stop after step 1.
    const auto first = expert->step(expert->initialState(e), e, torch::full({n, 3}, 1.0 / 3.0),
                                    torch::zeros({n}));
    const double threshold = first.critique.median().item<double>();
    const int64_t haltAtOne = first.critique.ge(threshold).sum().item<int64_t>();
    const int64_t before = expert->rowsProcessed();
    const HaltingPolicy policy(expertConfig("critique", depth, threshold));
    const auto run = expert->reflect(e, policy, /*shrink=*/true);
    const int64_t processed = expert->rowsProcessed() - before;
    QCOMPARE(run.haltStep.eq(1).sum().item<int64_t>(), haltAtOne);
    QCOMPARE(processed, run.haltStep.sum().item<int64_t>());
    QVERIFY(processed < n * depth);
    QVERIFY(haltAtOne > 0 && haltAtOne < n);
    // The answer of every row is its draft at its own halting step.
    QVERIFY(torch::equal(run.iterations, run.haltStep));
}

void TstReflection::compactedRunMatchesTheEveryStepRun()
{
    // Issue 20: the compacted evaluation pass (halted rows leave, bookkeeping derived at the
    // end) gives every row what the pass that computes every step for every row gives up to
    // the row's halting step, and holds the halting step's values after it.
    torch::manual_seed(9);
    const int64_t n = 64;
    const int64_t depth = 5;
    ReflectionExpert expert(ReflectionExpertOptions(6, 3).width(8).maxDepth(depth).cell("gru"));
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({n, 6});
    const auto probe = expert->reflect(e, HaltingPolicy(expertConfig("fixed", depth, 0.5)), false);
    // A threshold that some rows reach at step 1, some later and some never.
    const double threshold = probe.critique.flatten().quantile(0.6).item<double>();
    const HaltingPolicy policy(expertConfig("critique", depth, threshold));
    const auto full = expert->reflect(e, policy, /*shrink=*/false);
    const int64_t before = expert->rowsProcessed();
    const auto run = expert->reflect(e, policy, /*shrink=*/true);
    QCOMPARE(expert->rowsProcessed() - before, run.haltStep.sum().item<int64_t>());
    QVERIFY(torch::equal(run.haltStep, full.haltStep));
    const auto halts = std::get<0>(at::_unique(run.haltStep));
    QVERIFY2(halts.numel() >= 3, "the rows halt at too few distinct steps to test compaction");
    QVERIFY(run.haltStep.eq(1).any().item<bool>());
    QVERIFY(run.haltStep.eq(depth).any().item<bool>());
    QVERIFY(torch::equal(run.iterations, run.haltStep));
    const auto t = torch::arange(1, depth + 1, torch::kLong).unsqueeze(1);
    QVERIFY(torch::equal(run.computed, t.le(run.haltStep.unsqueeze(0))));
    // Values at step min(t, halt) of the every-step run.
    const auto held = (torch::minimum(t, run.haltStep.unsqueeze(0)) - 1); // [T, n]
    const auto at = [&](const torch::Tensor& x) { // [T, n, ...] at the held steps
        if (x.dim() == 2) {
            return x.gather(0, held);
        }
        return x.gather(0, held.unsqueeze(2).expand({depth, n, x.size(2)}));
    };
    const double tol = 1e-6;
    QVERIFY(torch::allclose(run.logits, at(full.logits), tol, tol));
    QVERIFY(torch::allclose(run.critique, at(full.critique), tol, tol));
    QVERIFY(torch::allclose(run.criticLogit, at(full.criticLogit), tol, tol));
    QVERIFY(torch::allclose(run.lambda, at(full.lambda), tol, tol));
    QVERIFY(torch::allclose(run.probs, full.probs, tol, tol));
    QVERIFY(torch::allclose(run.heldCritique, full.heldCritique, tol, tol));
    QVERIFY(torch::allclose(run.answer, full.answer, tol, tol));
    QVERIFY(torch::allclose(run.confidence, full.confidence, tol, tol));
    QVERIFY(torch::allclose(run.state, full.state, tol, tol));
}

void TstReflection::trainingModeRunsEveryStep()
{
    torch::manual_seed(6);
    ReflectionExpert expert(ReflectionExpertOptions(6, 3).width(8).maxDepth(3));
    fillParameter(*expert, "critic2.weight", 0.0);
    fillParameter(*expert, "critic2.bias", 10.0); // would halt at step 1
    expert->train();
    const HaltingPolicy policy(expertConfig("critique", 3, 0.9));
    const auto run = expert->reflect(torch::randn({4, 6}), policy, /*shrink=*/false);
    QCOMPARE(expert->rowsProcessed(), int64_t(12));
    QVERIFY(torch::equal(run.haltStep, torch::ones({4}, torch::kLong)));
    QVERIFY(run.answer.requires_grad());
    // The answer is step 1's draft even though later steps ran.
    QVERIFY(torch::allclose(run.answer, torch::softmax(run.logits[0], 1)));
}

void TstReflection::fixedDepthRunsMaxDepth()
{
    ReflectionExpert expert(ReflectionExpertOptions(4, 2).width(8).maxDepth(3));
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto run =
        expert->reflect(torch::randn({6, 4}), HaltingPolicy(expertConfig("fixed", 3, 0.5)), true);
    QVERIFY(torch::equal(run.haltStep, torch::full({6}, 3, torch::kLong)));
    QCOMPARE(expert->rowsProcessed(), int64_t(18));
}

void TstReflection::ponderNetDistributionSumsToOne_data()
{
    QTest::addColumn<QList<double>>("lambdas");
    QTest::addColumn<QList<double>>("expected");
    QTest::newRow("halves") << QList<double>{0.5, 0.5, 0.5} << QList<double>{0.5, 0.25, 0.25};
    QTest::newRow("uneven") << QList<double>{0.2, 0.6, 0.9} << QList<double>{0.2, 0.48, 0.32};
    QTest::newRow("sure at once") << QList<double>{1.0, 0.3} << QList<double>{1.0, 0.0};
    QTest::newRow("single step") << QList<double>{0.1} << QList<double>{1.0};
}

void TstReflection::ponderNetDistributionSumsToOne()
{
    QFETCH(QList<double>, lambdas);
    QFETCH(QList<double>, expected);
    std::vector<float> l(lambdas.begin(), lambdas.end());
    std::vector<float> x(expected.begin(), expected.end());
    const auto p = ponderNetDistribution(torch::tensor(l).unsqueeze(1)); // [T, 1]
    QVERIFY(std::abs(p.sum().item<float>() - 1.f) < 1e-6f);
    QVERIFY(torch::allclose(p.squeeze(1), torch::tensor(x), 1e-5, 1e-6));
}

void TstReflection::ponderNetKlMatchesClosedForm()
{
    // lambda = 0.5 for 3 steps: p = (1/2, 1/4, 1/4); prior pi = 0.5 truncated to 3 steps:
    // (4/7, 2/7, 1/7). KL(p || prior) = 3/4 ln(7/8) + 1/4 ln(7/4).
    const auto prior = truncatedGeometricPrior(0.5, 3, torch::TensorOptions(torch::kFloat));
    QVERIFY(torch::allclose(prior, torch::tensor({4.f / 7.f, 2.f / 7.f, 1.f / 7.f})));
    const auto p = ponderNetDistribution(torch::full({3, 2}, 0.5));
    const double expected = 0.75 * std::log(7.0 / 8.0) + 0.25 * std::log(7.0 / 4.0);
    QVERIFY(std::abs(klToPrior(p, prior).item<double>() - expected) < 1e-6);
    // The regulariser of the policy is the same quantity, and 0 when p equals the prior.
    const HaltingPolicy policy([] {
        mor::ExpertConfig c;
        c.halting = mor::HaltingRule::PonderNet;
        c.ponderPrior = 0.5;
        c.maxDepth = 3;
        return c;
    }());
    QVERIFY(std::abs(policy.regulariser(torch::full({3, 2}, 0.5), torch::zeros({3, 2}))
                         .item<double>()
                     - expected)
            < 1e-6);
    QVERIFY(klToPrior(prior.unsqueeze(1), prior).item<double>() < 1e-6);
}

void TstReflection::actWeightsAndPonderCost()
{
    // cumulative 0.3, 0.8 >= 0.7 -> N = 2, R = 0.7; weights (0.3, 0.7, 0), cost N + R = 2.7.
    torch::Tensor cost;
    const auto w = actWeights(torch::tensor({0.3f, 0.5f, 0.4f}).unsqueeze(1), 0.7, &cost);
    QVERIFY(torch::allclose(w.squeeze(1), torch::tensor({0.3f, 0.7f, 0.f})));
    QVERIFY(std::abs(cost.item<float>() - 2.7f) < 1e-6f);
    // Never reaching the threshold: the last step takes the remainder.
    const auto w2 = actWeights(torch::tensor({0.1f, 0.1f}).unsqueeze(1), 0.99, nullptr);
    QVERIFY(torch::allclose(w2.squeeze(1), torch::tensor({0.1f, 0.9f})));
}

void TstReflection::extendRunsExtraIterations()
{
    ReflectionExpert expert(ReflectionExpertOptions(4, 3).width(8).maxDepth(2));
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({5, 4});
    const auto extra = expert->extend(expert->initialState(e), e, torch::full({5, 3}, 1.0 / 3.0),
                                      torch::zeros({5}), 3);
    QCOMPARE(extra.probs.size(0), int64_t(3));
    QCOMPARE(expert->rowsProcessed(), int64_t(15));
    QVERIFY(torch::allclose(extra.answer, extra.probs[2]));
}

void TstReflection::critiqueIsTheTemperatureScaledCriticLogit()
{
    torch::manual_seed(7);
    ReflectionExpert expert(ReflectionExpertOptions(5, 3).width(8).maxDepth(4));
    expert->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({6, 5});
    const HaltingPolicy policy(expertConfig("fixed", 4, 0.5));
    const auto raw = expert->reflect(e, policy, true);
    QCOMPARE(raw.criticLogit.sizes().vec(), raw.critique.sizes().vec());
    QVERIFY(torch::allclose(raw.critique, torch::sigmoid(raw.criticLogit)));
    expert->setCriticTemperature(2.5);
    QCOMPARE(expert->criticTemperature(), 2.5);
    const auto scaled = expert->reflect(e, policy, true);
    // Calibration changes how the critique reads, not what the expert computes: the cell reads
    // back the uncalibrated sigmoid(z), so drafts and logits are unchanged at every step.
    QVERIFY(torch::equal(scaled.logits, raw.logits));
    QVERIFY(torch::equal(scaled.criticLogit, raw.criticLogit));
    QVERIFY(torch::allclose(scaled.critique, torch::sigmoid(scaled.criticLogit / 2.5)));
    QVERIFY(!torch::allclose(scaled.critique, raw.critique));
    QVERIFY(torch::allclose(scaled.heldCritique, scaled.critique));
}

void TstReflection::criticStopGradientKeepsTheCritiqueLossOffTheCell_data()
{
    QTest::addColumn<bool>("stopGradient");
    QTest::newRow("stop-gradient") << true;
    QTest::newRow("shared gradient") << false;
}

void TstReflection::criticStopGradientKeepsTheCritiqueLossOffTheCell()
{
    QFETCH(bool, stopGradient);
    torch::manual_seed(8);
    ReflectionExpert expert(
        ReflectionExpertOptions(5, 3).width(8).maxDepth(3).criticStopGradient(stopGradient));
    expert->train();
    const auto run = expert->reflect(torch::randn({6, 5}), HaltingPolicy(expertConfig("fixed", 3, 0.5)),
                                     /*shrink=*/false);
    // The critique calibration loss alone, against a fixed target.
    const auto target = torch::tensor({1.f, 0.f, 1.f, 1.f, 0.f, 0.f}).unsqueeze(0).expand({3, 6});
    torch::binary_cross_entropy(run.critique, target).backward();
    QVERIFY(gradSum(*expert, "critic") > 0.0);
    if (stopGradient) {
        QCOMPARE(gradSum(*expert, "cell."), 0.0);
        QCOMPARE(gradSum(*expert, "head."), 0.0);
        QCOMPARE(gradSum(*expert, "init."), 0.0);
    } else {
        QVERIFY(gradSum(*expert, "cell.") > 0.0);
        QVERIFY(gradSum(*expert, "init.") > 0.0);
    }
}

void TstReflection::zeroInitialStateStartsFromZero()
{
    torch::manual_seed(9);
    ReflectionExpert fromE(ReflectionExpertOptions(6, 2).width(8));
    ReflectionExpert zero(ReflectionExpertOptions(6, 2).width(8).zeroInitialState(true));
    const auto e = torch::randn({4, 6});
    QVERIFY(torch::equal(zero->initialState(e), torch::zeros({4, 8})));
    QVERIFY(fromE->initialState(e).abs().sum().item<double>() > 0.0);
    QCOMPARE(zero->initFlops(), 0.0);
    QCOMPARE(fromE->initFlops(), 2.0 * 6 * 8);
    // No W for s_0: exactly its 6 x 8 + 8 parameters fewer.
    QCOMPARE(parameterCount(*fromE) - parameterCount(*zero), int64_t(6 * 8 + 8));
}

void TstReflection::withoutFeedbackTheCellReadsOnlyItsInput()
{
    torch::manual_seed(10);
    const int64_t h = 6, c = 3, w = 8;
    ReflectionExpert plain(ReflectionExpertOptions(h, c).width(w).feedback(false));
    ReflectionExpert reflecting(ReflectionExpertOptions(h, c).width(w));
    // A GRU cell reading H inputs instead of H + C + 1: 3 (C + 1) W input weights fewer.
    QCOMPARE(parameterCount(*reflecting) - parameterCount(*plain),
             int64_t(3 * (c + 1) * w + (c + 1) * c));
    QVERIFY(plain->stepFlops() < reflecting->stepFlops());
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({5, h});
    const auto s0 = plain->initialState(e);
    const auto a = plain->step(s0, e, torch::full({5, c}, 1.0 / 3.0), torch::zeros({5}));
    const auto b = plain->step(s0, e, torch::softmax(torch::randn({5, c}), 1), torch::ones({5}));
    QVERIFY(torch::equal(a.state, b.state)); // draft and critique are not read
    const auto r1 = reflecting->step(reflecting->initialState(e), e, torch::full({5, c}, 1.0 / 3.0),
                                     torch::zeros({5}));
    const auto r2 = reflecting->step(reflecting->initialState(e), e,
                                     torch::softmax(torch::randn({5, c}), 1), torch::ones({5}));
    QVERIFY(!torch::equal(r1.state, r2.state));
}

void TstReflection::extendKeepsItsOwnDraftAndReadsTheHintThroughItsOwnInput()
{
    torch::manual_seed(11);
    const int64_t h = 4, c = 3;
    ReflectionExpert expert(ReflectionExpertOptions(h, c).width(8).maxDepth(2));
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({5, h});
    expert->eval(); // the fitted temperature applies in eval only (the critic trains raw)
    expert->setCriticTemperature(3.0); // the cell reads the uncalibrated critique sigmoid(z)
    const auto run = expert->reflect(e, HaltingPolicy(expertConfig("fixed", 2, 0.5)), true);
    const auto ownCritique = torch::sigmoid(run.criticLogit[1]);
    const auto hintA = torch::softmax(torch::randn({5, c}), 1);
    const auto hintB = torch::softmax(torch::randn({5, c}) * 3.0, 1);
    // The hint projection starts at zero: the first extra step is the expert's own next step,
    // reading its own last draft and critique, whatever the hint.
    const auto own = expert->step(run.state, e, run.answer, ownCritique, 3);
    const auto a = expert->extend(run.state, e, hintA, run.confidence, 1);
    QVERIFY(torch::allclose(a.probs[0], own.probs, 1e-6, 1e-6));
    QVERIFY(torch::allclose(expert->extend(run.state, e, hintB, run.confidence, 1).answer,
                            a.answer));
    // Once learned, the hint changes the answer, through its own input only.
    expert->named_parameters()["hint"].normal_();
    const auto ha = expert->extend(run.state, e, hintA, run.confidence, 2);
    const auto hb = expert->extend(run.state, e, hintB, run.confidence, 2);
    QVERIFY(!torch::allclose(ha.answer, hb.answer));
    QCOMPARE(ha.criticLogit.sizes().vec(), (std::vector<int64_t>{2, 5}));
    QVERIFY(torch::allclose(ha.probs[0],
                            expert->step(run.state, e, run.answer, ownCritique, 3, {}, hintA).probs));
    // The confidence of the re-reflected answer is its calibrated critique.
    QVERIFY(torch::allclose(ha.confidence, torch::sigmoid(ha.criticLogit[1] / 3.0)));
    // Without a hint input there is no such parameter.
    ReflectionExpert bare(ReflectionExpertOptions(h, c).width(8).hintInput(false));
    QCOMPARE(parameterCount(*expert) - parameterCount(*bare), int64_t((h + c + 1) * c));
}

void TstReflection::encoderWithZeroLayersIsTheIdentity()
{
    Encoder identity(EncoderOptions(7, 64).layers(0));
    const auto x = torch::randn({3, 7});
    QVERIFY(torch::equal(identity->forward(x), x));
    QCOMPARE(parameterCount(*identity), int64_t(0));
    QCOMPARE(identity->flopsPerRow(), 0.0);
    QCOMPARE(identity->outputs(), int64_t(7));
    Encoder mlp(EncoderOptions(7, 16).layers(2));
    QCOMPARE(mlp->forward(x).sizes().vec(), (std::vector<int64_t>{3, 16}));
    QCOMPARE(mlp->outputs(), int64_t(16));
    QCOMPARE(mlp->flopsPerRow(), 2.0 * 7 * 16 + 2.0 * 16 * 16);
}

void TstReflection::reReflectionStepsAddTheirCritiqueLoss()
{
    // The re-reflection steps are the expert's own drafts, so their critique is trained too
    // (issue 17). The same weights on the same batch, every input in conflict: the critique loss
    // with re-reflection is the one without it plus the extra steps' BCE, a positive term.
    mor::ModelConfig plain;
    plain.encoder.hidden = 8;
    plain.router.strategy = mor::RoutingStrategy::TopK;
    plain.router.topK = 2;
    auto ec = expertConfig("critique", 2, 0.5);
    ec.width = 8;
    plain.experts.assign(3, ec);
    plain.integration.conflictThreshold = 0.0; // every input conflicts
    plain.integration.confidentThreshold = 0.0;
    plain.integration.extraIterations = 1;
    auto rereflecting = plain;
    rereflecting.integration.resolution = mor::ConflictResolution::ReReflect;
    ModelShape shape;
    shape.inputs = 6;
    shape.classes = 3;
    torch::manual_seed(12);
    MoRModel withExtra(rereflecting, shape);
    MoRModel without(plain, shape);
    {
        torch::NoGradGuard noGrad;
        auto source = withExtra->named_parameters();
        for (auto& p : without->named_parameters()) {
            p.value().copy_(source[p.key()]); // the re-reflecting model only adds the hint input
        }
    }
    const auto x = torch::randn({32, 6});
    const auto y = torch::randint(3, {32});
    withExtra->train();
    without->train();
    torch::manual_seed(7);
    const auto a = withExtra->forward(x, y, torch::Tensor());
    torch::manual_seed(7);
    const auto b = without->forward(x, y, torch::Tensor());
    // The regular steps are the same computation in both models.
    QVERIFY(std::abs(a.losses.at("expert").item<double>() - b.losses.at("expert").item<double>())
            < 1e-6);
    const double extra =
        a.losses.at("critique").item<double>() - b.losses.at("critique").item<double>();
    QVERIFY2(extra > 1e-3, qPrintable(QString::number(extra)));
}

QTEST_APPLESS_MAIN(TstReflection)
#include "tst_reflection.moc"
