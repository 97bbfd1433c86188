// SPDX-License-Identifier: GPL-3.0-or-later
// The loops that evaluation passes without autograd take (issue 20, session 17) against the
// ATen ops they replace, which stay the reference behind the thread flags: the GRU cell
// (FusedReflectGuard(false)), confidence fusion (AnswerOnlyTailGuard(false)) and the encoder's
// and router's GELU without oneDNN (AnswerOnlyHeadGuard(false)). Each is checked on its own on
// real inputs (values within 1e-6, equal conflicts) and in a whole evaluation pass with its
// detail (equal steps, per-step predictions, masks and conflicts; logits within 1e-5); with
// autograd on, every part gives the ATen values bit for bit.
#include "model/answer_only.h"
#include "model/cells.h"
#include "model/encoder.h"
#include "model/eval_detail.h"
#include "model/fused_reflect.h"
#include "model/halting_policy.h"
#include "model/integration.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"
#include "model/router.h"
#include "sharp_fixtures.h"

#include <ATen/record_function.h>
#include <QtTest>

#include <string>

using namespace mor::model;

namespace {

long t_fastPathOps = 0;

/// Counts this thread's calls of the ATen op `name` while alive.
class OpCounter {
public:
    explicit OpCounter(std::string name)
    {
        s_name = std::move(name);
        t_fastPathOps = 0;
        m_handle = at::addThreadLocalCallback(
            at::RecordFunctionCallback([](const at::RecordFunction& f)
                                           -> std::unique_ptr<at::ObserverContext> {
                if (s_name == f.name()) {
                    ++t_fastPathOps;
                }
                return nullptr;
            }).scopes({at::RecordScope::FUNCTION}));
    }
    ~OpCounter() { at::removeCallback(m_handle); }
    OpCounter(const OpCounter&) = delete;
    OpCounter& operator=(const OpCounter&) = delete;
    long count() const { return t_fastPathOps; }

private:
    static inline std::string s_name;
    at::CallbackHandle m_handle = 0;
};

double fastMaxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

/// Random fusion inputs: B rows, E experts, C classes; 1 to 3 experts selected per row, peaked
/// answers (some disagree), confidences in (0, 1), gates the renormalised router mass.
struct FusionInputs {
    torch::Tensor answers, confidences, gates, mask;
};

FusionInputs fusionInputs(int64_t rows, int64_t experts, int64_t classes)
{
    torch::manual_seed(21);
    FusionInputs in;
    in.answers = torch::softmax(torch::randn({rows, experts, classes}) * 3.0, 2);
    in.confidences = torch::rand({rows, experts});
    const auto probs = torch::softmax(torch::randn({rows, experts}), 1);
    const auto k = torch::randint(1, 4, {rows, 1});
    const auto rank = probs.argsort(1, true).argsort(1, false);
    in.mask = rank.lt(k);
    const auto g = probs * in.mask.to(torch::kFloat);
    in.gates = g / g.sum(1, true);
    return in;
}

/// A GRU expert whose rows halt at different steps (a sharp critic and halting head).
ReflectionExpert detailExpert(bool stepEmbedding, bool feedback)
{
    torch::manual_seed(9);
    ReflectionExpert expert(ReflectionExpertOptions(6, 4)
                                .width(16)
                                .maxDepth(5)
                                .cell("gru")
                                .feedback(feedback)
                                .stepEmbedding(stepEmbedding));
    sharp_fixture::sharpenExpert(expert);
    return expert;
}

} // namespace

class TstEvalFastPaths : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gruCellEqualsAtenCell();
    void confidenceFusionEqualsAten_data();
    void confidenceFusionEqualsAten();
    void encoderAndRouterGeluEqualAten();
    void detailPassEqualsAtenPass();
    void fusedDetailEqualsAtenReflect_data();
    void fusedDetailEqualsAtenReflect();
};

