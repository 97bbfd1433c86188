// SPDX-License-Identifier: GPL-3.0-or-later
// The host-array decoder step (core/src/seq/host_decoder.*, issue 20): RecursionDecoder::step
// on plain float arrays must give what its ATen reference path gives, token by token, for
// every routing: the same depth, the same logits within 1e-5 of their largest magnitude (float
// rounding: other summation orders in the products, LayerNorm and softmax), the same cached
// entries; a weight written in place between steps is seen (a new snapshot); the reference
// guard really switches paths; and generation gives the same tokens on both paths.
#include "model/fused_gemm.h"
#include "seq/depthwise_batching.h"
#include "seq/host_batched_decoder.h"
#include "seq/host_step.h"
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"
#include "seq/sequence_probes.h"

#include "host_fixtures.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

using namespace mor;
using namespace mor::seq;

namespace host_decoder_test {

double g_worst = 0.0; ///< the worst |host - reference| / max |logit| measured

/// Host and reference decoders side by side over `tokens`, a reset after `resetAt` tokens;
/// returns the distinct depths seen.
std::set<int> compareOver(RecursionModel& model, const std::vector<int64_t>& tokens,
                          size_t resetAt, const std::function<void(size_t)>& between = {}) {
    RecursionDecoder host(model);
    RecursionDecoder reference(model);
    std::set<int> depths;
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (between) {
            between(i);
        }
        if (i == resetAt) {
            host.reset();
            reference.reset();
            if (host.length() != 0 || host.cachedEntries() != 0) {
                QTest::qFail("reset did not empty the host decoder", __FILE__, __LINE__);
            }
        }
        int hostDepth = -1, referenceDepth = -2;
        const auto a = host.step(tokens[i], &hostDepth);
        torch::Tensor b;
        {
            DecoderReferenceGuard guard;
            b = reference.step(tokens[i], &referenceDepth);
        }
        const std::string where = "token " + std::to_string(i);
        if (!host.lastStepOnHost() || reference.lastStepOnHost() || !host.hostLogits() ||
            reference.hostLogits()) {
            QTest::qFail(("paths not as chosen at " + where).c_str(), __FILE__, __LINE__);
            return {};
        }
        if (hostDepth != referenceDepth) {
            QTest::qFail(("depth " + std::to_string(hostDepth) + " vs " +
                          std::to_string(referenceDepth) + " at " + where)
                             .c_str(),
                         __FILE__, __LINE__);
            return {};
        }
        const double error = relativeError(a, b);
        g_worst = std::max(g_worst, error);
        if (!(error <= kTolerance) || a.sizes() != b.sizes()) {
            QTest::qFail(("logits differ by " + std::to_string(error) + " at " + where).c_str(),
                         __FILE__, __LINE__);
            return {};
        }
        if (host.length() != reference.length() ||
            host.cachedEntries() != reference.cachedEntries()) {
            QTest::qFail(("length or cached entries differ at " + where).c_str(), __FILE__,
                         __LINE__);
            return {};
        }
        depths.insert(hostDepth);
    }
    return depths;
}

} // namespace host_decoder_test

class TstHostDecoder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void hostStepMatchesTheReference_data();
    void hostStepMatchesTheReference();
    void everyProductKernelMatchesTheReference_data();
    void everyProductKernelMatchesTheReference();
    void aWeightWrittenBetweenStepsIsSeen();
    void theGuardSwitchesPathsMidSequence();
    void hostSamplerDrawsAsTheTensorSampler();
    void generationIsTheSameOnBothPaths_data();
    void generationIsTheSameOnBothPaths();
    void kvSharingStoresOnlyTheFirstRecursionsCache();
    void cleanupTestCase();
};

void TstHostDecoder::hostStepMatchesTheReference_data() {
    QTest::addColumn<int>("fixture"); // host_fixtures.h: hostFixtures()
    const auto& fixtures = host_decoder_test::hostFixtures();
    for (size_t i = 0; i < fixtures.size(); ++i) {
        QTest::newRow(fixtures[i].name) << int(i);
    }
}

