// SPDX-License-Identifier: GPL-3.0-or-later
// Mixture of Nested Experts (experts[].kind "nested"): shared weights, width slices, gradients,
// one forward against numbers from a Python (torch 1.13) reference, Switch gating and traces.
#include "model/mor_model.h"
#include "model/nested_expert.h"
#include "model_test_util.h"

#include <QtTest>

using namespace mor::model;

namespace {

mor::ModelConfig nestedConfig(const std::vector<int64_t>& widths)
{
    mor::ModelConfig config;
    config.encoder.layers = 0; // e = x, so the test can recompute the expert by hand
    config.router.strategy = mor::RoutingStrategy::TopK;
    config.router.topK = 1;
    config.router.hidden = 8;
    config.experts.clear();
    for (const int64_t w : widths) {
        mor::ExpertConfig expert;
        expert.kind = mor::ExpertKind::Nested;
        expert.width = w;
        config.experts.push_back(expert);
    }
    return config;
}

int64_t prefixCount(torch::nn::Module& module, const std::string& prefix)
{
    int64_t n = 0;
    for (const auto& item : module.named_parameters()) {
        if (item.key().rfind(prefix, 0) == 0) {
            n += item.value().numel();
        }
    }
    return n;
}

torch::Tensor param(torch::nn::Module& module, const std::string& name)
{
    const auto params = module.named_parameters();
    const auto* found = params.find(name);
    if (!found) {
        throw std::runtime_error("no parameter " + name);
    }
    return *found;
}

} // namespace

class TstNestedExperts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterCountDoesNotGrowWithWidths_data();
    void parameterCountDoesNotGrowWithWidths();
    void sliceGetsNoGradientBeyondItsWidth_data();
    void sliceGetsNoGradientBeyondItsWidth();
    void routedInputTouchesOnlyItsWidth();
    void forwardMatchesPythonReference_data();
    void forwardMatchesPythonReference();
    void modelOutputIsSwitchGatedSlice();
    void traceRecordsTheChosenWidth();
    void trainingLowersTheLoss();
    void validationNamesTheKind();
};

void TstNestedExperts::parameterCountDoesNotGrowWithWidths_data()
{
    QTest::addColumn<int>("widths");
    QTest::newRow("2 widths") << 2;
    QTest::newRow("4 widths") << 4;
    QTest::newRow("6 widths") << 6;
}

void TstNestedExperts::parameterCountDoesNotGrowWithWidths()
{
    QFETCH(int, widths);
    torch::manual_seed(1);
    const ModelShape shape{6, 3, 1};
    MoRModel one(nestedConfig({48}), shape);
    std::vector<int64_t> list;
    for (int i = 1; i <= widths; ++i) {
        list.push_back(48 * i / widths);
    }
    MoRModel many(nestedConfig(list), shape);
    // The expert network: H*W + W (in), W*C + C (out), W + 1 (critic), whatever the widths.
    const int64_t expected = 6 * 48 + 48 + 48 * 3 + 3 + 48 + 1;
    QCOMPARE(prefixCount(*one, "nested."), expected);
    QCOMPARE(prefixCount(*many, "nested."), expected);
    QCOMPARE(prefixCount(*many, "expert"), int64_t(0));
    // Only the router's output layer grows: one row (hidden + bias) per extra width.
    const int64_t routerHidden = 8;
    QCOMPARE(model_test::parameterCount(*many) - model_test::parameterCount(*one),
             int64_t(widths - 1) * (routerHidden + 1));
}

void TstNestedExperts::sliceGetsNoGradientBeyondItsWidth_data()
{
    QTest::addColumn<int>("width");
    QTest::newRow("w=1") << 1;
    QTest::newRow("w=12") << 12;
    QTest::newRow("w=31") << 31;
}

void TstNestedExperts::sliceGetsNoGradientBeyondItsWidth()
{
    QFETCH(int, width);
    torch::manual_seed(2);
    NestedExpert expert(NestedExpertOptions(5, 4, 32));
    const auto e = torch::randn({7, 5});
    const auto run = expert->run(e, width);
    (run.logits.pow(2).sum() + run.critique.sum()).backward();
    const auto in = param(*expert, "in.weight").grad();
    const auto inBias = param(*expert, "in.bias").grad();
    const auto out = param(*expert, "out.weight").grad();
    const auto critic = param(*expert, "critic.weight").grad();
    QCOMPARE(in.narrow(0, width, 32 - width).abs().sum().item<double>(), 0.0);
    QCOMPARE(inBias.narrow(0, width, 32 - width).abs().sum().item<double>(), 0.0);
    QCOMPARE(out.narrow(1, width, 32 - width).abs().sum().item<double>(), 0.0);
    QCOMPARE(critic.narrow(1, width, 32 - width).abs().sum().item<double>(), 0.0);
    QVERIFY(in.narrow(0, 0, width).abs().sum().item<double>() > 1e-6);
    QVERIFY(out.narrow(1, 0, width).abs().sum().item<double>() > 1e-6);
    QCOMPARE(run.state.size(1), int64_t(32)); // padded with zeros beyond the slice
    QCOMPARE(run.state.narrow(1, width, 32 - width).abs().sum().item<double>(), 0.0);
    QCOMPARE(expert->rowsProcessed(width), int64_t(7));
}

