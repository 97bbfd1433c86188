// SPDX-License-Identifier: GPL-3.0-or-later
// Mixture-of-Depths (model.recursion.routing "mixture_of_depths", Raposo et al. 2024): per block
// a router picks the tokens that go through it and the rest skip it unchanged; inference routes
// causally (per-token threshold), so no token depends on a later one; the KV-cached decoder and
// the trace agree with the full pass.
#include "engine/model_family.h"
#include "mor/router_scores.h"
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"
#include "seq/sequence_eval.h"

#include <QtTest>

using namespace mor;
using namespace mor::seq;

namespace {

RecursionConfig depthConfig(int64_t every, double capacity)
{
    RecursionConfig c;
    c.routing = mor::RecursionRouting::MixtureOfDepths;
    c.recursions = 4;
    c.dModel = 32;
    c.heads = 4;
    c.ffn = 64;
    c.depthEvery = every;
    c.depthCapacity = capacity;
    return c;
}

RecursionModel modModel(const RecursionConfig& c, uint64_t seed = 1)
{
    torch::manual_seed(seed);
    RecursionModel m(c, 11, 24);
    m->eval();
    return m;
}

torch::Tensor tokenIds(int64_t B, int64_t T, uint64_t seed)
{
    torch::manual_seed(seed);
    return torch::randint(11, {B, T}, torch::kLong);
}

} // namespace

class TstMixtureOfDepths : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void blocksAreDistinctWithOneRouterPerRoutedBlock_data();
    void blocksAreDistinctWithOneRouterPerRoutedBlock();
    void unselectedTokensSkipTheBlockUnchanged_data();
    void unselectedTokensSkipTheBlockUnchanged();
    void trainingTakesExactlyTopCPerSequence();
    void futureTokensDoNotChangeEarlierOutputsOrRouting();
    void decoderMatchesTheFullPass();
    void traceListsTheSkippedBlocks();
    void trainingLowersTheLoss();
    void validationNamesTheDepthFields();
};

void TstMixtureOfDepths::blocksAreDistinctWithOneRouterPerRoutedBlock_data()
{
    QTest::addColumn<int>("every");
    QTest::addColumn<int>("routers");
    QTest::newRow("every block") << 1 << 4;
    QTest::newRow("interleaved") << 2 << 2;
}

void TstMixtureOfDepths::blocksAreDistinctWithOneRouterPerRoutedBlock()
{
    QFETCH(int, every);
    QFETCH(int, routers);
    auto mod = modModel(depthConfig(every, 0.5));
    auto vanillaConfig = depthConfig(every, 0.5);
    vanillaConfig.routing = mor::RecursionRouting::Vanilla;
    auto vanilla = modModel(vanillaConfig);
    QVERIFY(!mod->shared());
    // Same distinct blocks as the dense baseline, plus a Linear(d, 1) per routed block.
    QCOMPARE(engine::countParameters(*mod) - engine::countParameters(*vanilla),
             int64_t(routers) * (32 + 1));
    for (int64_t r = 0; r < 4; ++r) {
        QCOMPARE(mod->depthRouted(r), (r + 1) % every == 0);
        // The rule `mor trace` and the views read (mor/router_scores.h) is the model's.
        QCOMPARE(mor::depthBlockHasRouter(every, r), mod->depthRouted(r));
    }
    QVERIFY(mor::depthBlockHasRouter(0, 0) && !mor::depthBlockHasRouter(2, -1));
}

void TstMixtureOfDepths::unselectedTokensSkipTheBlockUnchanged_data()
{
    QTest::addColumn<bool>("training");
    QTest::newRow("training (top-C)") << true;
    QTest::newRow("inference (threshold)") << false;
}