void TstEvalFastPaths::gruCellEqualsAtenCell()
{
    torch::manual_seed(4);
    GruCellImpl cell(CellOptions(10, 16));
    {
        torch::NoGradGuard noGrad;
        for (auto& p : cell.parameters()) {
            p.mul_(3.0); // gates spread over (0, 1), not all near 0.5
        }
    }
    for (const int64_t n : {1, 7, 300}) {
        const auto state = torch::randn({n, 16});
        const auto input = torch::randn({n, 10});
        torch::Tensor fast, aten;
        {
            torch::NoGradGuard noGrad;
            const OpCounter gru("aten::gru_cell");
            fast = cell.forward(state, input);
            QCOMPARE(gru.count(), 0L);
            const FusedReflectGuard reference(false);
            aten = cell.forward(state, input);
            QCOMPARE(gru.count(), 1L);
        }
        QCOMPARE(fast.sizes(), aten.sizes());
        QVERIFY2(fastMaxDiff(fast, aten) < 1e-6,
                 qPrintable(QString::number(fastMaxDiff(fast, aten))));
        // Not a trivial state: the new state moved away from the old one.
        QVERIFY(fastMaxDiff(aten, state) > 0.1);
        // With autograd: the ATen cell itself.
        const auto graded = cell.forward(state, input);
        QVERIFY(graded.requires_grad());
        QVERIFY(torch::equal(graded.detach(), aten));
    }
}

void TstEvalFastPaths::confidenceFusionEqualsAten_data()
{
    QTest::addColumn<double>("gamma");
    QTest::addColumn<bool>("weightedScore");
    QTest::newRow("gamma 1, unweighted") << 1.0 << false;
    QTest::newRow("gamma 2, unweighted") << 2.0 << false;
    QTest::newRow("gamma 0.5, weighted") << 0.5 << true;
    QTest::newRow("gamma 1.7, weighted") << 1.7 << true;
}

void TstEvalFastPaths::confidenceFusionEqualsAten()
{
    QFETCH(double, gamma);
    QFETCH(bool, weightedScore);
    const int64_t rows = 400, experts = 4, classes = 5;
    mor::IntegrationConfig config;
    config.gamma = gamma;
    config.confidentThreshold = 0.3;
    config.conflictThreshold = 0.1;
    config.conflictScore =
        weightedScore ? mor::ConflictScoring::Weighted : mor::ConflictScoring::Unweighted;
    IntegrationImpl integration(integrationOptions(config, experts, classes));
    const auto in = fusionInputs(rows, experts, classes);
    Fusion fast, aten;
    {
        c10::InferenceMode inference;
        const OpCounter pow("aten::pow");
        fast = integration.forward(in.answers, in.confidences, in.gates, in.mask);
        QCOMPARE(pow.count(), 0L);
        const AnswerOnlyTailGuard reference(false);
        aten = integration.forward(in.answers, in.confidences, in.gates, in.mask);
        QCOMPARE(pow.count(), 1L);
    }
    QVERIFY2(fastMaxDiff(fast.weights, aten.weights) < 1e-6,
             qPrintable(QString::number(fastMaxDiff(fast.weights, aten.weights))));
    QVERIFY(fastMaxDiff(fast.probs, aten.probs) < 1e-6);
    QVERIFY2(fastMaxDiff(fast.score, aten.score) < 1e-6,
             qPrintable(QString::number(fastMaxDiff(fast.score, aten.score))));
    QVERIFY(torch::equal(fast.conflict, aten.conflict));
    QVERIFY(!fast.alpha.defined() && !fast.uncertainty.defined());
    // Real cases: rows with one expert (score 0), conflicting and agreeing rows.
    const auto single = in.mask.sum(1).eq(1);
    QVERIFY(single.any().item<bool>());
    QVERIFY(fast.score.masked_select(single).eq(0.0).all().item<bool>());
    const auto conflicts = fast.conflict.sum().item<int64_t>();
    QVERIFY2(conflicts > 0 && conflicts < rows, qPrintable(QString::number(conflicts)));
    QVERIFY(fastMaxDiff(fast.probs.sum(1), torch::ones({rows})) < 1e-5);
    // With autograd: the ATen ops.
    const auto graded = integration.forward(in.answers.requires_grad_(true), in.confidences,
                                            in.gates, in.mask);
    QVERIFY(graded.probs.requires_grad());
    QVERIFY(torch::equal(graded.probs.detach(), aten.probs));
    in.answers.requires_grad_(false);
}

