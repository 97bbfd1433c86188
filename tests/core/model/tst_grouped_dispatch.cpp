// Grouped dispatch (issue 20, setGroupedDispatch): experts of one shape computed together
// (segment products, one compaction per step in evaluation, the loss terms once per group)
// give the same forward values, losses and gradients as the per-expert gather / reflect /
// scatter path, over the same parameters (names and checkpoint layout unchanged).
#include "grouped_dispatch_fixtures.h"

#include "compat/torch_compat.h"

#include <QtTest>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

using namespace mor;
using namespace mor::model;
using namespace mor::model::grouped_test;

class TstGroupedDispatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void groupsAreExpertsOfOneShape();
    void groupedTrainingPassEqualsPerExpertPass_data();
    void groupedTrainingPassEqualsPerExpertPass();
    void parameterNamesAreThePerExpertOnes();
    void compactedEvalRunHoldsEachRowsHaltingStep_data();
    void compactedEvalRunHoldsEachRowsHaltingStep();
    void segmentProductsEqualPerExpertRuns_data();
    void segmentProductsEqualPerExpertRuns();
    void compactedGroupRunEqualsPerExpertRuns_data();
    void compactedGroupRunEqualsPerExpertRuns();
    void groupedEvalPassEqualsPerExpertPass_data();
    void groupedEvalPassEqualsPerExpertPass();
    void segmentWeightGradientsEqualPerMemberProducts();
    void packedSegmentProductsEqualBlas() { grouped_test::packedSegmentProductsEqualBlas(); }
    void narrowSegmentProductsEqualBlas() { grouped_test::narrowSegmentProductsEqualBlas(); }
    void membersRunOnOneThreadEach() { grouped_test::membersRunOnOneThreadEach(); }
    void answerOnlyGroupRunEqualsDetailRun_data() { answerOnlyGrid(); }
    void answerOnlyGroupRunEqualsDetailRun() { grouped_test::answerOnlyGroupRunEqualsDetailRun(); }
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
    QTest::newRow("5 gru, top-1") << "e5top1";
    QTest::newRow("32 gru, top-1") << "e32top1";
    QTest::newRow("32 gru, top-2") << "e32top2";
    // Losses per expert column (not once per group): the per-expert loss loop.
    QTest::newRow("6 gru, mixture likelihood") << "mixture";
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
    } else if (setup == "mixture") {
        mc.experts.assign(6, expert("gru", 16, 3, "pondernet"));
        mc.router.objective = mor::RouterObjective::MixtureLikelihood;
    } else if (setup.startsWith("e")) { // e<E>top<k>
        const auto parts = setup.mid(1).split("top");
        mc.experts.assign(size_t(parts[0].toInt()), expert("gru", 16, 3, "critique"));
        mc.router.topK = parts[1].toInt();
    } else {
        mc.experts.assign(5, expert("gru", 16, 3, "critique"));
        mc.router.topK = 3;
        mc.integration.resolution = mor::ConflictResolution::ReReflect;
        mc.integration.conflictThreshold = 0.0; // every input conflicts
        mc.integration.confidentThreshold = 0.0;
        mc.integration.extraIterations = 1;
    }
    const auto single = groupedMatchesSingle(mc, 64);
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

void TstGroupedDispatch::segmentProductsEqualPerExpertRuns_data()
{
    groupGrid();
}

