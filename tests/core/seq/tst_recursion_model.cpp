// The Mixture-of-Recursions model: weights shared across recursions (cycle, middle-cycle),
// routers per recursion step, causal routing at inference, the KV-cached decoder matching the
// full forward pass, expert-choice capacity and its training/inference routing agreement.
#include "engine/model_family.h"
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"

#include "mor/config.h"

#include <QtTest>

using namespace mor;
using namespace mor::seq;

namespace {

RecursionConfig smallConfig(const std::string& routing, int64_t recursions) {
    RecursionConfig c;
    mor::parseChoice(routing, mor::recursionRoutingNames(), &c.routing);
    c.recursions = recursions;
    c.dModel = 32;
    c.heads = 4;
    c.ffn = 64;
    c.layersPerBlock = 2;
    c.embeddingStd = 0.0; // N(0, 1) embeddings: untrained routers see varied inputs
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
    void parameterCountGrowsOnlyByRouters_data();
    void parameterCountGrowsOnlyByRouters();
    void middleCycleAddsAUniqueFirstAndLastLayer_data();
    void middleCycleAddsAUniqueFirstAndLastLayer();
    void futureTokensDoNotChangeEarlierDepthOrOutput_data();
    void futureTokensDoNotChangeEarlierDepthOrOutput();
    void cachedDecoderMatchesFullForward_data();
    void cachedDecoderMatchesFullForward();
    void expertChoiceTrainingKeepsCapacityPerRecursion();
    void capacityWarmupFollowsTheOfficialCosine();
    void tokenChoiceDepthIsTheRoutersChoice();
    void recursiveModelHasAboutHalfTheVanillaParameters();
    void embeddingStdDrawsTheEmbeddings();
    void topKPassCountsRoutingAgreement();
};

void TstRecursionModel::parameterCountGrowsOnlyByRouters_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<bool>("routerPerStep");
    QTest::addColumn<qlonglong>("growthPerRecursion");
    QTest::newRow("fixed (recursive)") << "fixed" << true << 0LL;
    // One router per recursion step (Bae et al. 2025): Linear(d_model, 1) = 32 + 1 each.
    QTest::newRow("expert_choice") << "expert_choice" << true << 33LL;
    QTest::newRow("expert_choice, one shared router") << "expert_choice" << false << 0LL;
    // The token-choice router has one output per depth: d_model weights + 1 bias per recursion.
    QTest::newRow("token_choice") << "token_choice" << true << 33LL;
    // Vanilla has a distinct block per recursion: 2 layers x (ln 2x64 + qkv 32x96+96 + out
    // 32x32+32 + ffn 32x64+64 + 64x32+32).
    QTest::newRow("vanilla (baseline)")
        << "vanilla" << true << qlonglong(2 * (128 + 3168 + 1056 + 2112 + 2080));
}

void TstRecursionModel::parameterCountGrowsOnlyByRouters() {
    QFETCH(QString, routing);
    QFETCH(bool, routerPerStep);
    QFETCH(qlonglong, growthPerRecursion);
    std::vector<int64_t> counts;
    for (int64_t n = 1; n <= 4; ++n) {
        auto c = smallConfig(routing.toStdString(), n);
        c.routerPerStep = routerPerStep;
        RecursionModel m(c, 20, 16);
        counts.push_back(engine::countParameters(*m));
    }
    for (size_t i = 1; i < counts.size(); ++i) {
        QCOMPARE(counts[i] - counts[i - 1], int64_t(growthPerRecursion));
    }
}

void TstRecursionModel::middleCycleAddsAUniqueFirstAndLastLayer_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<int>("layersPerBlock");
    QTest::newRow("fixed, L = 1") << "fixed" << 1;
    QTest::newRow("expert_choice, L = 2") << "expert_choice" << 2;
    QTest::newRow("token_choice, L = 3") << "token_choice" << 3;
}

