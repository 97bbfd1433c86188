// The Mixture-of-Recursions maths against an independent Python reference
// (tests/core/seq/python/mor_reference.py, Bae et al. 2025 and the official code) and against
// hand-assembled pieces: where the routers' gates enter, and how middle-cycle sharing adds
// its unique first and last layers.
#include "seq/recursion_model.h"

#include <QtTest>

using namespace mor;
using namespace mor::seq;

namespace {

constexpr int64_t kVocab = 5, kMaxLen = 8;
const std::vector<int64_t> kTokens{3, 1, 4, 1, 0, 2};

/// Every parameter from its name, as mor_reference.py's fill(): 0.5 sin(0.7 i + 0.13 s) with
/// s = (byte sum of the name) mod 97; LayerNorm weights 1 + 0.1 sin(...).
void fillParameters(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& item : module.named_parameters()) {
        const std::string& name = item.key();
        int seed = 0;
        for (unsigned char c : name) {
            seed += c;
        }
        seed %= 97;
        auto i = torch::arange(item.value().numel(), torch::kDouble);
        auto v = torch::sin(0.7 * i + 0.13 * seed);
        auto endsWith = [&](const std::string& tail) {
            return name.size() >= tail.size() &&
                   name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
        };
        const bool lnWeight =
            endsWith(".ln1.weight") || endsWith(".ln2.weight") || name == "lnf.weight";
        v = lnWeight ? 1.0 + 0.1 * v : 0.5 * v;
        item.value().copy_(v.view(item.value().sizes()).to(item.value().scalar_type()));
    }
}

RecursionConfig tinyConfig(const std::string& routing, int64_t recursions, int64_t layers) {
    RecursionConfig c;
    mor::parseChoice(routing, mor::recursionRoutingNames(), &c.routing);
    c.recursions = recursions;
    c.layersPerBlock = layers;
    c.dModel = 4;
    c.heads = 2;
    c.ffn = 8;
    return c;
}

RecursionModel tinyModel(const RecursionConfig& c) {
    RecursionModel m(c, kVocab, kMaxLen);
    fillParameters(*m);
    m->eval();
    return m;
}

torch::Tensor tokens() {
    return torch::tensor(kTokens).view({1, -1});
}

} // namespace

class TstRecursionReference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void matchesPythonReference_data();
    void matchesPythonReference();
    void tokenChoiceGatesADepthOneTokenOnce();
    void expertChoiceGatesTheBlockOutputPlusResidual();
};

