// SPDX-License-Identifier: GPL-3.0-or-later
// engine::FusedAdamW and engine::clipGradNorm against LibTorch's own AdamW and
// clip_grad_norm_ (the definitions they follow), a closed form of AdamW's first step, and
// optimizer state written by one and read by the other.
#include "engine/optimizer.h"

#include "compat/torch_compat.h"

#include <QtTest>

#include <cmath>
#include <sstream>
#include <type_traits>
#include <vector>

using namespace mor;

namespace {

/// Parameters of several shapes (odd sizes, a scalar, a non-contiguous one, a double one: the
/// last two take torch's operations), the same values in every call with the same seed.
std::vector<torch::Tensor> optimizerParams(uint64_t seed)
{
    torch::manual_seed(seed);
    std::vector<torch::Tensor> params{
        torch::randn({7, 5}), torch::randn({3}), torch::randn({1}), torch::randn({130}),
        torch::randn({6, 4}).t(), torch::randn({9}, torch::kDouble)};
    for (auto& p : params) {
        p.requires_grad_(true);
    }
    return params;
}

/// Step s's gradient of parameter i (the same for every optimizer compared).
void setGradients(std::vector<torch::Tensor>& params, int step)
{
    torch::manual_seed(1000 + uint64_t(step));
    for (size_t i = 0; i < params.size(); ++i) {
        auto g = torch::randn(params[i].sizes(), params[i].options()) * (0.1 + 0.5 * double(i));
        if (step % 3 == 2 && i == 1) {
            g.zero_(); // a zero gradient now and then
        }
        params[i].mutable_grad() = g;
    }
}

double worstRelative(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto x = a[i].detach().to(torch::kDouble);
        const auto y = b[i].detach().to(torch::kDouble);
        worst = std::max(worst, ((x - y).abs() / (y.abs() + 1e-6)).max().item<double>());
    }
    return worst;
}

/// max |a - b| / max |b| over each pair of tensors (for moments, which cross zero).
double worstNormwise(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto x = a[i].detach().to(torch::kDouble);
        const auto y = b[i].detach().to(torch::kDouble);
        worst = std::max(worst, (x - y).abs().max().item<double>()
                                    / std::max(y.abs().max().item<double>(), 1e-30));
    }
    return worst;
}

torch::optim::AdamWOptions adamwOptions(double lr, double decay, bool amsgrad)
{
    return torch::optim::AdamWOptions(lr).weight_decay(decay).amsgrad(amsgrad);
}

} // namespace

class TstOptimizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fusedAdamWFollowsTorch_data();
    void fusedAdamWFollowsTorch();
    void firstStepClosedForm();
    void stateCarriesOverBetweenTheTwo();
    void makeOptimizerBuildsTheFusedOne();
    void fusedSgdFollowsTorch_data();
    void fusedSgdFollowsTorch();
    void writesMoveTheVersions();
    void clearedGradientsStepAsZeroedOnes();
    void clipGradNormFollowsTorch_data();
    void clipGradNormFollowsTorch();
    void clipGradNormEdges();
};

void TstOptimizer::fusedAdamWFollowsTorch_data()
{
    QTest::addColumn<double>("lr");
    QTest::addColumn<double>("decay");
    QTest::addColumn<bool>("amsgrad");
    QTest::newRow("adamw") << 1e-2 << 0.01 << false;
    QTest::newRow("adam (no decay)") << 3e-3 << 0.0 << false;
    QTest::newRow("strong decay, amsgrad") << 5e-2 << 0.5 << true;
}