void TstRecursionModel::middleCycleAddsAUniqueFirstAndLastLayer() {
    // Middle-cycle (Bae et al. 2025, Fig. 2; the official sharing_strategy): layer 0 and the
    // last layer keep their own weights, the L layers between them are shared by the N_r
    // recursions: L + 2 unique layers, N_r * L + 2 layer applications for a full-depth token.
    QFETCH(QString, routing);
    QFETCH(int, layersPerBlock);
    auto c = smallConfig(routing.toStdString(), 3);
    c.layersPerBlock = layersPerBlock;
    RecursionModel cycle(c, 20, 16);
    c.sharing = mor::RecursionSharing::MiddleCycle;
    RecursionModel middle(c, 20, 16);
    const int64_t layer = 128 + 3168 + 1056 + 2112 + 2080; // one layer at d 32, ffn 64: 8544
    QCOMPARE(engine::countParameters(*middle) - engine::countParameters(*cycle), 2 * layer);
    auto uniqueLayers = [](torch::nn::Module& m) {
        int64_t n = 0;
        for (const auto& module : m.modules(false)) {
            n += dynamic_cast<AttentionLayerImpl*>(module.get()) ? 1 : 0;
        }
        return n;
    };
    QCOMPARE(uniqueLayers(*cycle), int64_t(layersPerBlock));
    QCOMPARE(uniqueLayers(*middle), int64_t(layersPerBlock + 2));
    QVERIFY(middle->hasEdgeLayers() && !cycle->hasEdgeLayers());
    // Applications: with every token at full depth (fixed routing) each token is cached once
    // per layer application.
    auto f = smallConfig("fixed", 3);
    f.layersPerBlock = layersPerBlock;
    f.sharing = mor::RecursionSharing::MiddleCycle;
    RecursionModel fixed(f, 20, 16);
    fixed->eval();
    RecursionDecoder decoder(fixed);
    for (int64_t t = 0; t < 5; ++t) {
        int depth = 0;
        decoder.step(t, &depth);
        QCOMPARE(depth, 3);
    }
    QCOMPARE(decoder.cachedEntries(), int64_t(5 * (3 * layersPerBlock + 2)));
}

void TstRecursionModel::futureTokensDoNotChangeEarlierDepthOrOutput_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<bool>("kvSharing");
    QTest::addColumn<QString>("sharing");
    QTest::addColumn<QString>("gate");
    QTest::newRow("expert_choice") << "expert_choice" << false << "cycle" << "sigmoid";
    QTest::newRow("expert_choice + kv sharing")
        << "expert_choice" << true << "cycle" << "sigmoid";
    QTest::newRow("expert_choice middle_cycle")
        << "expert_choice" << false << "middle_cycle" << "sigmoid";
    QTest::newRow("token_choice sigmoid") << "token_choice" << false << "cycle" << "sigmoid";
    QTest::newRow("token_choice softmax") << "token_choice" << false << "cycle" << "softmax";
    QTest::newRow("token_choice middle_cycle")
        << "token_choice" << false << "middle_cycle" << "softmax";
    QTest::newRow("vanilla") << "vanilla" << false << "cycle" << "sigmoid";
}

void TstRecursionModel::futureTokensDoNotChangeEarlierDepthOrOutput() {
    QFETCH(QString, routing);
    QFETCH(bool, kvSharing);
    QFETCH(QString, sharing);
    QFETCH(QString, gate);
    auto c = smallConfig(routing.toStdString(), 3);
    c.kvSharing = kvSharing;
    QVERIFY(mor::parseChoice(sharing.toStdString(), mor::recursionSharingNames(), &c.sharing));
    QVERIFY(mor::parseChoice(gate.toStdString(), mor::recursionGateNames(), &c.gate));
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
    QTest::addColumn<QString>("sharing");
    QTest::newRow("expert_choice") << "expert_choice" << false << "cycle";
    QTest::newRow("expert_choice + kv sharing") << "expert_choice" << true << "cycle";
    QTest::newRow("expert_choice middle_cycle") << "expert_choice" << false << "middle_cycle";
    QTest::newRow("token_choice") << "token_choice" << false << "cycle";
    QTest::newRow("token_choice middle_cycle") << "token_choice" << false << "middle_cycle";
    QTest::newRow("fixed") << "fixed" << false << "cycle";
    QTest::newRow("vanilla") << "vanilla" << false << "cycle";
    QTest::newRow("vanilla middle_cycle") << "vanilla" << false << "middle_cycle";
}

