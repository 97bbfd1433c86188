// SPDX-License-Identifier: GPL-3.0-or-later
// Depth-wise batched generation (core/src/seq/depthwise_batching.*, mor/batched_generation.h):
// several sequences decoded together, each recursion run only on the rows that continue to
// it, must give every row what the one-sequence decoder gives that sequence alone: the same
// depths, the same logits (to float rounding) and, through generateBatched, the same text.
#include "mor/batched_generation.h"
#include "mor/run.h"
#include "mor/trainer.h"
#include "seq/depthwise_batching.h"
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace mor;
using namespace mor::seq;

namespace depthwise_batching_test {

RecursionConfig batchConfig(const std::string& routing, const std::string& sharing,
                            bool kvSharing) {
    RecursionConfig c;
    mor::parseChoice(routing, mor::recursionRoutingNames(), &c.routing);
    mor::parseChoice(sharing, mor::recursionSharingNames(), &c.sharing);
    c.kvSharing = kvSharing;
    c.recursions = 3;
    c.dModel = 32;
    c.heads = 4;
    c.ffn = 64;
    c.layersPerBlock = 2;
    c.embeddingStd = 0.0; // N(0, 1) embeddings: untrained routers see varied inputs
    return c;
}

} // namespace depthwise_batching_test

class TstDepthwiseBatching : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void everyRowMatchesTheOneSequenceDecoder_data();
    void everyRowMatchesTheOneSequenceDecoder();
    void batchedGenerationEqualsOneSeedAtATime_data();
    void batchedGenerationEqualsOneSeedAtATime();
    void aBatchOfZeroIsAnError();
};

void TstDepthwiseBatching::everyRowMatchesTheOneSequenceDecoder_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<QString>("sharing");
    QTest::addColumn<bool>("kvSharing");
    QTest::addColumn<bool>("routed"); // the rows' depths differ at some step
    QTest::newRow("expert_choice") << "expert_choice" << "cycle" << false << true;
    QTest::newRow("expert_choice, kv sharing") << "expert_choice" << "cycle" << true << true;
    QTest::newRow("expert_choice, middle_cycle") << "expert_choice" << "middle_cycle" << false
                                                 << true;
    QTest::newRow("token_choice") << "token_choice" << "cycle" << false << true;
    QTest::newRow("token_choice, middle_cycle, kv sharing")
        << "token_choice" << "middle_cycle" << true << true;
    QTest::newRow("mixture_of_depths") << "mixture_of_depths" << "cycle" << false << true;
    QTest::newRow("fixed") << "fixed" << "cycle" << false << false;
    QTest::newRow("vanilla") << "vanilla" << "cycle" << false << false;
}

void TstDepthwiseBatching::everyRowMatchesTheOneSequenceDecoder() {
    QFETCH(QString, routing);
    QFETCH(QString, sharing);
    QFETCH(bool, kvSharing);
    QFETCH(bool, routed);
    const auto c = depthwise_batching_test::batchConfig(routing.toStdString(),
                                                        sharing.toStdString(), kvSharing);
    const int64_t vocab = 20, maxLen = 24, B = 5;
    torch::manual_seed(3);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    torch::NoGradGuard noGrad;
    const auto tokens = torch::randint(vocab, {B, maxLen}, torch::kLong);
    BatchedRecursionDecoder batched(model, B);
    std::vector<RecursionDecoder> alone;
    for (int64_t b = 0; b < B; ++b) {
        alone.emplace_back(model);
    }
    int64_t mixedSteps = 0; // steps where the rows took different depths
    for (int64_t t = 0; t < maxLen; ++t) {
        std::vector<int> depths;
        const auto logits = batched.step(tokens.select(1, t), &depths);
        QVERIFY(logits.size(0) == B && logits.size(1) == vocab);
        QCOMPARE(int64_t(depths.size()), B);
        std::set<int> distinct;
        for (int64_t b = 0; b < B; ++b) {
            int depth = -1;
            const auto one = alone[size_t(b)].step(tokens[b][t].item<int64_t>(), &depth);
            const std::string where =
                "row " + std::to_string(b) + ", position " + std::to_string(t);
            QVERIFY2(depths[size_t(b)] == depth, where.c_str());
            QVERIFY2(torch::allclose(logits[b], one, 1e-5, 1e-5), where.c_str());
            distinct.insert(depth);
        }
        mixedSteps += distinct.size() > 1 ? 1 : 0;
    }
    QCOMPARE(batched.length(), maxLen);
    // A routed model must have exercised the partial batches (rows leaving early).
    if (routed) {
        QVERIFY2(mixedSteps >= 5, std::to_string(mixedSteps).c_str());
    } else {
        QCOMPARE(mixedSteps, int64_t(0));
    }
    // After reset the batch starts again at position 0 and gives the first step's logits.
    batched.reset();
    QCOMPARE(batched.length(), int64_t(0));
    RecursionDecoder fresh(model);
    const auto again = batched.step(tokens.select(1, 0), nullptr);
    QVERIFY(torch::allclose(again[0], fresh.step(tokens[0][0].item<int64_t>(), nullptr), 1e-5,
                            1e-5));
}

