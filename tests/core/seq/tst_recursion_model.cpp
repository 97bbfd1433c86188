// The Mixture-of-Recursions model: weights shared across recursions, causal routing at
// inference, the KV-cached decoder matching the full forward pass, expert-choice capacity.
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"

#include <QtTest>

using namespace mor;
using namespace mor::seq;

namespace {

RecursionConfig smallConfig(const std::string& routing, int64_t recursions) {
    RecursionConfig c;
    c.routing = routing;
    c.recursions = recursions;
    c.dModel = 32;
    c.heads = 4;
    c.ffn = 64;
    c.layersPerBlock = 2;
    return c;
}

/// A model whose router sends roughly half the tokens on (random init scores cluster at 0.5).
RecursionModel makeModel(const RecursionConfig& c, int64_t vocab, int64_t maxLen,
                         uint64_t seed = 1) {
    torch::manual_seed(seed);
    RecursionModel m(c, vocab, maxLen);
    m->eval();
    return m;
}

torch::Tensor randomTokens(int64_t B, int64_t T, int64_t vocab, uint64_t seed) {
    torch::manual_seed(seed);
    return torch::randint(vocab, {B, T}, torch::kLong);
}

} // namespace

class TstRecursionModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void parameterCountDoesNotGrowWithRecursions_data();
    void parameterCountDoesNotGrowWithRecursions();
    void futureTokensDoNotChangeEarlierDepthOrOutput_data();
    void futureTokensDoNotChangeEarlierDepthOrOutput();
    void cachedDecoderMatchesFullForward_data();
    void cachedDecoderMatchesFullForward();
    void expertChoiceTrainingKeepsCapacityPerRecursion();
    void tokenChoiceDepthIsTheRoutersChoice();
    void recursiveModelHasAboutHalfTheVanillaParameters();
};

void TstRecursionModel::parameterCountDoesNotGrowWithRecursions_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<qlonglong>("growthPerRecursion");
    QTest::newRow("fixed (recursive)") << "fixed" << 0LL;
    QTest::newRow("expert_choice") << "expert_choice" << 0LL;
    // The token-choice router has one output per depth: d_model weights + 1 bias per recursion.
    QTest::newRow("token_choice") << "token_choice" << 33LL;
    // Vanilla has a distinct block per recursion: 2 layers x (ln 2x64 + qkv 32x96+96 + out
    // 32x32+32 + ffn 32x64+64 + 64x32+32).
    QTest::newRow("vanilla (baseline)") << "vanilla" << qlonglong(2 * (128 + 3168 + 1056 + 2112 + 2080));
}

void TstRecursionModel::parameterCountDoesNotGrowWithRecursions() {
    QFETCH(QString, routing);
    QFETCH(qlonglong, growthPerRecursion);
    std::vector<int64_t> counts;
    for (int64_t n = 1; n <= 4; ++n) {
        RecursionModel m(smallConfig(routing.toStdString(), n), 20, 16);
        counts.push_back(parameterCount(*m));
    }
    for (size_t i = 1; i < counts.size(); ++i) {
        QCOMPARE(counts[i] - counts[i - 1], int64_t(growthPerRecursion));
    }
}

void TstRecursionModel::futureTokensDoNotChangeEarlierDepthOrOutput_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<bool>("kvSharing");
    QTest::newRow("expert_choice") << "expert_choice" << false;
    QTest::newRow("expert_choice + kv sharing") << "expert_choice" << true;
    QTest::newRow("token_choice") << "token_choice" << false;
    QTest::newRow("vanilla") << "vanilla" << false;
}

void TstRecursionModel::futureTokensDoNotChangeEarlierDepthOrOutput() {
    QFETCH(QString, routing);
    QFETCH(bool, kvSharing);
    auto c = smallConfig(routing.toStdString(), 3);
    c.kvSharing = kvSharing;
    auto m = makeModel(c, 20, 24);
    torch::NoGradGuard noGrad;
    auto a = randomTokens(4, 24, 20, 5);
    auto b = a.clone();
    const int64_t cut = 10;
    b.narrow(1, cut, 24 - cut).copy_(randomTokens(4, 24 - cut, 20, 6));
    QVERIFY(!a.equal(b));
    auto pa = m->forward(a, false);
    auto pb = m->forward(b, false);
    QVERIFY(pa.depth.narrow(1, 0, cut).equal(pb.depth.narrow(1, 0, cut)));
    QVERIFY(torch::allclose(pa.logits.narrow(1, 0, cut), pb.logits.narrow(1, 0, cut), 1e-5, 1e-5));
    // Routing really varies (otherwise the test proves little): depths differ across tokens.
    if (routing != "vanilla") {
        QVERIFY2(pa.depth.min().item<int64_t>() < pa.depth.max().item<int64_t>(),
                 "every token got the same depth");
    }
    // Training-time expert choice (top-k over the sequence) is NOT causal; that is what the
    // auxiliary router loss and the inference threshold are for.
}