void TstRecursionReference::matchesPythonReference_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<int>("recursions");
    QTest::addColumn<int>("layers");
    QTest::addColumn<QString>("sharing");
    QTest::addColumn<QString>("gate");
    QTest::addColumn<double>("alpha");
    QTest::addColumn<QString>("capacity");
    QTest::addColumn<bool>("topK");
    QTest::addColumn<QList<int>>("depth");
    QTest::addColumn<QList<double>>("logits");
    // Numbers printed by /usr/bin/python3 tests/core/seq/python/mor_reference.py (torch 1.13,
    // float64). Each case routes tokens to different depths, depth 1 included.
    QTest::newRow("token_choice softmax")
        << QString("token_choice") << 3 << 1 << QString("cycle") << QString("softmax") << 1.0
        << QString("linear") << false << QList<int>{1, 2, 3, 1, 3, 1}
        << QList<double>{
                  -1.016083, -0.185557, 0.464241, -0.444938, 1.649500,
                  -0.736020, -0.130141, 0.079750, 0.224198, 0.773041,
                  -1.097985, -0.062235, 0.313750, -0.284667, 1.497970,
                  -0.637163, -0.148864, 0.016175, 0.362726, 0.575569,
                  -1.098772, -0.085353, 0.358101, -0.345126, 1.567551,
                  -1.046685, -0.145826, 0.419973, -0.401248, 1.611437};
    QTest::newRow("token_choice sigmoid alpha 0.5")
        << QString("token_choice") << 3 << 1 << QString("cycle") << QString("sigmoid") << 0.5
        << QString("linear") << false << QList<int>{1, 2, 3, 1, 3, 1}
        << QList<double>{
                  -1.020613, -0.186035, 0.469672, -0.454693, 1.662453,
                  -0.651011, 0.017718, -0.283891, 0.761602, 0.123976,
                  -1.161625, 0.000440, 0.259281, -0.244699, 1.477122,
                  -0.591980, -0.056728, -0.202633, 0.682922, 0.190986,
                  -1.146240, -0.047537, 0.334307, -0.338103, 1.578111,
                  -1.064386, -0.139021, 0.424850, -0.417243, 1.636702};
    QTest::newRow("expert_choice threshold")
        << QString("expert_choice") << 3 << 1 << QString("cycle") << QString("sigmoid") << 0.5
        << QString("1,0.5,0.5") << false << QList<int>{1, 2, 1, 2, 1, 1}
        << QList<double>{
                  -1.023955, -0.185755, 0.472485, -0.460275, 1.670159,
                  -0.664621, 0.029903, -0.293244, 0.767041, 0.123078,
                  -1.385992, 0.308141, -0.096197, 0.117480, 1.150094,
                  -0.682429, -0.181926, 0.123744, 0.193080, 0.787688,
                  -1.302713, 0.116637, 0.181403, -0.214139, 1.497410,
                  -1.066108, -0.138263, 0.425143, -0.418553, 1.638877};
    QTest::newRow("expert_choice top-k")
        << QString("expert_choice") << 3 << 1 << QString("cycle") << QString("sigmoid") << 0.5
        << QString("1,0.5,0.5") << true << QList<int>{1, 3, 3, 3, 1, 1}
        << QList<double>{
                  -1.023955, -0.185755, 0.472485, -0.460275, 1.670159,
                  -0.692185, -0.049471, -0.116102, 0.512603, 0.425412,
                  -1.183633, 0.034688, 0.216752, -0.198803, 1.433161,
                  -0.723378, -0.202427, 0.203326, 0.063612, 0.952081,
                  -1.302713, 0.116637, 0.181403, -0.214139, 1.497410,
                  -1.066108, -0.138263, 0.425143, -0.418553, 1.638877};
    QTest::newRow("middle_cycle expert_choice")
        << QString("expert_choice") << 2 << 2 << QString("middle_cycle") << QString("sigmoid")
        << 1.0
        << QString("linear") << true << QList<int>{1, 2, 2, 2, 1, 1}
        << QList<double>{
                  -1.087318, -0.137824, 0.445526, -0.457402, 1.691704,
                  -0.943447, -0.174254, 0.370306, -0.279224, 1.431158,
                  -1.102719, -0.064912, 0.323528, -0.300416, 1.517871,
                  -0.924980, -0.185930, 0.373842, -0.274211, 1.418174,
                  -1.126924, -0.066512, 0.350748, -0.350111, 1.584298,
                  -1.057913, -0.136799, 0.414188, -0.399374, 1.613691};
}

void TstRecursionReference::matchesPythonReference() {
    QFETCH(QString, routing);
    QFETCH(int, recursions);
    QFETCH(int, layers);
    QFETCH(QString, sharing);
    QFETCH(QString, gate);
    QFETCH(double, alpha);
    QFETCH(QString, capacity);
    QFETCH(bool, topK);
    QFETCH(QList<int>, depth);
    QFETCH(QList<double>, logits);
    auto c = tinyConfig(routing.toStdString(), recursions, layers);
    QVERIFY(mor::parseChoice(sharing.toStdString(), mor::recursionSharingNames(), &c.sharing));
    QVERIFY(mor::parseChoice(gate.toStdString(), mor::recursionGateNames(), &c.gate));
    c.gateAlpha = alpha;
    c.capacity = capacity.toStdString();
    auto m = tinyModel(c);
    torch::NoGradGuard noGrad;
    auto pass = m->forward(tokens(), topK);
    const auto T = static_cast<int64_t>(kTokens.size());
    for (int64_t t = 0; t < T; ++t) {
        QCOMPARE(pass.depth[0][t].item<int64_t>(), int64_t(depth[int(t)]));
        for (int64_t v = 0; v < kVocab; ++v) {
            const double got = pass.logits[0][t][v].item<double>();
            const double want = logits[int(t * kVocab + v)];
            QVERIFY2(std::abs(got - want) < 2e-5,
                     qPrintable(QString("position %1 token %2: %3 vs reference %4")
                                    .arg(t)
                                    .arg(v)
                                    .arg(got, 0, 'f', 6)
                                    .arg(want, 0, 'f', 6)));
        }
    }
}