void TstDepthwiseBatching::batchedGenerationEqualsOneSeedAtATime_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<bool>("useCache");
    QTest::addColumn<double>("temperature");
    QTest::newRow("expert_choice, cache, sampled") << "expert_choice" << true << 0.8;
    QTest::newRow("expert_choice, no cache, sampled") << "expert_choice" << false << 0.8;
    QTest::newRow("token_choice, cache, greedy") << "token_choice" << true << 0.0;
}

void TstDepthwiseBatching::batchedGenerationEqualsOneSeedAtATime() {
    QFETCH(QString, routing);
    QFETCH(bool, useCache);
    QFETCH(double, temperature);
    QTemporaryDir dir;
    const std::string log = dir.filePath("batch.morlog").toStdString();
    auto parsed = parseConfig(R"({
        "name": "batched addition",
        "data": {"kind": "addition", "digits": 3, "samples": 300, "probe_size": 2},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 32, "heads": 4, "ffn": 64,
                                "embedding_std": 0}},
        "train": {"epochs": 1, "batch_size": 32, "threads": 1}})");
    QVERIFY2(parsed.ok(), parsed.message().c_str());
    mor::parseChoice(routing.toStdString(), mor::recursionRoutingNames(),
                     &parsed.config.model.recursion.routing);
    RunOptions runOptions;
    runOptions.logPath = log;
    const RunOutcome trained = trainExperiment(parsed.config, runOptions, nullptr);
    QVERIFY2(trained.status == "finished", trained.error.c_str());

    GenerateOptions options;
    options.prompt = "12+3";
    options.tokens = 25; // past the 11-token context: the windows are rebuilt on the way
    options.temperature = temperature;
    options.seed = 4;
    options.useCache = useCache;
    const int64_t batch = 3;
    const auto together = generateBatched(log, trained.runId, options, batch);
    QVERIFY2(together, together.error().c_str());
    QCOMPARE(int64_t(together->sequences.size()), batch);
    QCOMPARE(together->generated, batch * 25);
    QCOMPARE(together->maxRecursions, 3);
    QVERIFY(together->tokensPerSecond > 0.0);
    const auto run = Run::open(log, trained.runId);
    QVERIFY2(run, run.error().c_str());
    double depthSum = 0.0;
    for (int64_t b = 0; b < batch; ++b) {
        GenerateOptions one = options;
        one.seed = options.seed + b;
        const auto alone = run->generate(one);
        QVERIFY2(alone, alone.error().c_str());
        const auto& row = together->sequences[size_t(b)];
        QCOMPARE(row.tokens.size(), alone->tokens.size());
        for (size_t i = 0; i < row.tokens.size(); ++i) {
            const std::string where = "sequence " + std::to_string(b) + ", token " +
                                      std::to_string(i);
            QVERIFY2(row.tokens[i].text == alone->tokens[i].text, where.c_str());
            QVERIFY2(row.tokens[i].depth == alone->tokens[i].depth, where.c_str());
            QCOMPARE(row.tokens[i].prompt, alone->tokens[i].prompt);
        }
        QCOMPARE(row.meanDepth, alone->meanDepth);
        depthSum += row.meanDepth;
    }
    QVERIFY(std::abs(together->meanDepth - depthSum / double(batch)) < 1e-12);
}

void TstDepthwiseBatching::aBatchOfZeroIsAnError() {
    const auto none = generateBatched("/nonexistent/x.morlog", 1, GenerateOptions{}, 0);
    QVERIFY(!none);
    QVERIFY(QString::fromStdString(none.error()).contains("at least one sequence"));
    const auto missing = generateBatched("/nonexistent/x.morlog", 1, GenerateOptions{}, 2);
    QVERIFY(!missing);
}

QTEST_GUILESS_MAIN(TstDepthwiseBatching)
#include "tst_depthwise_batching.moc"
