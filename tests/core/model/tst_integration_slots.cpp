// SPDX-License-Identifier: GPL-3.0-or-later
// The integration over each row's selected experts (integration.h: selectedSlots,
// setSlotIntegration): the slots themselves, and the same fusion, score, conflicts and
// gradients as the integration over all E experts with the unselected ones masked, alone and
// inside a model's training pass.
#include "model/integration.h"
#include "model/mor_model.h"

#include <QtTest>

#include <cmath>
#include <vector>

using namespace mor::model;

namespace {

/// Restores the slot switch when a test ends (a failed QVERIFY returns early).
struct SlotIntegrationSwitch {
    explicit SlotIntegrationSwitch(bool on) : before(slotIntegration()) { setSlotIntegration(on); }
    ~SlotIntegrationSwitch() { setSlotIntegration(before); }
    bool before;
};

double slotMaxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    if (!a.defined() || !b.defined()) {
        return a.defined() == b.defined() ? 0.0 : INFINITY;
    }
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

/// Rows selecting 0, 1, 2 and 3 of 6 experts, then rows of top-2 at random.
torch::Tensor slotMixedMask(int64_t batch, int64_t experts)
{
    auto mask = torch::zeros({batch, experts}, torch::kBool);
    const auto scores = torch::rand({batch, experts});
    mask = mask.scatter(1, std::get<1>(scores.topk(2, 1)), true);
    mask[0].fill_(false);
    mask[1].fill_(false);
    mask[1][4] = true;
    mask[2].fill_(false);
    mask[2][0] = true;
    mask[2][5] = true;
    mask[3].fill_(false);
    mask[3][1] = true;
    mask[3][2] = true;
    mask[3][3] = true;
    return mask;
}

struct SlotFusionRun {
    Fusion fusion;
    torch::Tensor dAnswers, dConfidences, dGates;
    std::vector<torch::Tensor> dParameters;
};

/// One fusion and the gradients of a loss that reads every output.
SlotFusionRun runSlotFusion(Integration& integration, const torch::Tensor& answers,
                    const torch::Tensor& confidences, const torch::Tensor& gates,
                    const torch::Tensor& mask)
{
    for (auto& p : integration->parameters()) {
        p.mutable_grad() = torch::Tensor();
    }
    auto q = answers.clone().requires_grad_(true);
    auto c = confidences.clone().requires_grad_(true);
    auto g = gates.clone().requires_grad_(true);
    SlotFusionRun run;
    run.fusion = integration->forward(q, c, g, mask);
    const auto loss = (run.fusion.probs * torch::arange(1, q.size(2) + 1, q.options())).sum()
                      + run.fusion.score.pow(2).sum()
                      + (run.fusion.weights * torch::arange(1, q.size(1) + 1, q.options())).sum();
    loss.backward();
    run.dAnswers = q.grad();
    run.dConfidences = c.grad();
    run.dGates = g.grad();
    for (auto& p : integration->parameters()) {
        run.dParameters.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
    }
    return run;
}

} // namespace

class TstIntegrationSlots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void slotsAreTheSelectedExpertsInOrder();
    void noSlotsWhenNothingIsLeftOut();
    void slotFusionMatchesMaskedFusion_data();
    void slotFusionMatchesMaskedFusion();
    void unselectedAnswersAreIgnored();
    void modelTrainingPassIsUnchanged_data();
    void modelTrainingPassIsUnchanged();
};

void TstIntegrationSlots::slotsAreTheSelectedExpertsInOrder()
{
    // 4 rows of 5 experts: {1, 3}, {}, {4}, {0, 2, 4}. K = 3; padding: the first unselected.
    const auto mask = torch::tensor({0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1})
                          .view({4, 5})
                          .to(torch::kBool);
    torch::Tensor index, valid;
    QVERIFY(selectedSlots(mask, index, valid));
    const auto expectIndex =
        torch::tensor({1, 3, 0, 0, 1, 2, 4, 0, 1, 0, 2, 4}, torch::kLong).view({4, 3});
    const auto expectValid = torch::tensor({1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1}).view({4, 3})
                                 .to(torch::kBool);
    QVERIFY(torch::equal(index, expectIndex));
    QVERIFY(torch::equal(valid, expectValid));
    // A float mask is read as "selected where non-zero".
    torch::Tensor index2, valid2;
    QVERIFY(selectedSlots(mask.to(torch::kFloat), index2, valid2));
    QVERIFY(torch::equal(index2, expectIndex));
    QVERIFY(torch::equal(valid2, expectValid));
}

