// Grouped dispatch (issue 20, setGroupedDispatch): experts of one shape computed together in
// training passes give the same forward values, losses and gradients as the per-expert
// gather / reflect / scatter path, over the same parameters (names and checkpoint layout
// unchanged).
#include "model/grouped_experts.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

using namespace mor;
using namespace mor::model;

namespace {

ExpertConfig expert(const std::string& cell, int64_t width, int64_t depth,
                    const std::string& halting)
{
    ExpertConfig ec;
    mor::parseChoice(cell, mor::expertCellNames(), &ec.cell);
    ec.width = width;
    ec.maxDepth = depth;
    mor::parseChoice(halting, mor::haltingRuleNames(), &ec.halting);
    return ec;
}

struct PassResult {
    std::map<std::string, torch::Tensor> values; ///< forward outputs and losses
    std::map<std::string, torch::Tensor> grads;  ///< parameter gradients by name
    std::vector<int64_t> rows;                   ///< rows processed per expert in the pass
};

PassResult trainingPass(MoRModel& net, const torch::Tensor& x, const torch::Tensor& y,
                        bool grouped)
{
    const bool previous = groupedDispatch();
    setGroupedDispatch(grouped);
    for (auto& p : net->parameters()) {
        p.mutable_grad() = torch::Tensor();
    }
    const auto before = net->expertRowsProcessed();
    torch::manual_seed(7); // the same router noise (if any) in both passes
    net->train();
    const auto out = net->forward(x, y, torch::Tensor());
    out.totalLoss.backward();
    setGroupedDispatch(previous);
    PassResult r;
    r.values["total loss"] = out.totalLoss.detach();
    for (const auto& [name, loss] : out.losses) {
        r.values["loss " + name] = loss.detach();
    }
    r.values["logits"] = out.logits.detach();
    r.values["steps"] = out.steps.to(torch::kDouble);
    r.values["flops"] = out.flops.to(torch::kDouble);
    for (const auto& p : net->named_parameters()) {
        if (p.value().grad().defined()) {
            r.grads[p.key()] = p.value().grad().clone();
        }
    }
    const auto after = net->expertRowsProcessed();
    for (size_t j = 0; j < after.size(); ++j) {
        r.rows.push_back(after[j] - before[j]);
    }
    return r;
}

double maxExcess(const torch::Tensor& a, const torch::Tensor& b)
{
    // allclose(atol 1e-6, rtol 1e-6) as a number: > 0 fails.
    const auto diff = (a.to(torch::kDouble) - b.to(torch::kDouble)).abs();
    const auto allowed = 1e-6 + 1e-6 * b.to(torch::kDouble).abs();
    return (diff - allowed).max().item<double>();
}

void compare(const PassResult& grouped, const PassResult& single)
{
    QCOMPARE(grouped.values.size(), single.values.size());
    for (const auto& [name, value] : single.values) {
        QVERIFY2(grouped.values.count(name), name.c_str());
        QVERIFY2(maxExcess(grouped.values.at(name), value) <= 0.0, name.c_str());
    }
    QCOMPARE(grouped.grads.size(), single.grads.size());
    QVERIFY(single.grads.size() > 10);
    double gradMass = 0.0;
    for (const auto& [name, grad] : single.grads) {
        QVERIFY2(grouped.grads.count(name), name.c_str());
        QVERIFY2(maxExcess(grouped.grads.at(name), grad) <= 0.0, name.c_str());
        if (name.rfind("expert", 0) == 0) {
            gradMass += grad.abs().sum().item<double>();
        }
    }
    QVERIFY(gradMass > 1e-3); // the experts really learn from the pass
    QCOMPARE(grouped.rows, single.rows);
}

} // namespace

class TstGroupedDispatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void groupsAreExpertsOfOneShape();
    void groupedTrainingPassEqualsPerExpertPass_data();
    void groupedTrainingPassEqualsPerExpertPass();
    void parameterNamesAreThePerExpertOnes();
    void compactedEvalRunHoldsEachRowsHaltingStep_data();
    void compactedEvalRunHoldsEachRowsHaltingStep();
};