void TstGroupedDispatch::segmentProductsEqualPerExpertRuns()
{
    // reflectGroup against each member's own reflect() on its rows (training: every step for
    // every row, the halting step selects the answer): every field of every member's run and
    // every gradient (parameters and the encoding) within 1e-5, with unbalanced routing (some
    // members without rows at E = 32) and rows halting at different steps.
    QFETCH(int, experts);
    QFETCH(int, topK);
    QFETCH(QString, cell);
    QFETCH(QString, halting);
    torch::manual_seed(5);
    const int64_t batch = 96, hidden = 8, classes = 3, depth = 4;
    auto group = groupCase(cell, halting, experts, hidden, classes, depth);
    const HaltingPolicy policy(group.config);
    auto& members = group.members;
    const auto& pointers = group.pointers;
    for (auto& member : members) {
        member->train();
    }
    // Unbalanced top-k routing: expert g's score is shifted by 2 g / E.
    const auto scores = torch::randn({batch, experts})
                        + torch::arange(experts).to(torch::kFloat).mul(2.0 / experts);
    const auto top = std::get<1>(scores.topk(topK, 1));
    const auto mask = torch::zeros({batch, experts}, torch::kBool)
                          .scatter(1, top, torch::ones_like(top, torch::kBool));
    const auto eBase = torch::randn({batch, hidden});

    // The loss: every field of every member's run, times fixed random weights.
    std::vector<torch::Tensor> weights;
    const auto lossOf = [&weights](const std::vector<std::vector<torch::Tensor>>& fields) {
        torch::Tensor loss = torch::zeros({});
        for (size_t f = 0; f < fields.size(); ++f) {
            // [T, n, ...] fields (the first six and `computed`) join along the rows, dim 1
            const auto all = torch::cat(fields[f], f < 6 || f == 11 ? 1 : 0);
            if (weights.size() <= f) {
                weights.push_back(torch::randn(all.sizes()));
            }
            loss = loss + (all * weights[f]).sum();
        }
        return loss;
    };
    struct Result {
        std::vector<std::vector<torch::Tensor>> fields; // [field][member with rows]
        std::vector<torch::Tensor> grads;               // per parameter, members in order
        torch::Tensor eGrad;
        std::vector<int64_t> rowsProcessed;
    };
    const auto run = [&](bool grouped) {
        Result r;
        for (auto& m : members) {
            for (auto& p : m->parameters()) {
                p.mutable_grad() = torch::Tensor();
            }
            r.rowsProcessed.push_back(m->rowsProcessed());
        }
        const auto e = eBase.clone().requires_grad_(true);
        std::vector<ExpertRun> runs(static_cast<size_t>(experts));
        if (grouped) {
            auto gr = reflectGroup(pointers, policy, e, mask);
            for (int g = 0; g < experts; ++g) {
                const auto rows = mask.select(1, g).nonzero().squeeze(1);
                // Each member's rows, ascending, as the per-expert path gathers them.
                if (!torch::equal(gr.rows[size_t(g)], rows)) {
                    throw std::runtime_error("rows differ");
                }
                runs[size_t(g)] = gr.runs[size_t(g)];
            }
        } else {
            for (int g = 0; g < experts; ++g) {
                const auto rows = mask.select(1, g).nonzero().squeeze(1);
                if (rows.numel() > 0) {
                    runs[size_t(g)] = members[size_t(g)]->reflect(e.index_select(0, rows), policy,
                                                                  false);
                }
            }
        }
        for (int g = 0; g < experts; ++g) {
            if (!mask.select(1, g).any().item<bool>()) {
                continue;
            }
            const auto f = runFields(runs[size_t(g)]);
            r.fields.resize(f.size());
            for (size_t i = 0; i < f.size(); ++i) {
                r.fields[i].push_back(f[i]);
            }
        }
        lossOf(r.fields).backward();
        for (size_t g = 0; g < members.size(); ++g) {
            for (auto& p : members[g]->parameters()) {
                r.grads.push_back(p.grad().defined() ? p.grad().clone() : torch::Tensor());
            }
            r.rowsProcessed[g] = members[g]->rowsProcessed() - r.rowsProcessed[g];
        }
        r.eGrad = e.grad().clone();
        return r;
    };
    const auto single = run(false);
    const auto grouped = run(true);
    QCOMPARE(grouped.fields.size(), single.fields.size());
    for (size_t f = 0; f < single.fields.size(); ++f) {
        QCOMPARE(grouped.fields[f].size(), single.fields[f].size());
        for (size_t g = 0; g < single.fields[f].size(); ++g) {
            QCOMPARE(grouped.fields[f][g].sizes(), single.fields[f][g].sizes());
            QVERIFY2(excess(grouped.fields[f][g], single.fields[f][g], 1e-5) <= 0.0,
                     qPrintable(QString("field %1 member %2").arg(f).arg(g)));
        }
    }
    QCOMPARE(grouped.grads.size(), single.grads.size());
    int64_t withGrad = 0, withoutGrad = 0;
    for (size_t i = 0; i < single.grads.size(); ++i) {
        QCOMPARE(grouped.grads[i].defined(), single.grads[i].defined());
        if (single.grads[i].defined()) {
            QVERIFY2(excess(grouped.grads[i], single.grads[i], 1e-5) <= 0.0,
                     qPrintable(QString("gradient %1").arg(i)));
            withGrad += single.grads[i].abs().sum().item<double>() > 0.0;
        } else {
            ++withoutGrad;
        }
    }
    QVERIFY(withGrad > 10);
    QVERIFY(excess(grouped.eGrad, single.eGrad, 1e-5) <= 0.0);
    QVERIFY(single.eGrad.abs().sum().item<double>() > 0.0);
    QCOMPARE(grouped.rowsProcessed, single.rowsProcessed);
    // What the case exercises: unbalanced counts, rows halting at different steps, and at
    // E = 32 top-1 members without rows (no gradient, as on their own).
    const auto counts = mask.sum(0);
    if (topK < experts) {
        QVERIFY(counts.max().item<int64_t>() > counts.min().item<int64_t>());
    }
    const auto halts = torch::cat(single.fields[9]);
    if (halting != "act") {
        QVERIFY(halts.min().item<float>() < halts.max().item<float>());
    }
    if (experts == 32 && topK == 1) {
        QVERIFY(counts.eq(0).any().item<bool>());
        QVERIFY(withoutGrad > 0);
    }
}