void TstEvalFastPaths::encoderAndRouterGeluEqualAten()
{
    torch::manual_seed(8);
    Encoder encoder(EncoderOptions(12, 32).layers(2));
    Router router(RouterOptions(32, 5).hidden(24));
    encoder->eval();
    router->eval();
    const auto x = torch::randn({50, 12}) * 2.0;
    torch::Tensor e, eAten;
    RouterOutput r, rAten;
    {
        c10::InferenceMode inference;
        const OpCounter gelu("aten::gelu");
        e = encoder->forward(x);
        r = router->forward(e);
        QCOMPARE(gelu.count(), 0L);
        const AnswerOnlyHeadGuard reference(false);
        eAten = encoder->forward(x);
        rAten = router->forward(eAten);
        QCOMPARE(gelu.count(), 3L);
    }
    QVERIFY2(fastMaxDiff(e, eAten) < 1e-6, qPrintable(QString::number(fastMaxDiff(e, eAten))));
    QVERIFY(fastMaxDiff(r.logits, rAten.logits) < 1e-5);
    QVERIFY(fastMaxDiff(r.probs, rAten.probs) < 1e-6);
    QVERIFY(torch::equal(r.probs.argmax(1), rAten.probs.argmax(1)));
    QVERIFY(e.lt(0.0).any().item<bool>() && e.gt(0.5).any().item<bool>()); // GELU's both sides
    // The input is not overwritten (only the layers' own outputs are).
    const auto again = encoder->forward(x);
    QVERIFY(torch::equal(again.detach(), eAten));
}

void TstEvalFastPaths::detailPassEqualsAtenPass()
{
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = 2;
    config.integration.confidentThreshold = 0.3;
    config.integration.conflictThreshold = 0.05;
    for (int j = 0; j < 4; ++j) {
        mor::ExpertConfig ec;
        ec.cell = mor::ExpertCell::Gru;
        ec.width = 16;
        ec.maxDepth = 5;
        ec.haltThreshold = 0.5;
        mor::parseChoice(std::string("critique"), mor::haltingRuleNames(), &ec.halting);
        config.experts.push_back(ec);
    }
    ModelShape shape;
    shape.inputs = 8;
    shape.classes = 4;
    torch::manual_seed(11);
    MoRModel model(config, shape);
    sharp_fixture::sharpenModel(model); // halting steps spread, some experts disagree
    const auto x = torch::randn({300, 8});
    ForwardOutput fast, aten;
    {
        c10::InferenceMode inference;
        const EvalDetailGuard detail(true);
        fast = model->forward(x, torch::Tensor(), torch::Tensor());
        const FusedReflectGuard cell(false);
        const AnswerOnlyTailGuard fusion(false);
        const AnswerOnlyHeadGuard gelu(false);
        aten = model->forward(x, torch::Tensor(), torch::Tensor());
    }
    QVERIFY(torch::equal(fast.mask, aten.mask));
    QVERIFY(torch::equal(fast.steps, aten.steps));
    QVERIFY(fast.stepPreds.defined() && fast.stepPreds.size(0) == 5);
    QVERIFY(torch::equal(fast.stepPreds, aten.stepPreds));
    QVERIFY(torch::equal(fast.conflict, aten.conflict));
    QVERIFY2(fastMaxDiff(fast.logits, aten.logits) < 1e-5,
             qPrintable(QString::number(fastMaxDiff(fast.logits, aten.logits))));
    QVERIFY(fastMaxDiff(fast.gates, aten.gates) < 1e-6);
    QVERIFY(fastMaxDiff(fast.conflictScore, aten.conflictScore) < 1e-6);
    // A real pass: rows halt at different steps, some conflict.
    const auto routed = fast.steps.masked_select(fast.mask);
    QVERIFY(routed.min().item<int64_t>() < routed.max().item<int64_t>());
    QVERIFY(fast.conflict.any().item<bool>());
}