void TstGroupedDispatch::groupsAreExpertsOfOneShape()
{
    ModelConfig mc;
    mc.experts = {expert("gru", 16, 3, "critique"), expert("mlp", 16, 3, "critique"),
                  expert("gru", 16, 3, "critique"), expert("gru", 8, 3, "critique"),
                  expert("transformer", 16, 3, "critique"), expert("transformer", 16, 3, "critique"),
                  expert("gru", 16, 3, "pondernet"), expert("mlp", 16, 3, "critique")};
    ModelShape shape;
    shape.inputs = 5;
    shape.classes = 3;
    MoRModel net(mc, shape);
    std::vector<ReflectionExpert> experts;
    for (size_t j = 0; j < mc.experts.size(); ++j) {
        experts.push_back(ReflectionExpert(
            ReflectionExpertOptions(8, 3).width(mc.experts[j].width).maxDepth(3).cell(
                mor::choiceName(mc.experts[j].cell, mor::expertCellNames()))));
    }
    const auto groups = expertGroups(mc.experts, experts);
    // gru 16 critique {0, 2}; mlp 16 {1, 7}; transformers and the odd ones run alone.
    QCOMPARE(groups.size(), size_t(2));
    QCOMPARE(groups[0], (std::vector<int64_t>{0, 2}));
    QCOMPARE(groups[1], (std::vector<int64_t>{1, 7}));
}

void TstGroupedDispatch::groupedTrainingPassEqualsPerExpertPass_data()
{
    QTest::addColumn<QString>("setup");
    QTest::newRow("8 gru, top-2, critique") << "gru";
    QTest::newRow("mixed shapes and halting") << "mixed";
    QTest::newRow("step embedding, zero state, no feedback, act") << "paper";
    QTest::newRow("re-reflect resolution, top-3") << "rereflect";
}

void TstGroupedDispatch::groupedTrainingPassEqualsPerExpertPass()
{
    QFETCH(QString, setup);
    torch::manual_seed(3);
    ModelConfig mc;
    mc.encoder.hidden = 12;
    mc.router.strategy = mor::RoutingStrategy::TopK;
    mc.router.topK = 2;
    if (setup == "gru") {
        mc.experts.assign(8, expert("gru", 16, 3, "critique"));
    } else if (setup == "mixed") {
        mc.experts = {expert("gru", 16, 3, "critique"),  expert("mlp", 16, 2, "critique"),
                      expert("gru", 16, 3, "critique"),  expert("gru", 8, 3, "critique"),
                      expert("mlp", 16, 2, "critique"),  expert("gru", 16, 3, "pondernet"),
                      expert("gru", 16, 3, "pondernet"), expert("transformer", 16, 2, "fixed"),
                      expert("gru", 16, 3, "critique")};
        mc.experts[0].haltWeight = 0.1; // loss weights may differ inside a group
    } else if (setup == "paper") {
        auto ec = expert("gru", 16, 4, "act");
        ec.stepEmbedding = true;
        ec.initialState = mor::InitialState::Zero;
        ec.feedback = false;
        mc.experts.assign(4, ec);
        auto ec2 = expert("mlp", 16, 3, "pondernet");
        ec2.criticStopGradient = true;
        mc.experts.push_back(ec2);
        mc.experts.push_back(ec2);
    } else {
        mc.experts.assign(5, expert("gru", 16, 3, "critique"));
        mc.router.topK = 3;
        mc.integration.resolution = mor::ConflictResolution::ReReflect;
        mc.integration.conflictThreshold = 0.0; // every input conflicts
        mc.integration.confidentThreshold = 0.0;
        mc.integration.extraIterations = 1;
    }
    ModelShape shape;
    shape.inputs = 6;
    shape.classes = 3;
    MoRModel net(mc, shape);
    const auto x = torch::randn({64, 6});
    const auto y = torch::randint(3, {64});
    const auto single = trainingPass(net, x, y, false);
    const auto grouped = trainingPass(net, x, y, true);
    compare(grouped, single);
    int64_t rows = 0;
    for (const int64_t r : single.rows) {
        rows += r;
    }
    QVERIFY(rows >= 64 * mc.router.topK); // every routed row was computed
}