void TstGroupedDispatch::compactedGroupRunEqualsPerExpertRuns_data()
{
    groupGrid();
}

void TstGroupedDispatch::compactedGroupRunEqualsPerExpertRuns()
{
    // Evaluation (shrink): reflectGroup compacts the rows still reflecting once per step for
    // the whole group; every member's run equals its own compacted reflect() on its rows
    // (every field within 1e-5, halting steps and rows computed exactly), with a fitted
    // critic temperature and halting threshold shared by the members.
    QFETCH(int, experts);
    QFETCH(int, topK);
    QFETCH(QString, cell);
    QFETCH(QString, halting);
    torch::manual_seed(9);
    const int64_t batch = 120, hidden = 8, classes = 3, depth = 5;
    auto group = groupCase(cell, halting, experts, hidden, classes, depth);
    const HaltingPolicy policy(group.config);
    auto& members = group.members;
    const auto& pointers = group.pointers;
    for (auto& member : members) {
        member->setCriticTemperature(1.5);
        member->setHaltThreshold(0.6);
        member->eval();
    }
    QVERIFY(sameCalibration(pointers));
    const auto scores = torch::randn({batch, experts})
                        + torch::arange(experts).to(torch::kFloat).mul(2.0 / experts);
    const auto top = std::get<1>(scores.topk(topK, 1));
    const auto mask = torch::zeros({batch, experts}, torch::kBool)
                          .scatter(1, top, torch::ones_like(top, torch::kBool));
    const auto e = torch::randn({batch, hidden});
    c10::InferenceMode inference;
    std::vector<int64_t> before;
    for (auto& m : members) {
        before.push_back(m->rowsProcessed());
    }
    std::vector<ExpertRun> single(static_cast<size_t>(experts));
    std::vector<int64_t> singleRows(static_cast<size_t>(experts), 0);
    for (int g = 0; g < experts; ++g) {
        const auto rows = mask.select(1, g).nonzero().squeeze(1);
        if (rows.numel() > 0) {
            single[size_t(g)] = members[size_t(g)]->reflect(e.index_select(0, rows), policy, true);
        }
        singleRows[size_t(g)] = members[size_t(g)]->rowsProcessed() - before[size_t(g)];
        before[size_t(g)] = members[size_t(g)]->rowsProcessed();
    }
    const auto grouped = reflectGroup(pointers, policy, e, mask, /*shrink=*/true);
    int64_t computedSteps = 0, possibleSteps = 0;
    for (int g = 0; g < experts; ++g) {
        QCOMPARE(members[size_t(g)]->rowsProcessed() - before[size_t(g)], singleRows[size_t(g)]);
        const auto rows = mask.select(1, g).nonzero().squeeze(1);
        QVERIFY(torch::equal(grouped.rows[size_t(g)], rows));
        if (rows.numel() == 0) {
            continue;
        }
        const auto a = runFields(grouped.runs[size_t(g)]);
        const auto b = runFields(single[size_t(g)]);
        for (size_t f = 0; f < a.size(); ++f) {
            QCOMPARE(a[f].sizes(), b[f].sizes());
            QVERIFY2(excess(a[f], b[f], 1e-5) <= 0.0,
                     qPrintable(QString("field %1 member %2").arg(f).arg(g)));
        }
        QVERIFY(torch::equal(grouped.runs[size_t(g)].haltStep, single[size_t(g)].haltStep));
        computedSteps += single[size_t(g)].iterations.sum().item<int64_t>();
        possibleSteps += rows.numel() * depth;
    }
    // The pairs' answers, confidences and steps in pair order (what the model scatters).
    for (int64_t i = 0; i < grouped.batchRows.size(0); i += 7) {
        const int64_t g = grouped.members[i].item<int64_t>();
        const auto position =
            grouped.rows[size_t(g)].eq(grouped.batchRows[i]).nonzero().item<int64_t>();
        QVERIFY(excess(grouped.answer[i], single[size_t(g)].answer[position], 1e-5) <= 0.0);
        QCOMPARE(grouped.iterations[i].item<int64_t>(),
                 single[size_t(g)].iterations[position].item<int64_t>());
    }
    // Rows really halted early (compaction ran), but not all at the first step.
    QVERIFY(computedSteps < possibleSteps);
    QVERIFY(computedSteps > grouped.batchRows.size(0));
}