void TstMixtureOfDepths::unselectedTokensSkipTheBlockUnchanged()
{
    QFETCH(bool, training);
    auto m = modModel(depthConfig(1, 0.5), 2);
    torch::NoGradGuard noGrad;
    const auto ids = tokenIds(3, 16, 3);
    const auto pass = m->forward(ids, training, /*trace=*/true);
    QCOMPARE(int(pass.blockSelected.size()), 4);
    auto before = m->embed(ids, torch::arange(16).unsqueeze(0).expand({3, 16}));
    int64_t skipped = 0, processed = 0;
    for (size_t r = 0; r < 4; ++r) {
        const auto after = pass.blockStates[r];
        const auto sel = pass.blockSelected[r];
        const auto changed = after.sub(before).abs().amax(-1).gt(0.0);
        // Exactly the unselected tokens keep their state bit for bit; every selected one moves.
        QVERIFY(changed.eq(sel).all().item<bool>());
        skipped += sel.logical_not().sum().item<int64_t>();
        processed += sel.sum().item<int64_t>();
        before = after;
    }
    QVERIFY2(skipped > 0 && processed > 0, "the fixture routes some tokens each way");
    // depth = blocks used
    auto used = torch::zeros({3, 16}, torch::kLong);
    for (const auto& sel : pass.blockSelected) {
        used += sel.to(torch::kLong);
    }
    QVERIFY(used.eq(pass.depth).all().item<bool>());
}

void TstMixtureOfDepths::trainingTakesExactlyTopCPerSequence()
{
    auto m = modModel(depthConfig(2, 0.25), 4);
    m->train();
    const auto pass = m->forward(tokenIds(2, 16, 5), true, true);
    for (size_t r = 0; r < 4; ++r) {
        const auto perSequence = pass.blockSelected[r].sum(1);
        const int64_t expected = (r + 1) % 2 == 0 ? 4 : 16; // C = 0.25 * 16 on routed blocks
        QVERIFY(perSequence.eq(expected).all().item<bool>());
    }
    QVERIFY(pass.terms.count("router_bce") == 1);
    QVERIFY(pass.auxLoss.requires_grad());
}

void TstMixtureOfDepths::futureTokensDoNotChangeEarlierOutputsOrRouting()
{
    auto m = modModel(depthConfig(1, 0.5), 6);
    torch::NoGradGuard noGrad;
    const auto a = tokenIds(2, 20, 7);
    {
        const auto pa = m->forward(a, false, true);
        const auto used = pa.depth.narrow(1, 0, 19);
        QVERIFY2(used.lt(4).any().item<bool>() && used.gt(0).any().item<bool>(),
                 "the fixture skips some blocks for some early tokens");
    }
    for (const int64_t cut : {5, 11, 19}) {
        auto b = a.clone();
        b.narrow(1, cut, 20 - cut).copy_((a.narrow(1, cut, 20 - cut) + 3).remainder(11));
        const auto pa = m->forward(a, false, true);
        const auto pb = m->forward(b, false, true);
        // The routing is exactly the same; the values only up to float noise (the gathered
        // batch of selected tokens has another padded length when later tokens change).
        QVERIFY(torch::allclose(pa.logits.narrow(1, 0, cut), pb.logits.narrow(1, 0, cut), 1e-5,
                                1e-5));
        QVERIFY(torch::equal(pa.depth.narrow(1, 0, cut), pb.depth.narrow(1, 0, cut)));
        for (size_t r = 0; r < 4; ++r) {
            QVERIFY(torch::equal(pa.blockSelected[r].narrow(1, 0, cut),
                                 pb.blockSelected[r].narrow(1, 0, cut)));
            QVERIFY(torch::allclose(pa.routerScores[r].narrow(1, 0, cut),
                                    pb.routerScores[r].narrow(1, 0, cut), 1e-5, 1e-5));
        }
        QVERIFY(!torch::allclose(pa.logits.narrow(1, cut, 20 - cut),
                                 pb.logits.narrow(1, cut, 20 - cut), 1e-3, 1e-3));
    }
}

void TstMixtureOfDepths::decoderMatchesTheFullPass()
{
    auto m = modModel(depthConfig(1, 0.5), 8);
    torch::NoGradGuard noGrad;
    const auto ids = tokenIds(1, 14, 9);
    const auto full = m->forward(ids, false);
    RecursionDecoder decoder(m);
    for (int64_t t = 0; t < 14; ++t) {
        int depth = 0;
        const auto logits = decoder.step(ids[0][t].item<int64_t>(), &depth);
        QVERIFY2(torch::allclose(logits, full.logits[0][t], 1e-4, 1e-5),
                 qPrintable(QString("token %1").arg(t)));
        QCOMPARE(int64_t(depth), full.depth[0][t].item<int64_t>());
    }
}