void TstOptimizer::fusedAdamWFollowsTorch()
{
    QFETCH(double, lr);
    QFETCH(double, decay);
    QFETCH(bool, amsgrad);
    auto ours = optimizerParams(7);
    auto theirs = optimizerParams(7);
    engine::FusedAdamW fused(ours, adamwOptions(lr, decay, amsgrad));
    torch::optim::AdamW reference(theirs, adamwOptions(lr, decay, amsgrad));
    for (int step = 0; step < 25; ++step) {
        setGradients(ours, step);
        setGradients(theirs, step);
        if (step == 4) {
            ours[2].mutable_grad() = torch::Tensor(); // a parameter without gradient is skipped
            theirs[2].mutable_grad() = torch::Tensor();
        }
        fused.step();
        reference.step();
    }
    const double worst = worstRelative(ours, theirs);
    QVERIFY2(worst < 2e-5, qPrintable(QString::number(worst)));
    // The parameters moved (the comparison compares something) and the states agree.
    QVERIFY((ours[0] - optimizerParams(7)[0]).abs().max().item<double>() > 10 * lr);
    QCOMPARE(fused.state().size(), reference.state().size());
    const auto states = [](torch::optim::Optimizer& o, const std::vector<torch::Tensor>& ps) {
        std::vector<torch::Tensor> out;
        for (const auto& p : ps) {
            const auto key = compat::optimizerStateKey<std::decay_t<decltype(o.state())>>(p);
            const auto& s = static_cast<const torch::optim::AdamWParamState&>(*o.state().at(key));
            out.push_back(s.exp_avg());
            out.push_back(s.exp_avg_sq());
        }
        return out;
    };
    const auto sa = states(fused, ours);
    const auto sb = states(reference, theirs);
    QCOMPARE(sa.size(), sb.size());
    QVERIFY2(worstNormwise(sa, sb) < 1e-6, qPrintable(QString::number(worstNormwise(sa, sb))));
}

void TstOptimizer::firstStepClosedForm()
{
    // Step 1 from zero moments: m^ = g, v^ = g^2, so
    // p1 = p0 (1 - lr wd) - lr g / (|g| + eps).
    const double lr = 0.1, decay = 0.2, eps = 1e-8;
    auto p = torch::tensor({1.0f, -2.0f, 0.5f, 3.0f}).requires_grad_(true);
    std::vector<torch::Tensor> params{p};
    engine::FusedAdamW fused(params, adamwOptions(lr, decay, false).eps(eps));
    p.mutable_grad() = torch::tensor({0.3f, -4.0f, 0.0f, 1e-3f});
    fused.step();
    const double p0[4] = {1.0, -2.0, 0.5, 3.0};
    const double g[4] = {0.3, -4.0, 0.0, 1e-3};
    for (int i = 0; i < 4; ++i) {
        const double expected = p0[i] * (1 - lr * decay) - lr * g[i] / (std::fabs(g[i]) + eps);
        QVERIFY2(std::fabs(p[i].item<double>() - expected) < 1e-6,
                 qPrintable(QString("%1: %2 vs %3").arg(i).arg(p[i].item<double>()).arg(expected)));
    }
    // Numbers: 1 * 0.98 - 0.1 = 0.88; -2 * 0.98 + 0.1 = -1.86; 0.5 * 0.98 = 0.49;
    // 3 * 0.98 - 0.1 * 1e-3 / (1e-3 + 1e-8) = 2.8400010.
    QVERIFY(std::fabs(p[0].item<double>() - 0.88) < 1e-6);
    QVERIFY(std::fabs(p[1].item<double>() + 1.86) < 1e-6);
    QVERIFY(std::fabs(p[2].item<double>() - 0.49) < 1e-6);
    QVERIFY(std::fabs(p[3].item<double>() - 2.840001) < 1e-5);
}

void TstOptimizer::stateCarriesOverBetweenTheTwo()
{
    // Torch's AdamW steps 5 times and is saved; FusedAdamW loads it and both go on: the fused
    // one finds every parameter's moments (a state it did not find would restart from zero
    // and the runs would part). And the other way round.
    for (const bool fusedFirst : {false, true}) {
        auto first = optimizerParams(3);
        std::unique_ptr<torch::optim::AdamW> writer;
        if (fusedFirst) {
            writer = std::make_unique<engine::FusedAdamW>(first, adamwOptions(1e-2, 0.01, false));
        } else {
            writer = std::make_unique<torch::optim::AdamW>(first, adamwOptions(1e-2, 0.01, false));
        }
        for (int step = 0; step < 5; ++step) {
            setGradients(first, step);
            writer->step();
        }
        std::stringstream stream;
        {
            torch::serialize::OutputArchive archive;
            writer->save(archive);
            archive.save_to(stream);
        }
        auto continued = optimizerParams(3);
        for (size_t i = 0; i < continued.size(); ++i) {
            torch::NoGradGuard noGrad;
            continued[i].copy_(first[i]);
        }
        std::unique_ptr<torch::optim::AdamW> reader;
        if (fusedFirst) {
            reader = std::make_unique<torch::optim::AdamW>(continued, adamwOptions(1e-2, 0.01, false));
        } else {
            reader = std::make_unique<engine::FusedAdamW>(continued, adamwOptions(1e-2, 0.01, false));
        }
        {
            torch::serialize::InputArchive archive;
            archive.load_from(stream);
            reader->load(archive);
        }
        QCOMPARE(reader->state().size(), first.size());
        for (int step = 5; step < 12; ++step) {
            setGradients(first, step);
            setGradients(continued, step);
            writer->step();
            reader->step();
        }
        QCOMPARE(reader->state().size(), first.size()); // no state was started afresh
        const double worst = worstRelative(continued, first);
        QVERIFY2(worst < 2e-5, qPrintable(QString::number(worst)));
    }
}