void TstGroupedDispatch::groupedEvalPassEqualsPerExpertPass_data()
{
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("topK");
    QTest::addColumn<bool>("sameCalibration");
    QTest::newRow("E=2 top-1") << 2 << 1 << true;
    QTest::newRow("E=5 top-2") << 5 << 2 << true;
    QTest::newRow("E=32 top-2") << 32 << 2 << true;
    QTest::newRow("E=5 top-2, one member's own temperature") << 5 << 2 << false;
}

void TstGroupedDispatch::groupedEvalPassEqualsPerExpertPass()
{
    // A model evaluated with grouped dispatch (compacted group runs) gives the per-expert
    // pass's answers, steps, FLOPs and step predictions; members calibrated differently are
    // evaluated one by one.
    QFETCH(int, experts);
    QFETCH(int, topK);
    QFETCH(bool, sameCalibration);
    torch::manual_seed(13);
    ModelConfig mc;
    mc.encoder.hidden = 12;
    mc.router.strategy = mor::RoutingStrategy::TopK;
    mc.router.topK = topK;
    auto ec = expert("gru", 16, 4, "critique");
    ec.haltThreshold = 0.5;
    mc.experts.assign(size_t(experts), ec);
    ModelShape shape;
    shape.inputs = 6;
    shape.classes = 3;
    MoRModel net(mc, shape);
    {
        torch::NoGradGuard noGrad; // spread the critics so that rows halt at different steps
        for (auto& p : net->named_parameters()) {
            if (p.key().find("critic2.weight") != std::string::npos) {
                p.value().mul_(8.0);
            }
        }
    }
    if (!sameCalibration) {
        net->setCriticTemperatures({1.0, 1.0, 2.0, 1.0, 1.0});
    }
    net->eval();
    const auto x = torch::randn({150, 6});
    const auto run = [&](bool grouped) {
        const auto previous = groupedDispatchMode();
        setGroupedDispatch(grouped);
        c10::InferenceMode inference;
        auto out = net->forward(x, torch::Tensor(), torch::Tensor());
        setGroupedDispatchMode(previous);
        return out;
    };
    const auto single = run(false);
    const auto grouped = run(true);
    QVERIFY(excess(grouped.logits, single.logits, 1e-5) <= 0.0);
    QVERIFY(torch::equal(grouped.steps, single.steps));
    QVERIFY(torch::equal(grouped.stepPreds, single.stepPreds));
    QVERIFY(excess(grouped.flops, single.flops, 1e-6) <= 0.0);
    // Rows halted at different depths: the evaluation really dropped rows.
    const auto used = single.steps.sum(1);
    QVERIFY(used.min().item<int64_t>() < used.max().item<int64_t>());
}