void TstGroupedDispatch::parameterNamesAreThePerExpertOnes()
{
    // The grouped path stacks the experts' own parameters per pass: a checkpoint written
    // before it (per-expert names) loads unchanged.
    ModelConfig mc;
    mc.experts.assign(3, expert("gru", 8, 2, "critique"));
    ModelShape shape;
    shape.inputs = 4;
    shape.classes = 2;
    MoRModel net(mc, shape);
    const auto names = net->named_parameters().keys();
    for (const std::string name : {"expert0.cell.gru.weight_ih", "expert2.cell.gru.bias_hh",
                                   "expert1.head.weight", "expert2.critic2.bias"}) {
        QVERIFY2(std::find(names.begin(), names.end(), name) != names.end(), name.c_str());
    }
    for (const auto& name : names) {
        QVERIFY2(name.find("group") == std::string::npos, name.c_str());
    }
}

void TstGroupedDispatch::compactedEvalRunHoldsEachRowsHaltingStep_data()
{
    QTest::addColumn<QString>("halting");
    QTest::newRow("critique") << "critique";
    QTest::newRow("pondernet") << "pondernet";
    QTest::newRow("act") << "act";
}

void TstGroupedDispatch::compactedEvalRunHoldsEachRowsHaltingStep()
{
    // Eval with shrink computes only the rows still reflecting (compacted); every row's values
    // up to its halting step equal the full run's, and later steps hold the halting step's.
    QFETCH(QString, halting);
    torch::manual_seed(11);
    ExpertConfig ec = expert("gru", 16, 5, halting.toStdString());
    ec.haltThreshold = halting == "critique" ? 0.5 : 0.9;
    const HaltingPolicy policy(ec);
    ReflectionExpert ex(ReflectionExpertOptions(6, 3).width(16).maxDepth(5));
    {
        torch::NoGradGuard noGrad; // spread the critic and halting logits so rows halt apart
        ex->named_parameters()["critic2.weight"].mul_(8.0);
        ex->named_parameters()["halt.weight"].mul_(8.0);
    }
    ex->eval();
    torch::NoGradGuard noGrad;
    const auto e = torch::randn({200, 6});
    const auto full = ex->reflect(e, policy, false);
    const auto before = ex->rowsProcessed();
    const auto part = ex->reflect(e, policy, true);
    const auto iterations = part.iterations;
    // Rows halted at different steps, and the compacted run computed only their steps.
    QVERIFY(iterations.min().item<int64_t>() < iterations.max().item<int64_t>());
    QCOMPARE(ex->rowsProcessed() - before, iterations.sum().item<int64_t>());
    QVERIFY(torch::equal(part.haltStep, full.haltStep));
    QVERIFY(torch::equal(part.iterations, part.haltStep));
    const int64_t steps = 5;
    const auto t = torch::arange(1, steps + 1).unsqueeze(1);
    const auto held = torch::minimum(t, part.haltStep.unsqueeze(0)) - 1; // [T, n]
    QVERIFY(torch::equal(part.computed, t.le(part.haltStep.unsqueeze(0))));
    const auto heldOf = [&](const torch::Tensor& x) { // full run's value at min(t, halt)
        if (x.dim() == 2) {
            return x.gather(0, held);
        }
        return x.gather(0, held.unsqueeze(2).expand({steps, x.size(1), x.size(2)}));
    };
    QVERIFY(torch::allclose(part.logits, heldOf(full.logits), 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.critique, heldOf(full.critique), 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.criticLogit, heldOf(full.criticLogit), 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.lambda, heldOf(full.lambda), 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.probs, full.probs, 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.heldCritique, full.heldCritique, 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.answer, full.answer, 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.confidence, full.confidence, 1e-6, 1e-6));
    QVERIFY(torch::allclose(part.state, full.state, 1e-6, 1e-6));
}

QTEST_APPLESS_MAIN(TstGroupedDispatch)
#include "tst_grouped_dispatch.moc"