void TstNestedExperts::routedInputTouchesOnlyItsWidth()
{
    // Through the whole model: one input, routed (top-1) to one width; every unit at or above
    // that width of the shared network gets exactly zero gradient from the total loss.
    torch::manual_seed(3);
    MoRModel model(nestedConfig({4, 8, 16}), ModelShape{6, 3, 1});
    model->train();
    int checked = 0;
    for (int trial = 0; trial < 12 && checked < 3; ++trial) {
        model->zero_grad();
        const auto x = torch::randn({1, 6});
        const auto out = model->forward(x, torch::tensor({int64_t(trial % 3)}), {});
        const int64_t chosen = out.mask[0].to(torch::kLong).argmax().item<int64_t>();
        QCOMPARE(out.mask.sum().item<int64_t>(), int64_t(1));
        const int64_t w = std::vector<int64_t>{4, 8, 16}[size_t(chosen)];
        out.totalLoss.backward();
        const auto in = param(*model, "nested.in.weight").grad();
        QVERIFY(in.defined());
        if (w < 16) {
            QCOMPARE(in.narrow(0, w, 16 - w).abs().sum().item<double>(), 0.0);
            QCOMPARE(param(*model, "nested.out.weight").grad().narrow(1, w, 16 - w)
                         .abs().sum().item<double>(),
                     0.0);
        }
        QVERIFY(in.narrow(0, 0, w).abs().sum().item<double>() > 0.0);
        ++checked;
    }
    QCOMPARE(checked, 3);
}

void TstNestedExperts::forwardMatchesPythonReference_data()
{
    // Numbers from /usr/bin/python3 (torch 1.13): h = gelu(e W1[:w]^T + b1[:w]),
    // y = h W2[:, :w]^T + b2, c = sigmoid(h v[:w] + c0) with the weights set below.
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("y0");
    QTest::addColumn<double>("y1");
    QTest::addColumn<double>("p0");
    QTest::addColumn<double>("critique");
    QTest::newRow("w=1") << 1 << 0.1547200 << -0.1164800 << 0.5673875 << 0.5844820;
    QTest::newRow("w=2") << 2 << 0.1943544 << -0.1429030 << 0.5835242 << 0.5924804;
    QTest::newRow("w=3") << 3 << 0.0853717 << -0.2276673 << 0.5776269 << 0.5629484;
}

void TstNestedExperts::forwardMatchesPythonReference()
{
    QFETCH(int, width);
    QFETCH(double, y0);
    QFETCH(double, y1);
    QFETCH(double, p0);
    QFETCH(double, critique);
    NestedExpert expert(NestedExpertOptions(2, 2, 3));
    {
        torch::NoGradGuard noGrad;
        param(*expert, "in.weight").copy_(torch::tensor({{0.5f, -0.2f}, {0.1f, 0.3f},
                                                         {-0.4f, 0.25f}}));
        param(*expert, "in.bias").copy_(torch::tensor({0.05f, -0.1f, 0.2f}));
        param(*expert, "out.weight").copy_(torch::tensor({{0.3f, -0.6f, 0.9f},
                                                          {-0.2f, 0.4f, 0.7f}}));
        param(*expert, "out.bias").copy_(torch::tensor({0.01f, -0.02f}));
        param(*expert, "critic.weight").copy_(torch::tensor({{0.5f, -0.5f, 1.0f}}));
        param(*expert, "critic.bias").copy_(torch::tensor({0.1f}));
    }
    const auto run = expert->run(torch::tensor({{1.0f, -0.5f}}), width);
    QVERIFY(std::abs(run.logits[0][0][0].item<double>() - y0) < 1e-5);
    QVERIFY(std::abs(run.logits[0][0][1].item<double>() - y1) < 1e-5);
    QVERIFY(std::abs(run.answer[0][0].item<double>() - p0) < 1e-5);
    QVERIFY(std::abs(run.confidence[0].item<double>() - critique) < 1e-5);
    QCOMPARE(run.iterations[0].item<int64_t>(), int64_t(1));
}