void TstGroupedDispatch::segmentWeightGradientsEqualPerMemberProducts()
{
    // SegmentWeight's gradients, built once for all calls: calls on e's columns with the bias,
    // on the feedback columns without, on e's columns again a step later, two columns never
    // read, a member without rows. Equal to per-member products within 1e-5; by hand exactly.
    torch::manual_seed(17);
    const std::vector<int64_t> counts{5, 0, 3, 7};
    std::vector<torch::Tensor> w, b;
    for (int g = 0; g < 4; ++g) {
        w.push_back(torch::randn({6, 9}).requires_grad_(true));
        b.push_back(torch::randn({6}).requires_grad_(true));
    }
    const auto x1 = torch::randn({15, 4}), x2 = torch::randn({15, 3}), r = torch::randn({3, 15, 6});
    const auto pass = [&](bool segments) {
        std::vector<torch::Tensor> in{x1.clone().requires_grad_(), x2.clone().requires_grad_()};
        const SegmentWeight seg(w, b);
        const auto call = [&](const torch::Tensor& x, int64_t column, bool bias) {
            if (segments) {
                return seg(x, counts, column, bias);
            }
            std::vector<torch::Tensor> parts;
            for (size_t g = 0, offset = 0; g < counts.size(); offset += size_t(counts[g++])) {
                const auto xg = x.narrow(0, int64_t(offset), counts[g]);
                const auto wg = w[g].narrow(1, column, x.size(1)).t();
                parts.push_back(bias ? torch::addmm(b[g], xg, wg) : xg.mm(wg));
            }
            return torch::cat(parts, 0);
        };
        const auto y1 = call(in[0], 0, true), y2 = call(in[1], 4, false);
        const auto y3 = call(torch::tanh(y1.narrow(1, 0, 4)), 0, true); // a later step
        ((y1 * r[0]).sum() + (y2 * r[1]).sum() + (y3 * r[2]).sum()).backward();
        for (int g = 0; g < 4; ++g) {
            in.push_back(w[size_t(g)].grad().clone());
            in.push_back(b[size_t(g)].grad().clone());
            w[size_t(g)].mutable_grad() = b[size_t(g)].mutable_grad() = torch::Tensor();
        }
        in[0] = in[0].grad(), in[1] = in[1].grad();
        return in;
    };
    const auto reference = pass(false), segments = pass(true);
    for (size_t i = 0; i < reference.size(); ++i) {
        QVERIFY2(excess(segments[i], reference[i], 1e-5) <= 0.0, qPrintable(QString::number(i)));
    }
    QCOMPARE(segments[4].abs().sum().item<double>(), 0.0); // member 1: no rows
    QCOMPARE(segments[2].narrow(1, 7, 2).abs().sum().item<double>(), 0.0); // columns 7, 8
    QVERIFY(segments[2].narrow(1, 0, 7).abs().min().item<double>() > 0.0);
    // By hand: W0 = [1 2], b0 = 0.5, W1 = [3 -1], b1 = 0, rows {1, 2}, x read by two calls.
    const auto w0 = torch::tensor({{1.f, 2.f}}).requires_grad_(true), b0 = torch::tensor({0.5f});
    const auto w1 = torch::tensor({{3.f, -1.f}}).requires_grad_(true), b1 = torch::tensor({0.f});
    b0.requires_grad_(true), b1.requires_grad_(true);
    const SegmentWeight hand({w0, w1}, {b0, b1});
    const auto x = torch::tensor({{1.f, 1.f}, {2.f, 0.f}, {0.f, 1.f}}).requires_grad_(true);
    const auto y = hand(x, {1, 2});
    QVERIFY(torch::equal(y.detach(), torch::tensor({{3.5f}, {6.f}, {-1.f}})));
    (y.sum() + hand(x, {1, 2}).sum()).backward();
    QVERIFY(torch::equal(w0.grad(), torch::tensor({{2.f, 2.f}})));
    QVERIFY(torch::equal(w1.grad(), torch::tensor({{4.f, 2.f}})));
    QVERIFY(b0.grad().item<float>() == 2.f && b1.grad().item<float>() == 4.f);
    QVERIFY(torch::equal(x.grad(), torch::tensor({{2.f, 4.f}, {6.f, -2.f}, {6.f, -2.f}})));
    // Only the input's gradient asked for: the weights' node does not run and keeps nothing.
    const auto dx = torch::autograd::grad({hand(x, {1, 2}).sum()}, {x})[0];
    QVERIFY(torch::equal(dx, torch::tensor({{1.f, 2.f}, {3.f, -1.f}, {3.f, -1.f}})));
    w0.mutable_grad() = torch::Tensor();
    hand(x, {1, 2}).sum().backward();
    QVERIFY(torch::equal(w0.grad(), torch::tensor({{1.f, 1.f}})));
    const auto previous = groupedDispatchMode(); // the default: grouped in training passes only
    QVERIFY(previous == GroupedDispatchMode::Training && !groupedDispatch(false));
    setGroupedDispatch(true);
    std::optional<compat::AutocastGuard> autocast(std::in_place, torch::kCPU, torch::kBFloat16);
    QVERIFY(!groupedDispatch()); // under autocast the per-expert path (autocast's dtypes) runs
    autocast.reset();
    QVERIFY(groupedDispatch());
    setGroupedDispatchMode(previous);
}

QTEST_APPLESS_MAIN(TstGroupedDispatch)
#include "tst_grouped_dispatch.moc"