void TstRecursionModel::cachedDecoderMatchesFullForward_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<bool>("kvSharing");
    QTest::newRow("expert_choice") << "expert_choice" << false;
    QTest::newRow("expert_choice + kv sharing") << "expert_choice" << true;
    QTest::newRow("token_choice") << "token_choice" << false;
    QTest::newRow("fixed") << "fixed" << false;
    QTest::newRow("vanilla") << "vanilla" << false;
}

void TstRecursionModel::cachedDecoderMatchesFullForward() {
    QFETCH(QString, routing);
    QFETCH(bool, kvSharing);
    auto c = smallConfig(routing.toStdString(), 3);
    c.kvSharing = kvSharing;
    auto m = makeModel(c, 20, 24, 3);
    torch::NoGradGuard noGrad;
    auto tokens = randomTokens(1, 24, 20, 9);
    auto full = m->forward(tokens, false);
    RecursionDecoder decoder(m);
    int64_t skipped = 0;
    for (int64_t t = 0; t < 24; ++t) {
        int depth = -1;
        auto logits = decoder.step(tokens[0][t].item<int64_t>(), &depth);
        QCOMPARE(int64_t(depth), full.depth[0][t].item<int64_t>());
        QVERIFY2(torch::allclose(logits, full.logits[0][t], 1e-4, 1e-4),
                 ("position " + std::to_string(t)).c_str());
        skipped += c.recursions - depth;
    }
    // Only tokens still active at a recursion are cached there.
    const int64_t perLayer = kvSharing ? 24 : 24 * 3 - skipped;
    QCOMPARE(decoder.cachedEntries(), perLayer * c.layersPerBlock);
}

void TstRecursionModel::expertChoiceTrainingKeepsCapacityPerRecursion() {
    auto c = smallConfig("expert_choice", 4); // linear: 1, 0.75, 0.5, 0.25
    auto m = makeModel(c, 20, 16);
    m->train();
    auto pass = m->forward(randomTokens(3, 16, 20, 4), true);
    for (int64_t r = 1; r <= 4; ++r) {
        auto reached = pass.depth.ge(r).sum(1);
        const int64_t expected = 16 * (5 - r) / 4;
        QVERIFY(reached.eq(expected).all().item<bool>());
    }
    QVERIFY(pass.terms.count("router_bce"));
    QVERIFY(pass.auxLoss.requires_grad());
}

void TstRecursionModel::tokenChoiceDepthIsTheRoutersChoice() {
    auto c = smallConfig("token_choice", 3);
    auto m = makeModel(c, 20, 16);
    torch::NoGradGuard noGrad;
    auto tokens = randomTokens(2, 16, 20, 8);
    auto pass = m->forward(tokens, false, true);
    QCOMPARE(pass.routerScores.size(), size_t(3));
    // score of recursion 1 is P(depth >= 1) = 1 for every token
    QVERIFY(torch::allclose(pass.routerScores[0], torch::ones({2, 16}), 1e-5, 1e-5));
    QVERIFY(pass.depth.ge(1).all().item<bool>());
    QVERIFY(pass.depth.le(3).all().item<bool>());
    QCOMPARE(pass.recursionLogits.size(), size_t(pass.depth.max().item<int64_t>()));
}

void TstRecursionModel::recursiveModelHasAboutHalfTheVanillaParameters() {
    // The comparison of the bench (tests/bench/seq_compare.sh): 3 recursions of a 1-layer
    // block against 3 distinct layers, vocabulary ~100.
    auto c = smallConfig("expert_choice", 3);
    c.dModel = 128;
    c.ffn = 512;
    c.layersPerBlock = 1;
    RecursionModel mor(c, 100, 128);
    c.routing = "vanilla";
    RecursionModel vanilla(c, 100, 128);
    const double ratio =
        static_cast<double>(parameterCount(*mor)) / static_cast<double>(parameterCount(*vanilla));
    qInfo("MoR %lld vs vanilla %lld parameters (%.2f)", (long long)parameterCount(*mor),
          (long long)parameterCount(*vanilla), ratio);
    QVERIFY(ratio < 0.6);
}

QTEST_GUILESS_MAIN(TstRecursionModel)
#include "tst_recursion_model.moc"