void TstRecursionReference::tokenChoiceGatesADepthOneTokenOnce() {
    // Position 0 attends only to itself, so its recursion can be assembled by hand. The
    // router (on the embedding) gives it depth 1; the paper's output is h0 + g1 f(h0), not
    // the ungated f(h0) (the old code skipped the gate at depth 1).
    auto c = tinyConfig("token_choice", 3, 1);
    c.gate = mor::RecursionGate::Softmax;
    auto m = tinyModel(c);
    torch::NoGradGuard noGrad;
    auto pass = m->forward(tokens(), false);
    QCOMPARE(pass.depth[0][0].item<int64_t>(), int64_t(1));
    const auto zero = torch::zeros({1, 1}, torch::kLong);
    auto h0 = m->embed(torch::full({1, 1}, kTokens[0], torch::kLong), zero);
    auto gates = m->tokenRouterGates(h0).view({-1});
    QCOMPARE(gates.argmax().item<int64_t>(), int64_t(0));
    const double g = gates[0].item<double>();
    QVERIFY(g > 0.34 && g < 0.99); // a real gate, so gated and ungated outputs differ
    auto valid = torch::ones({1, 1}, torch::kBool);
    auto f = m->layers(0)[0]->forward(h0, zero, valid, nullptr, nullptr);
    auto gated = m->headLogits(h0 + g * f).view({-1});
    auto ungated = m->headLogits(f).view({-1});
    QVERIFY(torch::allclose(pass.logits[0][0], gated, 1e-5, 1e-5));
    QVERIFY(!torch::allclose(pass.logits[0][0], ungated, 1e-3, 1e-3));
    // And the reference's first row (Python) equals the hand-assembled one.
    const std::vector<double> reference{-1.016083, -0.185557, 0.464241, -0.444938, 1.649500};
    for (int64_t v = 0; v < kVocab; ++v) {
        QVERIFY(std::abs(gated[v].item<double>() - reference[size_t(v)]) < 2e-5);
    }
}

void TstRecursionReference::expertChoiceGatesTheBlockOutputPlusResidual() {
    // Recursion 1 keeps every token (capacity 1) and position 0 then drops out (threshold
    // routing gives it depth 1), so its output is h1 = h0 + g f(h0) with
    // g = alpha * sigmoid(router_1(h0)), passed on unchanged.
    auto c = tinyConfig("expert_choice", 3, 1);
    c.gateAlpha = 0.5;
    c.capacity = "1,0.5,0.5";
    auto m = tinyModel(c);
    torch::NoGradGuard noGrad;
    auto pass = m->forward(tokens(), false);
    QCOMPARE(pass.depth[0][0].item<int64_t>(), int64_t(1));
    const auto zero = torch::zeros({1, 1}, torch::kLong);
    auto h0 = m->embed(torch::full({1, 1}, kTokens[0], torch::kLong), zero);
    auto logit = m->expertRouterLogit(h0, 0);
    auto g = m->expertGate(logit);
    QVERIFY(torch::allclose(g, 0.5 * torch::sigmoid(logit)));
    auto valid = torch::ones({1, 1}, torch::kBool);
    auto f = m->layers(0)[0]->forward(h0, zero, valid, nullptr, nullptr);
    auto h1 = h0 + g.unsqueeze(-1) * f;
    // the second recursion's own router turns it away
    QVERIFY(torch::sigmoid(m->expertRouterLogit(h1, 1)).item<double>() <= c.threshold);
    QVERIFY(torch::allclose(pass.logits[0][0], m->headLogits(h1).view({-1}), 1e-5, 1e-5));
    // the gate on the residual update (the old h0 + g (f(h0) - h0)) is a different function
    auto oldRule = m->headLogits(h0 + g.unsqueeze(-1) * (f - h0)).view({-1});
    QVERIFY(!torch::allclose(pass.logits[0][0], oldRule, 1e-3, 1e-3));
}

QTEST_GUILESS_MAIN(TstRecursionReference)
#include "tst_recursion_reference.moc"