void TstRecursionModel::cachedDecoderMatchesFullForward() {
    QFETCH(QString, routing);
    QFETCH(bool, kvSharing);
    QFETCH(QString, sharing);
    auto c = smallConfig(routing.toStdString(), 3);
    c.kvSharing = kvSharing;
    QVERIFY(mor::parseChoice(sharing.toStdString(), mor::recursionSharingNames(), &c.sharing));
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
    const int64_t edges = c.sharing == mor::RecursionSharing::MiddleCycle ? 2 * 24 : 0; // first and last layer
    QCOMPARE(decoder.cachedEntries(), perLayer * c.layersPerBlock + edges);
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

void TstRecursionModel::capacityWarmupFollowsTheOfficialCosine() {
    // The official code (expert_choice_router.py, cap_warmup_step = W): at its training step
    // s' (1 at the first forward) the capacity is c + (1 - c) * (1 + cos(pi * min(1, s'/W)))/2.
    // Engine step s is s' - 1. c = 0.25, W = 10, T = 16; top-k keeps lround(capacity * 16):
    //   s = 0: ratio 0.1, capacity 0.25 + 0.75 * 0.975528 = 0.981646 -> 16 tokens
    //   s = 4: ratio 0.5, capacity 0.625                              -> 10
    //   s = 6: ratio 0.7, capacity 0.25 + 0.75 * 0.206107 = 0.404580 -> 6
    //   s = 9 and later: capacity 0.25                                 -> 4
    auto c = smallConfig("expert_choice", 2);
    c.capacity = "1,0.25";
    c.capacityWarmupSteps = 10;
    auto m = makeModel(c, 20, 16);
    m->train();
    const auto tokens = randomTokens(3, 16, 20, 4);
    const auto keptAtRecursion2 = [&] { // -1 unless every row kept the same number
        auto reached = m->forward(tokens, true).depth.ge(2).sum(1);
        return reached.eq(reached[0]).all().item<bool>() ? reached[0].item<int64_t>()
                                                         : int64_t(-1);
    };
    QCOMPARE(keptAtRecursion2(), int64_t(4)); // no step set: the configured capacity
    const std::vector<std::pair<int64_t, double>> steps{
        {0, 0.981646}, {4, 0.625}, {6, 0.404580}, {9, 0.25}, {50, 0.25}};
    for (const auto& [step, capacity] : steps) {
        m->setTrainingStep(step);
        QVERIFY(std::abs(m->trainingCapacity(1) - capacity) < 1e-6);
        QCOMPARE(m->trainingCapacity(0), 1.0);
        QCOMPARE(keptAtRecursion2(), int64_t(std::lround(capacity * 16)));
    }
    // Evaluation mode, or no warm-up configured: the capacity itself.
    m->setTrainingStep(4);
    m->eval();
    QCOMPARE(m->trainingCapacity(1), 0.25);
    QCOMPARE(keptAtRecursion2(), int64_t(4));
    c.capacityWarmupSteps = 0;
    auto plain = makeModel(c, 20, 16);
    plain->train();
    plain->setTrainingStep(4);
    QCOMPARE(plain->trainingCapacity(1), 0.25);
    // A hold of H = 5 steps: capacity 1 (all 16 tokens) at steps 0-4, then the same cosine
    // counted from step 5 (step 5 + 4 = 9 is the cosine's step 4: 0.625); hold alone: c after H.
    c.capacityWarmupSteps = 10;
    c.capacityHoldSteps = 5;
    auto held = makeModel(c, 20, 16);
    held->train();
    const std::vector<std::pair<int64_t, double>> heldSteps{
        {0, 1.0}, {4, 1.0}, {5, 0.981646}, {9, 0.625}, {11, 0.404580}, {14, 0.25}};
    for (const auto& [step, capacity] : heldSteps) {
        held->setTrainingStep(step);
        QVERIFY(std::abs(held->trainingCapacity(1) - capacity) < 1e-6);
    }
    held->setTrainingStep(2);
    auto reached = held->forward(tokens, true).depth.ge(2).sum(1);
    QVERIFY(reached.eq(16).all().item<bool>());
    c.capacityWarmupSteps = 0;
    auto holdOnly = makeModel(c, 20, 16);
    holdOnly->train();
    holdOnly->setTrainingStep(4);
    QCOMPARE(holdOnly->trainingCapacity(1), 1.0);
    holdOnly->setTrainingStep(5);
    QCOMPARE(holdOnly->trainingCapacity(1), 0.25);
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
    c.routing = mor::RecursionRouting::Vanilla;
    RecursionModel vanilla(c, 100, 128);
    const double ratio =
        static_cast<double>(engine::countParameters(*mor)) /
        static_cast<double>(engine::countParameters(*vanilla));
    qInfo("MoR %lld vs vanilla %lld parameters (%.2f)", (long long)engine::countParameters(*mor),
          (long long)engine::countParameters(*vanilla), ratio);
    QVERIFY(ratio < 0.6);
}

void TstRecursionModel::embeddingStdDrawsTheEmbeddings() {
    // model.recursion.embedding_std > 0 draws the token and position embeddings N(0, std) (the
    // official code's initializer_range 0.02); 0 keeps LibTorch's N(0, 1). 100 x 64 and 128 x 64
    // draws: the sample std is within 5% of the target.
    auto c = smallConfig("expert_choice", 2);
    c.dModel = 64;
    for (const double std : {0.0, 0.02, 0.5}) {
        c.embeddingStd = std;
        RecursionModel m(c, 100, 128);
        const auto params = m->named_parameters();
        for (const char* name : {"tok.weight", "pos.weight"}) {
            const double got = params[name].std().item<double>();
            const double want = std > 0.0 ? std : 1.0;
            QVERIFY2(std::abs(got / want - 1.0) < 0.05,
                     qPrintable(QString("%1 std %2, want %3").arg(name).arg(got).arg(want)));
        }
    }
    mor::ExperimentConfig config;
    config.model.family = mor::Family::Recursion;
    config.data.kind = mor::DataKind::Addition;
    config.model.recursion.embeddingStd = -0.1;
    const auto errors = mor::validateConfig(config);
    bool named = false;
    for (const auto& e : errors) {
        named = named || (e.field == "model.recursion.embedding_std" &&
                          e.message.find("must be between 0 and 10") != std::string::npos);
    }
    QVERIFY2(named, errors.empty() ? "no error" : errors.front().message.c_str());
}

void TstRecursionModel::topKPassCountsRoutingAgreement() {
    // Every routed decision of the top-k pass (an active token at a recursion with capacity
    // below 1) is counted, and compared with the threshold rule on the same score.
    auto c = smallConfig("expert_choice", 3); // linear: 1, 2/3, 1/3 -> k = 11, 5 of 16
    auto m = makeModel(c, 20, 16);
    torch::NoGradGuard noGrad;
    auto tokens = randomTokens(2, 16, 20, 4);
    auto pass = m->forward(tokens, true);
    // recursion 2 sees all 16 tokens of each row, recursion 3 the 11 kept
    QCOMPARE(pass.routedDecisions, int64_t(2 * (16 + 11)));
    QVERIFY(pass.agreeingDecisions >= 0 && pass.agreeingDecisions <= pass.routedDecisions);
    // With a threshold of 0 every active token goes on: the threshold agrees exactly where
    // top-k selected.
    c.threshold = 1e-9;
    auto open = makeModel(c, 20, 16);
    auto all = open->forward(tokens, true);
    QCOMPARE(all.agreeingDecisions, int64_t(2 * (11 + 5)));
    auto causal = m->forward(tokens, false);
    QCOMPARE(causal.routedDecisions, int64_t(0)); // inference routing has nothing to compare
}

QTEST_GUILESS_MAIN(TstRecursionModel)
#include "tst_recursion_model.moc"
