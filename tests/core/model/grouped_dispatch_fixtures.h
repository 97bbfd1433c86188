#pragma once
// Fixtures of tst_grouped_dispatch.cpp: model passes with and without grouped dispatch and the
// comparisons of their values and gradients (a header, so the test stays one source file).
#include "model/eval_detail.h"
#include "model/fused_gemm.h"
#include "model/fused_reflect.h"
#include "model/grouped_experts.h"
#include "model/grouped_linear.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"
#include "model/segment_packs.h"

#include <QtTest>

#include <map>
#include <string>
#include <vector>

namespace mor::model::grouped_test {

inline ExpertConfig expert(const std::string& cell, int64_t width, int64_t depth,
                           const std::string& halting)
{
    ExpertConfig ec;
    mor::parseChoice(cell, mor::expertCellNames(), &ec.cell);
    ec.width = width;
    ec.maxDepth = depth;
    mor::parseChoice(halting, mor::haltingRuleNames(), &ec.halting);
    return ec;
}

/// The members of one group: `experts` reflection experts of one shape (width 16), each made in
/// turn with its critic and halting logits spread (x 8) so that rows halt at different steps.
struct GroupMembers {
    std::vector<ReflectionExpert> members;
    std::vector<ReflectionExpertImpl*> pointers;
    /// Their expert config (groupCase): critique-gated halting at threshold 0.5, else 0.9.
    ExpertConfig config;
};

inline GroupMembers spreadMembers(int experts, int64_t hidden, int64_t classes, int64_t depth,
                                  const std::string& cell)
{
    GroupMembers g;
    for (int m = 0; m < experts; ++m) {
        g.members.push_back(ReflectionExpert(
            ReflectionExpertOptions(hidden, classes).width(16).maxDepth(depth).cell(cell)));
        {
            torch::NoGradGuard noGrad;
            g.members.back()->named_parameters()["critic2.weight"].mul_(8.0);
            g.members.back()->named_parameters()["halt.weight"].mul_(8.0);
        }
        g.pointers.push_back(g.members.back().get());
    }
    return g;
}

/// The members of one case of groupGrid() (its cell and halting rule) with their config, for
/// the halting policy they share.
inline GroupMembers groupCase(const QString& cell, const QString& halting, int experts,
                              int64_t hidden, int64_t classes, int64_t depth)
{
    ExpertConfig ec = expert(cell.toStdString(), 16, depth, halting.toStdString());
    ec.haltThreshold = halting == "critique" ? 0.5 : 0.9;
    GroupMembers g = spreadMembers(experts, hidden, classes, depth, cell.toStdString());
    g.config = ec;
    return g;
}

struct PassResult {
    std::map<std::string, torch::Tensor> values; ///< forward outputs and losses
    std::map<std::string, torch::Tensor> grads;  ///< parameter gradients by name
    std::vector<int64_t> rows;                   ///< rows processed per expert in the pass
};

inline PassResult trainingPass(MoRModel& net, const torch::Tensor& x, const torch::Tensor& y,
                               bool grouped)
{
    const auto previous = groupedDispatchMode();
    setGroupedDispatch(grouped);
    for (auto& p : net->parameters()) {
        p.mutable_grad() = torch::Tensor();
    }
    const auto before = net->expertRowsProcessed();
    torch::manual_seed(7); // the same router noise (if any) in both passes
    net->train();
    const auto out = net->forward(x, y, torch::Tensor());
    out.totalLoss.backward();
    setGroupedDispatchMode(previous);
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

inline double maxExcess(const torch::Tensor& a, const torch::Tensor& b)
{
    // allclose(atol 1e-6, rtol 1e-6) as a number: > 0 fails.
    const auto diff = (a.to(torch::kDouble) - b.to(torch::kDouble)).abs();
    const auto allowed = 1e-6 + 1e-6 * b.to(torch::kDouble).abs();
    return (diff - allowed).max().item<double>();
}

inline void compare(const PassResult& grouped, const PassResult& single)
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

/// Fields of a member's run that the model reads, in a fixed order.
/// A model of `mc` for 6 inputs and 3 classes, one training pass over `rows` random inputs
/// grouped and one per expert: the same loss, outputs and gradients (compare). Returns the
/// per-expert pass.
inline PassResult groupedMatchesSingle(const ModelConfig& mc, int64_t rows)
{
    ModelShape shape;
    shape.inputs = 6;
    shape.classes = 3;
    MoRModel net(mc, shape);
    const auto x = torch::randn({rows, 6});
    const auto y = torch::randint(3, {rows});
    const auto single = trainingPass(net, x, y, false);
    const auto grouped = trainingPass(net, x, y, true);
    compare(grouped, single);
    return single;
}

inline std::vector<torch::Tensor> runFields(const ExpertRun& r)
{
    return {r.logits,
            r.probs,
            r.critique,
            r.criticLogit,
            r.heldCritique,
            r.lambda,
            r.state,
            r.answer,
            r.confidence,
            r.haltStep.to(torch::kFloat),
            r.iterations.to(torch::kFloat),
            r.computed.to(torch::kFloat)};
}

/// Largest |a - b| - (tol + tol |b|): > 0 fails.
inline double excess(const torch::Tensor& a, const torch::Tensor& b, double tol)
{
    const auto diff = (a.to(torch::kDouble) - b.to(torch::kDouble)).abs();
    return (diff - tol - tol * b.to(torch::kDouble).abs()).max().item<double>();
}

/// The cases of the group-run tests: experts, top-k, cell, halting.
inline void groupGrid()
{
    QTest::addColumn<int>("experts");
    QTest::addColumn<int>("topK");
    QTest::addColumn<QString>("cell");
    QTest::addColumn<QString>("halting");
    QTest::newRow("E=2 top-1 gru critique") << 2 << 1 << "gru" << "critique";
    QTest::newRow("E=2 top-2 gru critique") << 2 << 2 << "gru" << "critique";
    QTest::newRow("E=5 top-1 gru pondernet") << 5 << 1 << "gru" << "pondernet";
    QTest::newRow("E=5 top-2 mlp critique") << 5 << 2 << "mlp" << "critique";
    QTest::newRow("E=5 top-2 gru act") << 5 << 2 << "gru" << "act";
    QTest::newRow("E=32 top-1 gru critique") << 32 << 1 << "gru" << "critique";
    QTest::newRow("E=32 top-2 gru critique") << 32 << 2 << "gru" << "critique";
    QTest::newRow("E=32 top-2 mlp pondernet") << 32 << 2 << "mlp" << "pondernet";
}

/// Segment products packed (segment_packs.h) vs BLAS (forced by the switch) on each kernel this
/// CPU runs: members of 0, 1, 7, 33 and 257 rows, a weight [384, 150] (deep enough for the
/// kernel's dx), calls on columns [0, 128) with the bias (twice: the second reuses the packs;
/// dx reads W in place), on [128, 150) without (dx over packed columns on AVX-512), on [125,
/// 130) without (few columns: segment::fewInput* loops); y, dx, dW and db within 1e-5 of the
/// largest magnitude of each (BLAS).
/// Then a member's weight, and another's bias, changed in place: the next call packs it again.
inline void packedSegmentProductsEqualBlas()
{
    torch::manual_seed(29);
    const std::vector<int64_t> counts{0, 1, 7, 33, 257};
    const int64_t rows = 298;
    std::vector<torch::Tensor> w, b;
    for (size_t g = 0; g < counts.size(); ++g) {
        w.push_back(torch::randn({384, 150}).requires_grad_(true));
        b.push_back(torch::randn({384}).requires_grad_(true));
    }
    // x3: a call on 5 columns (the feedback's shape: segment::fewInput* loops), overlapping
    // both x1's and x2's columns.
    const auto x1 = torch::randn({rows, 128}), x2 = torch::randn({rows, 22});
    const auto x3 = torch::randn({rows, 5});
    const auto r = torch::randn({4, rows, 384});
    const auto pass = [&](bool packed, fused::GemmIsa isa) {
        setPackedSegmentProducts(packed);
        fused::setPackedGemmIsa(isa);
        std::vector<torch::Tensor> in{x1.clone().requires_grad_(), x2.clone().requires_grad_(),
                                      x3.clone().requires_grad_()};
        const SegmentWeight seg(w, b);
        const auto y1 = seg(in[0], counts, 0, true), y2 = seg(in[1], counts, 128, false);
        const auto y3 = seg(torch::tanh(y1.narrow(1, 0, 128)), counts, 0, true);
        const auto y4 = seg(in[2], counts, 125, false);
        ((y1 * r[0]).sum() + (y2 * r[1]).sum() + (y3 * r[2]).sum() + (y4 * r[3]).sum())
            .backward();
        std::vector<torch::Tensor> out{y1.detach(), y2.detach(), y3.detach(), in[0].grad(),
                                       in[1].grad(), y4.detach(), in[2].grad()};
        for (size_t g = 0; g < counts.size(); ++g) {
            out.push_back(w[g].grad().clone());
            out.push_back(b[g].grad().clone());
            w[g].mutable_grad() = b[g].mutable_grad() = torch::Tensor();
        }
        {
            const torch::NoGradGuard noGrad; // a weight changed in place: packed again
            w[4].add_(0.25);
            out.push_back(seg(x1, counts, 0, true));
            w[4].sub_(0.25);
            b[3].add_(0.5); // and a bias alone: the pack carries the bias, packed again too
            out.push_back(seg(x1, counts, 0, true));
            b[3].sub_(0.5);
        }
        setPackedSegmentProducts(true);
        fused::resetPackedGemmIsa();
        return out;
    };
    const auto reference = pass(false, fused::GemmIsa::None);
    for (const auto isa : {fused::GemmIsa::Avx512, fused::GemmIsa::Avx2}) {
        if (!fused::gemmIsaAvailable(isa)) {
            continue;
        }
        const auto before = segment::packedProducts();
        const auto packed = pass(true, isa);
        QVERIFY(segment::packedProducts() > before); // the kernel ran
        for (size_t i = 0; i < reference.size(); ++i) {
            const double scale = reference[i].abs().max().item<double>();
            const double diff = (packed[i] - reference[i]).abs().max().item<double>();
            QVERIFY2(diff <= 1e-5 * scale, qPrintable(QString("tensor %1 isa %2: %3 of %4")
                                                          .arg(i)
                                                          .arg(int(isa))
                                                          .arg(diff)
                                                          .arg(scale)));
        }
        QCOMPARE(packed[7].abs().sum().item<double>(), 0.0); // member 0: no rows
    }
}

/// The narrow layers' loops (segment::narrow*: 1 and 4 outputs, forward and backward) vs BLAS
/// (by the switch): members of 0, 1, 7, 33 and 257 rows, weights [out, 131], calls on columns
/// [0, 100) with the bias (twice), [90, 131) without (overlapping the first: columns 90-99 add
/// to what it wrote, 100-130 are new); y, dx, dW and db within 1e-5 of the largest magnitude
/// of each, the member without rows exactly 0.
inline void narrowSegmentProductsEqualBlas()
{
    torch::manual_seed(31);
    const std::vector<int64_t> counts{7, 0, 257, 1, 33};
    const int64_t rows = 298;
    for (const int64_t outputs : {int64_t(1), int64_t(4)}) {
        std::vector<torch::Tensor> w, b;
        for (size_t g = 0; g < counts.size(); ++g) {
            w.push_back(torch::randn({outputs, 131}).requires_grad_(true));
            b.push_back(torch::randn({outputs}).requires_grad_(true));
        }
        const auto x1 = torch::randn({rows, 100}), x2 = torch::randn({rows, 41});
        const auto r = torch::randn({3, rows, outputs});
        const auto pass = [&](bool fast) {
            setPackedSegmentProducts(fast);
            std::vector<torch::Tensor> in{x1.clone().requires_grad_(),
                                          x2.clone().requires_grad_()};
            const SegmentWeight seg(w, b);
            const auto y1 = seg(in[0], counts, 0, true), y2 = seg(in[1], counts, 90, false);
            const auto y3 = seg(in[0] * 0.5, counts, 0, true);
            ((y1 * r[0]).sum() + (y2 * r[1]).sum() + (y3 * r[2]).sum()).backward();
            std::vector<torch::Tensor> out{y1.detach(), y2.detach(), y3.detach(), in[0].grad(),
                                           in[1].grad()};
            for (size_t g = 0; g < counts.size(); ++g) {
                out.push_back(w[g].grad().clone());
                out.push_back(b[g].grad().clone());
                w[g].mutable_grad() = b[g].mutable_grad() = torch::Tensor();
            }
            setPackedSegmentProducts(true);
            return out;
        };
        const auto reference = pass(false);
        const auto before = segment::packedProducts();
        const auto fast = pass(true);
        QVERIFY(segment::packedProducts() > before); // the loops ran
        for (size_t i = 0; i < reference.size(); ++i) {
            const double scale = reference[i].abs().max().item<double>();
            const double diff = (fast[i] - reference[i]).abs().max().item<double>();
            QVERIFY2(scale > 0.0 || i == 7 || i == 8, qPrintable(QString("tensor %1").arg(i)));
            QVERIFY2(diff <= 1e-5 * scale, qPrintable(QString("tensor %1 outputs %2: %3 of %4")
                                                          .arg(i)
                                                          .arg(outputs)
                                                          .arg(diff)
                                                          .arg(scale)));
        }
        QCOMPARE(fast[7].abs().sum().item<double>(), 0.0); // member 1: no rows
        QCOMPARE(fast[8].abs().sum().item<double>(), 0.0);
    }
}

} // namespace mor::model::grouped_test

namespace mor::model::grouped_test {

/// A segment layer's members run on the intra-op threads, one BLAS thread each, without
/// autograd recording; at two threads the grouped training pass still equals the per-expert one.
/// (This file of the build was once compiled without OpenMP, where ATen's inline parallel_for
/// runs on the caller: every member ran on one thread and each BLAS product opened a team.)
inline void membersRunOnOneThreadEach()
{
    const int before = at::get_num_threads();
    at::set_num_threads(2);
    const auto probe = probeMemberThreads(8, 1 << 20);
    QCOMPARE(probe.threads, 2);
    QCOMPARE(probe.nestedThreads, 1); // the members' BLAS products open no nested team
    QVERIFY(!probe.gradMode);
    QCOMPARE(at::get_num_threads(), 2); // the caller's thread count is untouched
    // One member, or little work (8 x 2^16 multiply-adds: a team costs more): on the caller.
    QCOMPARE(probeMemberThreads(1, 1 << 24).threads, 1);
    QCOMPARE(probeMemberThreads(8, 1 << 16).threads, 1);
    QCOMPARE(probeMemberThreads(8, 1 << 17).threads, 2);
    torch::manual_seed(5);
    ModelConfig mc;
    mc.encoder.hidden = 12;
    mc.router.strategy = mor::RoutingStrategy::TopK;
    mc.router.topK = 2;
    mc.experts.assign(16, expert("gru", 64, 3, "critique"));
    groupedMatchesSingle(mc, 512);
    at::set_num_threads(before);
}

/// The group-run cases and fixed depth (which an answer-only group run does not ask to halt).
inline void answerOnlyGrid()
{
    groupGrid();
    QTest::newRow("E=5 top-2 gru fixed") << 5 << 2 << "gru" << "fixed";
}

/// Answer-only evaluation (eval_detail.h: detail off): reflectGroup keeps no per-step tensors,
/// and every member's answers, confidences and states equal the detailed group run's and the
/// member's own answer-only reflect()'s (within 1e-5), its halting steps and iterations exactly.
/// ACT keeps the detailed run (its answer is a mean over the steps). Both with the fused CPU
/// step (fused_reflect.h, per member block) and with the group's ATen step.
inline void answerOnlyGroupRunEqualsDetailRun()
{
    QFETCH(int, experts);
    QFETCH(int, topK);
    QFETCH(QString, cell);
    QFETCH(QString, halting);
    torch::manual_seed(11);
    const int64_t batch = 120, hidden = 8, classes = 3, depth = 5;
    auto group = groupCase(cell, halting, experts, hidden, classes, depth);
    const HaltingPolicy policy(group.config);
    auto& members = group.members;
    const auto& pointers = group.pointers;
    for (auto& member : members) {
        member->eval();
    }
    const auto top = std::get<1>(torch::randn({batch, experts}).topk(topK, 1));
    const auto mask = torch::zeros({batch, experts}, torch::kBool)
                          .scatter(1, top, torch::ones_like(top, torch::kBool));
    const auto e = torch::randn({batch, hidden});
    c10::InferenceMode inference;
    const auto detailed = reflectGroup(pointers, policy, e, mask, /*shrink=*/true);
    const EvalDetailGuard answerOnly(false);
    // With the fused CPU step (each member's block through its fused loop, where supported:
    // gru, not act) and without it (the group's ATen step).
    GroupRun lean;
    for (const bool fused : {false, true}) {
        const FusedReflectGuard fusedStep(fused);
        lean = reflectGroup(pointers, policy, e, mask, /*shrink=*/true);
        QCOMPARE(lean.all.logits.defined(), halting == "act");
        QVERIFY(excess(lean.answer, detailed.answer, 1e-6) <= 0.0);
        QVERIFY(excess(lean.confidence, detailed.confidence, 1e-6) <= 0.0);
        QVERIFY(torch::equal(lean.iterations, detailed.iterations));
        for (int g = 0; g < experts; ++g) {
            const auto rows = mask.select(1, g).nonzero().squeeze(1);
            if (rows.numel() == 0) {
                continue;
            }
            const ExpertRun& a = lean.runs[size_t(g)];
            // The detailed group run, and (not under ACT) the member's own answer-only run.
            // Pointers, not a vector of runs: GCC 12 warns (-Warray-bounds) on moving ExpertRun
            // into a vector that reallocates.
            const ExpertRun own = halting != "act"
                                      ? members[size_t(g)]->reflect(e.index_select(0, rows),
                                                                    policy, true)
                                      : ExpertRun{};
            std::vector<const ExpertRun*> others{&detailed.runs[size_t(g)]};
            if (halting != "act") {
                others.push_back(&own);
            }
            for (const ExpertRun* b : others) {
                QVERIFY(excess(a.answer, b->answer, 1e-5) <= 0.0);
                QVERIFY(excess(a.confidence, b->confidence, 1e-5) <= 0.0);
                QVERIFY(excess(a.state, b->state, 1e-5) <= 0.0);
                QVERIFY(torch::equal(a.haltStep, b->haltStep));
                QVERIFY(torch::equal(a.iterations, b->iterations));
            }
        }
    }
    if (halting == "fixed") { // every row runs every step
        QCOMPARE(lean.iterations.min().item<int64_t>(), depth);
        return;
    }
    // Rows halted at different steps, so the answers were read through the compaction.
    QVERIFY(lean.iterations.min().item<int64_t>() < lean.iterations.max().item<int64_t>());
}

} // namespace mor::model::grouped_test