void TstOptimizer::makeOptimizerBuildsTheFusedOne()
{
    auto params = optimizerParams(1);
    {
        TrainConfig config;
        config.optimizer = OptimizerKind::Sgd;
        config.learningRate = 0.03;
        std::string name;
        const auto optimizer = engine::makeOptimizer(config, params, &name);
        const auto* sgd = dynamic_cast<const engine::FusedSGD*>(optimizer.get());
        QVERIFY(sgd != nullptr);
        const auto& options = static_cast<const torch::optim::SGDOptions&>(sgd->defaults());
        QCOMPARE(options.momentum(), 0.9);
        QCOMPARE(options.lr(), 0.03);
        QCOMPARE(QString::fromStdString(name), QString("sgd"));
    }
    for (const auto kind : {OptimizerKind::AdamW, OptimizerKind::Adam}) {
        TrainConfig config;
        config.optimizer = kind;
        config.learningRate = 0.02;
        config.weightDecay = 0.3;
        std::string name;
        const auto optimizer = engine::makeOptimizer(config, params, &name);
        const auto* fused = dynamic_cast<const engine::FusedAdamW*>(optimizer.get());
        QVERIFY(fused != nullptr);
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(fused->defaults());
        QCOMPARE(options.lr(), 0.02);
        QCOMPARE(options.weight_decay(), kind == OptimizerKind::Adam ? 0.0 : 0.3);
        QCOMPARE(QString::fromStdString(name), kind == OptimizerKind::Adam ? "adam" : "adamw");
    }
}

void TstOptimizer::fusedSgdFollowsTorch_data()
{
    QTest::addColumn<double>("momentum");
    QTest::addColumn<double>("dampening");
    QTest::addColumn<double>("decay");
    QTest::addColumn<bool>("nesterov");
    QTest::newRow("momentum 0.9, decay (train.optimizer sgd)") << 0.9 << 0.0 << 0.01 << false;
    QTest::newRow("nesterov") << 0.9 << 0.0 << 0.05 << true;
    QTest::newRow("dampening") << 0.5 << 0.1 << 0.0 << false;
    QTest::newRow("plain") << 0.0 << 0.0 << 0.1 << false;
}

void TstOptimizer::fusedSgdFollowsTorch()
{
    QFETCH(double, momentum);
    QFETCH(double, dampening);
    QFETCH(double, decay);
    QFETCH(bool, nesterov);
    const auto options = torch::optim::SGDOptions(0.05)
                             .momentum(momentum)
                             .dampening(dampening)
                             .weight_decay(decay)
                             .nesterov(nesterov);
    auto ours = optimizerParams(9);
    auto theirs = optimizerParams(9);
    auto first = optimizerParams(9);
    engine::FusedSGD fused(ours, options);
    torch::optim::SGD reference(theirs, options);
    for (int step = 0; step < 20; ++step) {
        setGradients(ours, step);
        setGradients(theirs, step);
        if (step == 3) {
            ours[3].mutable_grad() = torch::Tensor(); // skipped, as by torch
            theirs[3].mutable_grad() = torch::Tensor();
        }
        fused.step();
        reference.step();
    }
    const double worst = worstRelative(ours, theirs);
    QVERIFY2(worst < 2e-5, qPrintable(QString::number(worst)));
    QVERIFY((ours[0] - first[0]).abs().max().item<double>() > 0.1); // they moved
    QCOMPARE(fused.state().size(), reference.state().size());
    if (momentum != 0.0) {
        std::vector<torch::Tensor> a, b;
        for (size_t i = 0; i < ours.size(); ++i) {
            const auto ka = compat::optimizerStateKey<std::decay_t<decltype(fused.state())>>(ours[i]);
            const auto kb =
                compat::optimizerStateKey<std::decay_t<decltype(reference.state())>>(theirs[i]);
            a.push_back(static_cast<const torch::optim::SGDParamState&>(*fused.state().at(ka))
                            .momentum_buffer());
            b.push_back(static_cast<const torch::optim::SGDParamState&>(*reference.state().at(kb))
                            .momentum_buffer());
        }
        QVERIFY2(worstNormwise(a, b) < 1e-6, qPrintable(QString::number(worstNormwise(a, b))));
        // Saved by torch's, continued by the fused one: the same as torch's going on.
        std::stringstream stream;
        {
            torch::serialize::OutputArchive archive;
            reference.save(archive);
            archive.save_to(stream);
        }
        auto continued = optimizerParams(9);
        for (size_t i = 0; i < continued.size(); ++i) {
            torch::NoGradGuard noGrad;
            continued[i].copy_(theirs[i]);
        }
        engine::FusedSGD reader(continued, options);
        {
            torch::serialize::InputArchive archive;
            archive.load_from(stream);
            reader.load(archive);
        }
        for (int step = 20; step < 26; ++step) {
            setGradients(continued, step);
            setGradients(theirs, step);
            reader.step();
            reference.step();
        }
        QCOMPARE(reader.state().size(), reference.state().size());
        // (normwise: a parameter's value near zero makes the elementwise relative error of
        // float rounding large)
        const double after = worstNormwise(continued, theirs);
        QVERIFY2(after < 1e-6, qPrintable(QString::number(after)));
    }
}

