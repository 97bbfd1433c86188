#pragma once
// Fixtures of tst_grouped_dispatch.cpp: model passes with and without grouped dispatch and the
// comparisons of their values and gradients (a header, so the test stays one source file).
#include "model/grouped_experts.h"
#include "model/mor_model.h"
#include "model/reflection_expert.h"

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

} // namespace mor::model::grouped_test