void TstIntegrationSlots::noSlotsWhenNothingIsLeftOut()
{
    torch::Tensor index, valid;
    // Every row selects every expert, or no row selects any, or no rows: nothing to gain.
    QVERIFY(!selectedSlots(torch::ones({3, 2}, torch::kBool), index, valid));
    QVERIFY(!selectedSlots(torch::zeros({3, 4}, torch::kBool), index, valid));
    QVERIFY(!selectedSlots(torch::zeros({0, 4}, torch::kBool), index, valid));
    QVERIFY(!index.defined() && !valid.defined());
    // One row with all of them is enough: K would be E.
    auto mask = torch::zeros({3, 4}, torch::kBool);
    mask[0][1] = true;
    mask[2].fill_(true);
    QVERIFY(!selectedSlots(mask, index, valid));
}

void TstIntegrationSlots::slotFusionMatchesMaskedFusion_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<QString>("score");
    QTest::addColumn<double>("gamma");
    QTest::newRow("confidence, unweighted") << "confidence" << "unweighted" << 1.0;
    QTest::newRow("confidence gamma 2, weighted") << "confidence" << "weighted" << 2.0;
    QTest::newRow("attention, unweighted") << "attention" << "unweighted" << 1.0;
    QTest::newRow("attention, weighted") << "attention" << "weighted" << 1.0;
}

void TstIntegrationSlots::slotFusionMatchesMaskedFusion()
{
    QFETCH(QString, fusion);
    QFETCH(QString, score);
    QFETCH(double, gamma);
    const int64_t batch = 40, experts = 6, classes = 5;
    torch::manual_seed(11);
    Integration integration(IntegrationOptions(experts, classes)
                                .fusion(fusion.toStdString())
                                .conflictScore(score.toStdString())
                                .gamma(gamma)
                                .conflictThreshold(0.05)
                                .confidentThreshold(0.3));
    integration->train();
    const auto mask = slotMixedMask(batch, experts);
    const auto answers = torch::softmax(3.0 * torch::randn({batch, experts, classes}), 2);
    const auto confidences = torch::rand({batch, experts});
    const auto gates = torch::softmax(torch::randn({batch, experts}), 1) * mask;

    SlotFusionRun slots, masked;
    {
        const SlotIntegrationSwitch on(true);
        slots = runSlotFusion(integration, answers, confidences, gates, mask);
    }
    {
        const SlotIntegrationSwitch off(false);
        masked = runSlotFusion(integration, answers, confidences, gates, mask);
    }
    const auto& a = slots.fusion;
    const auto& b = masked.fusion;
    QCOMPARE(a.weights.sizes(), b.weights.sizes());
    QVERIFY2(slotMaxDiff(a.weights, b.weights) < 1e-6, qPrintable(QString::number(slotMaxDiff(a.weights, b.weights))));
    QVERIFY(slotMaxDiff(a.probs, b.probs) < 1e-6);
    QVERIFY(slotMaxDiff(a.score, b.score) < 1e-6);
    QVERIFY(torch::equal(a.conflict, b.conflict));
    // The fixture exercises what it claims: conflicts on some rows, and the rows without or with
    // one selected expert have no weight, no score and no conflict.
    QVERIFY(b.conflict.any().item<bool>());
    QVERIFY(!b.conflict.all().item<bool>());
    QCOMPARE(a.weights[0].abs().sum().item<double>(), 0.0);
    QCOMPARE(a.score[1].item<double>(), 0.0);
    QCOMPARE(a.weights[1][4].item<double>(), 1.0);
    QVERIFY(a.weights.masked_select(mask.logical_not()).eq(0).all().item<bool>());
    QVERIFY(slotMaxDiff(slots.dAnswers, masked.dAnswers) < 1e-5);
    QVERIFY(slotMaxDiff(slots.dConfidences, masked.dConfidences) < 1e-5);
    QVERIFY(slotMaxDiff(slots.dGates, masked.dGates) < 1e-5);
    QCOMPARE(slots.dParameters.size(), masked.dParameters.size());
    for (size_t i = 0; i < slots.dParameters.size(); ++i) {
        QVERIFY2(slotMaxDiff(slots.dParameters[i], masked.dParameters[i]) < 1e-5,
                 qPrintable(QString::number(slotMaxDiff(slots.dParameters[i], masked.dParameters[i]))));
    }
    // The gradients are not all zero (the comparison compares something).
    QVERIFY(slots.dAnswers.abs().sum().item<double>() > 1e-3);
    QVERIFY(slots.dGates.abs().sum().item<double>() > 1e-3);
}