void TstHostDecoder::hostStepMatchesTheReference() {
    QFETCH(int, fixture);
    const auto& f = host_decoder_test::hostFixtures()[size_t(fixture)];
    const int64_t vocab = 20, maxLen = 24;
    auto model = host_decoder_test::fixtureModel(f, vocab, maxLen);
    QVERIFY(HostBatchedDecoder::create(model, 1) != nullptr);
    // A full context (maxLen tokens), a reset, then 24 more: 48 steps.
    const auto tokens = host_decoder_test::tokenList(2 * maxLen, vocab, 17);
    const auto depths =
        host_decoder_test::compareOver(model, tokens, static_cast<size_t>(maxLen));
    if (QTest::currentTestFailed()) {
        return;
    }
    QVERIFY(!depths.empty());
    if (f.routed) {
        QVERIFY2(depths.size() > 1, "every token took the same depth: routing not exercised");
    } else {
        QVERIFY(depths == std::set<int>{3});
    }
    if (f.depthCap > 0) {
        QVERIFY(*depths.rbegin() <= f.depthCap);
    }
}

void TstHostDecoder::everyProductKernelMatchesTheReference_data() {
    host_decoder_test::addKernelRows();
}

void TstHostDecoder::everyProductKernelMatchesTheReference() {
    // The products run on the packed kernel of the snapshot's thread, or on plain loops where
    // there is none (setPackedGemmIsa(None); a kernel this CPU lacks also gives None).
    QFETCH(QString, routing);
    QFETCH(int, isa);
    const auto kernel = static_cast<model::fused::GemmIsa>(isa);
    if (!model::fused::gemmIsaAvailable(kernel)) {
        QSKIP("this CPU has not that kernel");
    }
    auto c = host_decoder_test::hostConfig(routing.toStdString(), "middle_cycle", true);
    const int64_t vocab = 37, maxLen = 20; // outputs not a multiple of a panel
    torch::manual_seed(14);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    model::fused::setPackedGemmIsa(kernel);
    QCOMPARE(int(model::fused::packedGemmIsa()), isa);
    const auto depths = host_decoder_test::compareOver(
        model, host_decoder_test::tokenList(2 * maxLen, vocab, 29), static_cast<size_t>(maxLen));
    model::fused::resetPackedGemmIsa();
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(depths.size() > 1);
}

void TstHostDecoder::aWeightWrittenBetweenStepsIsSeen() {
    auto c = host_decoder_test::hostConfig("token_choice", "middle_cycle", false);
    const int64_t vocab = 20, maxLen = 24;
    torch::manual_seed(8);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    auto parameters = model->named_parameters();
    auto headBias = parameters["head.bias"];
    auto qkv = parameters["block0_layer1.qkv.weight"];
    auto first = parameters["first_layer.ff1.weight"];
    const auto tokens = host_decoder_test::tokenList(44, vocab, 21);
    int writes = 0;
    // Between steps: the head's bias, a shared layer's qkv, the edge layer, then the pruned
    // depth cap (a buffer), then no cap again; and the same after the reset.
    const auto depths = host_decoder_test::compareOver(
        model, tokens, 22, [&](size_t i) {
            torch::NoGradGuard noGrad;
            switch (i % 11) {
            case 3: headBias.add_(0.5); break;
            case 5: qkv.mul_(1.25); break;
            case 6: first.mul_(0.8); break;
            case 8: model->setTokenDepthCap(1); break;
            case 10: model->setTokenDepthCap(0); break;
            default: return;
            }
            ++writes;
        });
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(writes, 20);
    QVERIFY(depths.count(1) == 1 && depths.size() > 1);
    // Without a new snapshot the host step would still use the old weights: a decoder made
    // before a write differs from the reference after it.
    RecursionDecoder before(model);
    before.step(tokens[0], nullptr);
    RecursionDecoder reference(model);
    {
        torch::NoGradGuard noGrad;
        headBias.add_(1.0);
    }
    const auto seen = before.step(tokens[1], nullptr);
    torch::Tensor expected;
    {
        DecoderReferenceGuard guard;
        reference.step(tokens[0], nullptr);
        expected = reference.step(tokens[1], nullptr);
    }
    QVERIFY(before.lastStepOnHost());
    QVERIFY(host_decoder_test::relativeError(seen, expected) <= host_decoder_test::kTolerance);
}