void TstMixtureOfDepths::traceListsTheSkippedBlocks()
{
    auto m = modModel(depthConfig(2, 0.5), 10);
    const auto ids = tokenIds(2, 12, 11);
    std::vector<int64_t> inputs(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + 24);
    std::vector<std::string> vocab;
    for (int i = 0; i < 11; ++i) {
        vocab.push_back(std::string(1, char('a' + i)));
    }
    const auto traces = traceSequences(m, inputs, {}, {}, 2, 12, vocab, {}, 0);
    torch::NoGradGuard noGrad;
    const auto pass = m->forward(ids, false, true);
    QCOMPARE(int(traces.size()), 2);
    int skipped = 0;
    for (int64_t s = 0; s < 2; ++s) {
        QCOMPARE(traces[size_t(s)].routing, std::string("mixture_of_depths"));
        for (int64_t t = 0; t < 12; ++t) {
            const auto& step = traces[size_t(s)].tokens[size_t(t)];
            std::vector<int> expected;
            for (int r = 0; r < 4; ++r) {
                if (!pass.blockSelected[size_t(r)][s][t].item<bool>()) {
                    expected.push_back(r);
                }
            }
            QCOMPARE(step.skippedBlocks, expected);
            QCOMPARE(step.depth, 4 - int(expected.size()));
            // The head's prediction after every block, the skipped ones included.
            QCOMPARE(step.recursionPreds.size(), size_t(4));
            for (int r = 0; r < 4; ++r) {
                QCOMPARE(step.recursionPreds[size_t(r)],
                         pass.recursionLogits[size_t(r)][s][t].argmax().item<int64_t>());
            }
            for (const int r : step.skippedBlocks) {
                QVERIFY(r % 2 == 1); // only the routed blocks (2nd, 4th) can be skipped
            }
            skipped += int(expected.size());
        }
    }
    QVERIFY(skipped > 0);
}

void TstMixtureOfDepths::trainingLowersTheLoss()
{
    auto m = modModel(depthConfig(1, 0.5), 12);
    m->train();
    torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(3e-3));
    // Predict the previous token: learnable through attention by the processed tokens.
    const auto ids = tokenIds(8, 16, 13);
    const auto target = torch::roll(ids, 1, 1);
    double first = 0.0, last = 0.0;
    for (int step = 0; step < 60; ++step) {
        opt.zero_grad();
        const auto pass = m->forward(ids, true);
        const auto loss = torch::nn::functional::cross_entropy(pass.logits.reshape({-1, 11}),
                                                               target.reshape({-1}));
        (loss + pass.auxLoss).backward();
        opt.step();
        first = step == 0 ? loss.item<double>() : first;
        last = loss.item<double>();
    }
    QVERIFY2(last < first - 0.3, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
}

void TstMixtureOfDepths::validationNamesTheDepthFields()
{
    const auto parsed = parseConfig(R"({"data":{"kind":"addition"},"model":{"family":"recursion",
        "recursion":{"routing":"mixture_of_depths","depth_capacity":1.5,"depth_every":0,
        "kv_sharing":true}}})");
    QVERIFY(!parsed.ok()); // parsing validates as well
    std::map<std::string, std::string> byField;
    for (const auto& e : parsed.errors) {
        byField[e.field] = e.message;
    }
    QVERIFY(byField["model.recursion.depth_capacity"].find("at most 1") != std::string::npos);
    QVERIFY(byField["model.recursion.depth_every"].find("between 1 and 16") != std::string::npos);
    QVERIFY(byField["model.recursion.kv_sharing"].find("mixture_of_depths") != std::string::npos);
    const auto ok = parseConfig(R"({"data":{"kind":"addition"},"model":{"family":"recursion",
        "recursion":{"routing":"mixture_of_depths","depth_capacity":0.25,"depth_every":2}}})");
    QVERIFY2(ok.ok(), ok.message().c_str());
}

QTEST_APPLESS_MAIN(TstMixtureOfDepths)
#include "tst_mixture_of_depths.moc"