void TstEvalFastPaths::fusedDetailEqualsAtenReflect_data()
{
    QTest::addColumn<QString>("halting");
    QTest::addColumn<bool>("stepEmbedding");
    QTest::addColumn<bool>("feedback");
    QTest::newRow("critique") << "critique" << false << true;
    QTest::newRow("critique, step embedding, no feedback") << "critique" << true << false;
    QTest::newRow("fixed") << "fixed" << false << true;
    QTest::newRow("pondernet") << "pondernet" << false << true;
}

// fusedReflect with the detail against reflect()'s ATen step with evaluation detail: equal
// halting steps, iterations and computed steps; every [T, n] value and the answer within 1e-5.
void TstEvalFastPaths::fusedDetailEqualsAtenReflect()
{
    QFETCH(QString, halting);
    QFETCH(bool, stepEmbedding);
    QFETCH(bool, feedback);
    auto expert = detailExpert(stepEmbedding, feedback);
    mor::ExpertConfig config;
    mor::parseChoice(halting.toStdString(), mor::haltingRuleNames(), &config.halting);
    config.maxDepth = 5;
    config.haltThreshold = 0.5;
    const HaltingPolicy policy(config);
    torch::manual_seed(3);
    const auto e = torch::randn({200, 6}) * 2.0;
    ExpertRun fused, aten;
    {
        c10::InferenceMode inference;
        const EvalDetailGuard detail(true);
        QVERIFY(fusedReflectSupports(*expert, e, policy));
        fused = fusedReflect(*expert, e, policy, expert->activeHaltThreshold(), true);
        const FusedReflectGuard reference(false);
        aten = expert->reflect(e, policy, /*shrink=*/true);
    }
    QVERIFY(torch::equal(fused.haltStep, aten.haltStep));
    QVERIFY(torch::equal(fused.iterations, aten.iterations));
    QVERIFY(torch::equal(fused.computed, aten.computed));
    const std::vector<std::pair<const char*, std::pair<torch::Tensor, torch::Tensor>>> values{
        {"logits", {fused.logits, aten.logits}},
        {"probs", {fused.probs, aten.probs}},
        {"critique", {fused.critique, aten.critique}},
        {"criticLogit", {fused.criticLogit, aten.criticLogit}},
        {"heldCritique", {fused.heldCritique, aten.heldCritique}},
        {"lambda", {fused.lambda, aten.lambda}},
        {"answer", {fused.answer, aten.answer}},
        {"confidence", {fused.confidence, aten.confidence}},
        {"state", {fused.state, aten.state}}};
    for (const auto& [name, pair] : values) {
        QVERIFY2(pair.first.sizes() == pair.second.sizes(), name);
        const double diff = fastMaxDiff(pair.first, pair.second);
        QVERIFY2(diff < 1e-5, qPrintable(QString(name) + " " + QString::number(diff)));
    }
    // Rows halt at different steps (fixed depth: all at the last).
    const auto halt = fused.haltStep;
    if (halting == "fixed") {
        QVERIFY(halt.eq(5).all().item<bool>());
    } else {
        QVERIFY(halt.min().item<int64_t>() < halt.max().item<int64_t>());
    }
}

QTEST_APPLESS_MAIN(TstEvalFastPaths)
#include "tst_eval_fast_paths.moc"