void TstHostDecoder::theGuardSwitchesPathsMidSequence() {
    auto c = host_decoder_test::hostConfig("expert_choice", "cycle", true);
    const int64_t vocab = 20, maxLen = 24;
    torch::manual_seed(9);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    const auto tokens = host_decoder_test::tokenList(maxLen, vocab, 23);
    RecursionDecoder reference(model);
    RecursionDecoder mixed(model);
    QVERIFY(!decoderReferenceForced());
    for (size_t i = 0; i < tokens.size(); ++i) {
        torch::Tensor expected;
        int expectedDepth = -1, depth = -2;
        {
            DecoderReferenceGuard guard;
            QVERIFY(decoderReferenceForced());
            expected = reference.step(tokens[i], &expectedDepth);
        }
        // Steps 8-15 under the guard: the reference path is fed the host path's tokens again
        // (and then the host path the reference's), so the sequence goes on unchanged.
        const bool forced = i >= 8 && i < 16;
        torch::Tensor got;
        if (forced) {
            DecoderReferenceGuard guard;
            got = mixed.step(tokens[i], &depth);
        } else {
            got = mixed.step(tokens[i], &depth);
        }
        QCOMPARE(mixed.lastStepOnHost(), !forced);
        QCOMPARE(mixed.hostLogits() != nullptr, !forced);
        QCOMPARE(depth, expectedDepth);
        QVERIFY(host_decoder_test::relativeError(got, expected) <= host_decoder_test::kTolerance);
        QCOMPARE(mixed.cachedEntries(), reference.cachedEntries());
        QCOMPARE(mixed.length(), int64_t(i + 1));
    }
    QVERIFY(!decoderReferenceForced());
    // A full cache is an error on both paths.
    QVERIFY_THROWS_EXCEPTION(std::exception, mixed.step(tokens[0], nullptr));
    {
        DecoderReferenceGuard guard;
        QVERIFY_THROWS_EXCEPTION(std::exception, reference.step(tokens[0], nullptr));
    }
    // A training model, or one in float64, takes the reference path.
    RecursionDecoder training(model);
    model->train();
    training.step(tokens[0], nullptr);
    QVERIFY(!training.lastStepOnHost());
    model->eval();
    QVERIFY(HostBatchedDecoder::create(model, 1) != nullptr);
    model->to(torch::kDouble);
    QVERIFY(HostBatchedDecoder::create(model, 1) == nullptr);
    RecursionDecoder wide(model);
    wide.step(tokens[0], nullptr);
    QVERIFY(!wide.lastStepOnHost());
}

void TstHostDecoder::hostSamplerDrawsAsTheTensorSampler() {
    // The same rule and the same draws from the same generator state: 3 temperatures x 2000
    // draws over random logits (ties included for the argmax).
    torch::manual_seed(31);
    const int64_t V = 57;
    for (const double temperature : {0.0, 0.8, 1.3}) {
        std::mt19937_64 a(9), b(9);
        for (int draw = 0; draw < 2000; ++draw) {
            auto logits = torch::randn({V}) * 3.0;
            if (draw % 10 == 0) {
                logits[5] = logits.max().item<float>(); // a tie: the first maximum wins
            }
            const auto host = sampleToken(logits.data_ptr<float>(), V, temperature, a);
            QCOMPARE(host, sampleToken(logits, temperature, b));
        }
        QCOMPARE(a(), b()); // the same number of draws taken
    }
}