void TstOptimizer::writesMoveTheVersions()
{
    // Caches keyed by a tensor's version (segment weight packs, the host decoder's weight
    // snapshot) must see the optimizer's writes, as they see torch's in-place operations.
    auto params = optimizerParams(5);
    engine::FusedAdamW fused(params, adamwOptions(1e-2, 0.01, true));
    setGradients(params, 0);
    std::vector<uint32_t> before;
    for (const auto& p : params) {
        before.push_back(uint32_t(p._version()));
    }
    fused.step();
    for (size_t i = 0; i < params.size(); ++i) {
        QVERIFY2(uint32_t(params[i]._version()) > before[i], qPrintable(QString::number(i)));
    }
    const auto key = compat::optimizerStateKey<std::decay_t<decltype(fused.state())>>(params[0]);
    const auto& state = static_cast<const torch::optim::AdamWParamState&>(*fused.state().at(key));
    const auto moments = uint32_t(state.exp_avg()._version());
    const auto squares = uint32_t(state.max_exp_avg_sq()._version());
    fused.step();
    QVERIFY(uint32_t(state.exp_avg()._version()) > moments);
    QVERIFY(uint32_t(state.max_exp_avg_sq()._version()) > squares);
    // Clipping float gradients that clips moves their versions; one that does not, leaves them.
    std::vector<torch::Tensor> floats(params.begin(), params.begin() + 4);
    const auto g0 = uint32_t(floats[0].grad()._version());
    engine::clipGradNorm(floats, 1e6);
    QCOMPARE(uint32_t(floats[0].grad()._version()), g0);
    engine::clipGradNorm(floats, 1e-3);
    QVERIFY(uint32_t(floats[0].grad()._version()) > g0);
}

void TstOptimizer::clearedGradientsStepAsZeroedOnes()
{
    // Two copies of a model whose second layer gets a gradient only on even steps (and a third
    // never): one zeroes its gradients before each backward pass (LibTorch 1.13's zero_grad),
    // the other clears them and zeroes the missing ones after. 12 AdamW steps: the same
    // parameters (a zero gradient still decays the moments, so the odd steps move layer 2),
    // the same gradients defined.
    const auto build = [] {
        torch::manual_seed(21);
        return std::vector<torch::nn::Linear>{torch::nn::Linear(5, 4), torch::nn::Linear(4, 3),
                                              torch::nn::Linear(3, 2)};
    };
    auto zeroed = build();
    auto cleared = build();
    const auto paramsOf = [](std::vector<torch::nn::Linear>& layers) {
        std::vector<torch::Tensor> ps;
        for (auto& l : layers) {
            for (auto& p : l->parameters()) {
                ps.push_back(p);
            }
        }
        return ps;
    };
    auto pz = paramsOf(zeroed);
    auto pc = paramsOf(cleared);
    engine::FusedAdamW oz(pz, adamwOptions(1e-2, 0.01, false));
    engine::FusedAdamW oc(pc, adamwOptions(1e-2, 0.01, false));
    const auto loss = [](std::vector<torch::nn::Linear>& layers, const torch::Tensor& x, int step) {
        auto h = torch::tanh(layers[0]->forward(x));
        auto out = h.pow(2).sum();
        if (step % 2 == 0) {
            out = out + layers[1]->forward(h).sum();
        }
        return out;
    };
    for (int step = 0; step < 12; ++step) {
        torch::manual_seed(uint64_t(300 + step));
        const auto x = torch::randn({8, 5});
        for (auto& p : pz) {
            if (p.grad().defined()) {
                p.mutable_grad().zero_();
            }
        }
        loss(zeroed, x, step).backward();
        oz.step();
        const auto had = engine::clearGradients(pc);
        loss(cleared, x, step).backward();
        engine::zeroMissingGradients(had);
        oc.step();
        for (size_t i = 0; i < pz.size(); ++i) {
            QCOMPARE(pc[i].grad().defined(), pz[i].grad().defined());
        }
    }
    QVERIFY(!pc[4].grad().defined()); // layer 3 never had a gradient
    QVERIFY2(worstRelative(pc, pz) == 0.0, qPrintable(QString::number(worstRelative(pc, pz))));
    // Layer 2 moved on the odd steps too (its zero gradient decayed the moments into it).
    QVERIFY(pc[2].grad().defined());
    QCOMPARE(pc[2].grad().abs().sum().item<double>(), 0.0); // step 11 gave it none
}