void TstIntegrationSlots::unselectedAnswersAreIgnored()
{
    // What an unselected expert's row holds never reaches the outputs or the gradients: not
    // even a NaN (with the slots, nothing of it is read).
    const int64_t batch = 12, experts = 6, classes = 3;
    torch::manual_seed(5);
    Integration integration(IntegrationOptions(experts, classes));
    integration->train();
    const auto mask = slotMixedMask(batch, experts);
    auto answers = torch::softmax(torch::randn({batch, experts, classes}), 2);
    const auto confidences = torch::rand({batch, experts});
    const auto gates = torch::softmax(torch::randn({batch, experts}), 1) * mask;
    const SlotIntegrationSwitch on(true);
    const auto clean = runSlotFusion(integration, answers, confidences, gates, mask);
    answers = torch::where(mask.unsqueeze(2), answers, torch::full_like(answers, NAN));
    const auto poisoned =
        runSlotFusion(integration, answers, confidences.masked_fill(mask.logical_not(), NAN),
                  gates, mask);
    QVERIFY(torch::isfinite(poisoned.fusion.probs).all().item<bool>());
    QVERIFY(torch::isfinite(poisoned.fusion.score).all().item<bool>());
    QCOMPARE(slotMaxDiff(clean.fusion.probs, poisoned.fusion.probs), 0.0);
    QCOMPARE(slotMaxDiff(clean.fusion.weights, poisoned.fusion.weights), 0.0);
    QVERIFY(torch::isfinite(poisoned.dAnswers).all().item<bool>());
    QCOMPARE(slotMaxDiff(clean.dGates, poisoned.dGates), 0.0);
}

void TstIntegrationSlots::modelTrainingPassIsUnchanged_data()
{
    QTest::addColumn<QString>("resolution");
    QTest::addColumn<QString>("fusion");
    QTest::newRow("weighted, confidence") << "weighted" << "confidence";
    QTest::newRow("re_reflect, confidence") << "re_reflect" << "confidence";
    QTest::newRow("most_confident, attention") << "most_confident" << "attention";
}

void TstIntegrationSlots::modelTrainingPassIsUnchanged()
{
    QFETCH(QString, resolution);
    QFETCH(QString, fusion);
    mor::ModelConfig config;
    config.encoder.hidden = 16;
    config.router.hidden = 16;
    config.router.topK = 2;
    mor::parseChoice(resolution.toStdString(), mor::conflictResolutionNames(),
                     &config.integration.resolution);
    mor::parseChoice(fusion.toStdString(), mor::fusionRuleNames(), &config.integration.fusion);
    config.integration.extraIterations = 1;
    config.integration.conflictThreshold = 0.01;
    config.integration.confidentThreshold = 0.1;
    for (int j = 0; j < 5; ++j) {
        mor::ExpertConfig ec;
        ec.width = 16;
        ec.maxDepth = 2;
        config.experts.push_back(ec);
    }
    torch::manual_seed(3);
    MoRModel model(config, ModelShape{6, 3, 1});
    model->train();
    const auto x = torch::randn({64, 6});
    const auto y = torch::randint(3, {64});
    const auto pass = [&](bool slots, torch::Tensor& conflicts) {
        const SlotIntegrationSwitch sw(slots);
        for (auto& p : model->parameters()) {
            p.mutable_grad() = torch::Tensor();
        }
        torch::manual_seed(9); // the same routing noise, probes and samples in both passes
        const auto out = model->forward(x, y, torch::Tensor());
        out.totalLoss.backward();
        conflicts = out.conflict.clone();
        std::vector<torch::Tensor> grads{out.totalLoss.detach().clone(), out.logits.detach()};
        for (auto& p : model->parameters()) {
            grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
        }
        return grads;
    };
    torch::Tensor conflictsSlots, conflictsMasked;
    const auto a = pass(true, conflictsSlots);
    const auto b = pass(false, conflictsMasked);
    QVERIFY(torch::equal(conflictsSlots, conflictsMasked));
    QVERIFY(conflictsSlots.any().item<bool>()); // resolution really ran on some rows
    QCOMPARE(a.size(), b.size());
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, slotMaxDiff(a[i], b[i]));
    }
    QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
}

QTEST_APPLESS_MAIN(TstIntegrationSlots)
#include "tst_integration_slots.moc"