void TstHostDecoder::generationIsTheSameOnBothPaths_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<double>("temperature");
    QTest::newRow("expert_choice, sampled") << "expert_choice" << 0.8;
    QTest::newRow("expert_choice, greedy") << "expert_choice" << 0.0;
    QTest::newRow("token_choice, sampled") << "token_choice" << 0.8;
    QTest::newRow("vanilla, greedy") << "vanilla" << 0.0;
}

void TstHostDecoder::generationIsTheSameOnBothPaths() {
    QFETCH(QString, routing);
    QFETCH(double, temperature);
    const int64_t vocab = 20, maxLen = 24;
    LoadedSequenceRun run;
    run.config.data.kind = DataKind::Text;
    run.config.model.family = Family::Recursion;
    run.config.model.recursion =
        host_decoder_test::hostConfig(routing.toStdString(), "cycle", false);
    run.vocab.push_back("?");
    run.vocab.push_back("\n");
    for (int64_t i = 2; i < vocab; ++i) {
        run.vocab.push_back(std::string(1, char('a' + i - 2)));
    }
    torch::manual_seed(12);
    run.model = RecursionModel(run.config.model.recursion, vocab, maxLen);
    host_decoder_test::briefTraining(run.model, vocab, maxLen, 30);
    GenerateOptions options;
    options.prompt = "abc";
    options.tokens = 70; // past the 24-token context: rebuilt twice on the way
    options.temperature = temperature;
    options.seed = 6;
    const auto onHost = generateTokens(run, options);
    QVERIFY2(onHost, onHost ? "" : onHost.error().c_str());
    Result<GenerateResult> reference = Error{"not run"};
    {
        DecoderReferenceGuard guard;
        reference = generateTokens(run, options);
    }
    QVERIFY2(reference, reference ? "" : reference.error().c_str());
    QCOMPARE(onHost->tokens.size(), reference->tokens.size());
    QCOMPARE(onHost->generated, int64_t(70));
    std::set<std::string> distinct;
    for (size_t i = 0; i < onHost->tokens.size(); ++i) {
        const std::string where = "token " + std::to_string(i);
        QVERIFY2(onHost->tokens[i].text == reference->tokens[i].text, where.c_str());
        QVERIFY2(onHost->tokens[i].depth == reference->tokens[i].depth, where.c_str());
        distinct.insert(onHost->tokens[i].text);
    }
    QCOMPARE(onHost->meanDepth, reference->meanDepth);
    QVERIFY(distinct.size() > 1);
}

void TstHostDecoder::kvSharingStoresOnlyTheFirstRecursionsCache() {
    // Recursions after the first read recursion 0's keys and values under KV sharing, so only
    // its caches hold maxLen x d floats each; without sharing every recursion's do. The
    // fixtures' outputs with sharing are checked against the reference above.
    using namespace host_decoder_test;
    for (const HostFixture& f : hostFixtures()) {
        RecursionModel model = fixtureModel(f, 12, 16);
        const auto weights = host_step::snapshotOf(*model);
        QVERIFY2(weights, f.name);
        host_step::SequenceCache cache;
        cache.reset(*weights);
        const size_t full = size_t(16 * model->config().dModel);
        QCOMPARE(cache.blocks.size(), size_t(model->recursions()));
        for (size_t r = 0; r < cache.blocks.size(); ++r) {
            const bool own = r == 0 || !f.kvSharing;
            for (const host_step::Cache& c : cache.blocks[r]) {
                QVERIFY2(c.k.size() == (own ? full : 0) && c.v.size() == c.k.size(), f.name);
            }
        }
    }
}

void TstHostDecoder::cleanupTestCase() {
    qInfo("worst |host - reference| / max |logit|: %.3g (tolerance %.0e)",
          host_decoder_test::g_worst, host_decoder_test::kTolerance);
}

QTEST_GUILESS_MAIN(TstHostDecoder)
#include "tst_host_decoder.moc"