void TstNestedExperts::modelOutputIsSwitchGatedSlice()
{
    // The fused answer is p_j * softmax(slice_j(e)) + (1 - p_j) / C: the slice's output scaled
    // by its router probability (Switch), recomputed here from the parameters by hand.
    torch::manual_seed(4);
    const std::vector<int64_t> widths{3, 6, 12};
    MoRModel model(nestedConfig(widths), ModelShape{5, 3, 1});
    model->eval();
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({6, 5});
    const auto out = model->forward(x, {}, {});
    const auto w1 = param(*model, "nested.in.weight");
    const auto b1 = param(*model, "nested.in.bias");
    const auto w2 = param(*model, "nested.out.weight");
    const auto b2 = param(*model, "nested.out.bias");
    for (int64_t b = 0; b < 6; ++b) {
        const int64_t j = out.mask[b].to(torch::kLong).argmax().item<int64_t>();
        const int64_t w = widths[size_t(j)];
        const auto h = torch::gelu(torch::matmul(w1.narrow(0, 0, w), x[b]) + b1.narrow(0, 0, w));
        const auto q = torch::softmax(torch::matmul(w2.narrow(1, 0, w), h) + b2, 0);
        const double p = out.routerProbs[b][j].item<double>();
        const auto expected = p * q + (1.0 - p) / 3.0;
        QVERIFY(torch::allclose(out.logits[b].exp(), expected, 1e-5, 1e-6));
        QCOMPARE(out.steps[b][j].item<int64_t>(), int64_t(1));
    }
    // FLOPs grow with the chosen width: 2 * w * (H + C + 1) for the slice.
    QVERIFY(out.flops.defined());
}

void TstNestedExperts::traceRecordsTheChosenWidth()
{
    torch::manual_seed(5);
    const std::vector<int64_t> widths{2, 5, 9};
    MoRModel model(nestedConfig(widths), ModelShape{4, 2, 1});
    const auto x = torch::randn({8, 4});
    const auto y = torch::randint(0, 2, {8}, torch::kLong);
    const auto traces = model->trace(x, y, {}, {0, 1, 2, 3, 4, 5, 6, 7});
    QCOMPARE(int(traces.size()), 8);
    for (const auto& t : traces) {
        QCOMPARE(int(t.experts.size()), 1);
        const auto& et = t.experts.front();
        QCOMPARE(int64_t(et.width), widths[size_t(et.expert)]);
        QCOMPARE(et.haltStep, 1);
        QCOMPARE(t.group, -1);
    }
}

void TstNestedExperts::trainingLowersTheLoss()
{
    torch::manual_seed(6);
    MoRModel model(nestedConfig({4, 8, 16}), ModelShape{4, 2, 1});
    model->train();
    const auto x = torch::randn({128, 4});
    const auto y = x.select(1, 0).mul(x.select(1, 1)).gt(0).to(torch::kLong);
    torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-2));
    double first = 0.0, last = 0.0;
    for (int step = 0; step < 150; ++step) {
        opt.zero_grad();
        auto out = model->forward(x, y, {});
        out.totalLoss.backward();
        opt.step();
        const double task = out.losses.at("task").item<double>();
        first = step == 0 ? task : first;
        last = task;
    }
    QVERIFY2(last < first - 0.1, qPrintable(QString("task loss %1 -> %2").arg(first).arg(last)));
}

void TstNestedExperts::validationNamesTheKind()
{
    // parseConfig validates too: the errors name the field and the accepted values.
    auto parsed = mor::parseConfig(R"({"model":{"experts":[{"kind":"nested","width":8},
        {"kind":"russian_doll"}]}})");
    QCOMPARE(int(parsed.errors.size()), 1);
    QCOMPARE(parsed.errors[0].field, std::string("model.experts[1].kind"));
    QVERIFY(parsed.errors[0].message.find("reflection, nested") != std::string::npos);
    parsed = mor::parseConfig(R"({"model":{"integration":{"resolution":"re_reflect"},
        "experts":[{"kind":"nested","width":8},{"kind":"nested","width":16}]}})");
    QVERIFY(!parsed.errors.empty());
    QCOMPARE(parsed.errors[0].field, std::string("model.experts[0].kind"));
    QVERIFY(parsed.errors[0].message.find("re_reflect") != std::string::npos);
    parsed = mor::parseConfig(R"({"model":{"experts":[{"kind":"nested","width":8},
        {"kind":"nested","width":16}]}})");
    QVERIFY2(parsed.ok(), parsed.message().c_str());
}

QTEST_APPLESS_MAIN(TstNestedExperts)
#include "tst_nested_experts.moc"