void TstOptimizer::clipGradNormFollowsTorch_data()
{
    QTest::addColumn<double>("maxNorm");
    QTest::addColumn<double>("scale");
    QTest::newRow("clipped") << 1.0 << 3.0;
    QTest::newRow("not clipped") << 100.0 << 1.0;
}

void TstOptimizer::clipGradNormFollowsTorch()
{
    QFETCH(double, maxNorm);
    QFETCH(double, scale);
    std::vector<torch::Tensor> ours, theirs;
    torch::manual_seed(17);
    for (const auto& shape : std::vector<std::vector<int64_t>>{{40, 13}, {7}, {1}, {257}}) {
        auto p = torch::randn(shape).requires_grad_(true);
        p.mutable_grad() = torch::randn(shape) * scale;
        auto q = p.detach().clone().requires_grad_(true);
        q.mutable_grad() = p.grad().clone();
        ours.push_back(p);
        theirs.push_back(q);
    }
    ours.push_back(torch::randn({4}).requires_grad_(true)); // no gradient: not counted
    theirs.push_back(ours.back().detach().clone().requires_grad_(true));
    const double a = engine::clipGradNorm(ours, maxNorm);
    const double b = torch::nn::utils::clip_grad_norm_(theirs, maxNorm);
    QVERIFY2(std::fabs(a - b) <= 1e-6 * b, qPrintable(QString("%1 vs %2").arg(a).arg(b)));
    std::vector<torch::Tensor> ga, gb;
    for (size_t i = 0; i + 1 < ours.size(); ++i) {
        ga.push_back(ours[i].grad());
        gb.push_back(theirs[i].grad());
    }
    QVERIFY(worstRelative(ga, gb) < 1e-6);
    QVERIFY(!ours.back().grad().defined());
    // The norm of the clipped gradients is maxNorm (clipped) or unchanged.
    double total = 0.0;
    for (const auto& g : ga) {
        total += g.to(torch::kDouble).pow(2).sum().item<double>();
    }
    QVERIFY(std::fabs(std::sqrt(total) - std::min(a, maxNorm)) < 1e-4 * maxNorm);
}

void TstOptimizer::clipGradNormEdges()
{
    std::vector<torch::Tensor> none{torch::randn({3}).requires_grad_(true)};
    QCOMPARE(engine::clipGradNorm(none, 1.0), 0.0);
    auto p = torch::randn({5}).requires_grad_(true);
    p.mutable_grad() = torch::tensor({1.0f, NAN, 0.0f, 2.0f, 3.0f});
    std::vector<torch::Tensor> bad{p};
    QVERIFY(!std::isfinite(engine::clipGradNorm(bad, 1.0))); // the trainer stops on it
    // A double gradient takes torch's clip_grad_norm_: norm 5 of (3, 4), clipped to 1.
    auto d = torch::zeros({2}, torch::kDouble).requires_grad_(true);
    d.mutable_grad() = torch::tensor({3.0, 4.0}, torch::kDouble);
    std::vector<torch::Tensor> doubles{d};
    QVERIFY(std::fabs(engine::clipGradNorm(doubles, 1.0) - 5.0) < 1e-9);
    QVERIFY(std::fabs(d.grad()[0].item<double>() - 0.6) < 1e-6);
}

QTEST_APPLESS_MAIN(TstOptimizer)
#include "tst_optimizer.moc"
