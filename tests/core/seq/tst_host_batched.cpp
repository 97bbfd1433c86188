// SPDX-License-Identifier: GPL-3.0-or-later
// Depth-wise batching on host arrays (core/src/seq/host_batched_decoder.*, host_rows.*,
// issue 20): BatchedRecursionDecoder's host step runs every weight product once for the rows
// that continue to a recursion. For every routing fixture of tst_host_decoder
// (host_fixtures.h) and batches of 1, 3 and 8, over a full context, a reset and 24 more
// steps, every row must take the depths and give the logits (within 1e-5 of their largest
// magnitude) of (a) the one-sequence host decoder fed that sequence alone and (b) the ATen
// batched decoder (the reference path, under a DecoderReferenceGuard); the guard switches
// paths mid-sequence; and generateBatched samples the same tokens on both paths.
#include "model/fused_gemm.h"
#include "mor/batched_generation.h"
#include "mor/run.h"
#include "mor/trainer.h"
#include "seq/depthwise_batching.h"
#include "seq/host_batched_decoder.h"
#include "seq/recursion_decoder.h"
#include "seq/recursion_model.h"

#include "host_fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <functional>
#include <set>

using namespace mor;
using namespace mor::seq;

namespace host_batched_test {

double g_worstAlone = 0.0;     ///< worst |batched host - one-sequence host| / max |logit|
double g_worstReference = 0.0; ///< worst |batched host - ATen batched| / max |logit|

/// |a - b| / max |b| over n floats.
double relativeError(const float* a, const float* b, int64_t n) {
    double scale = 1e-30, error = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        scale = std::max(scale, static_cast<double>(std::abs(b[i])));
        error = std::max(error, static_cast<double>(std::abs(a[i] - b[i])));
    }
    return error / scale;
}

/// The batched decoder (host path), the ATen batched decoder (guard) and one host decoder per
/// row side by side over tokens [B][steps] (row-major), all reset after `resetAt` steps;
/// `between(t)` runs before step t. Returns the steps where the rows took different depths.
int64_t compareRows(RecursionModel& model, int64_t B, const std::vector<int64_t>& tokens,
                    int64_t steps, int64_t resetAt,
                    const std::function<void(int64_t)>& between = {}) {
    BatchedRecursionDecoder host(model, B);
    BatchedRecursionDecoder reference(model, B);
    std::vector<std::unique_ptr<HostBatchedDecoder>> alone; // one row each
    for (int64_t b = 0; b < B; ++b) {
        alone.push_back(HostBatchedDecoder::create(model, 1));
        if (!alone.back()) {
            QTest::qFail("no host decoder for this model", __FILE__, __LINE__);
            return -1;
        }
    }
    const int64_t V = model->vocab();
    int64_t mixed = 0;
    for (int64_t t = 0; t < steps; ++t) {
        if (between) {
            between(t);
        }
        if (t == resetAt) {
            host.reset();
            reference.reset();
            for (auto& one : alone) {
                one->reset();
            }
        }
        std::vector<int64_t> column;
        for (int64_t b = 0; b < B; ++b) {
            column.push_back(tokens[static_cast<size_t>(b * steps + t)]);
        }
        std::vector<int> depths, referenceDepths;
        torch::Tensor unused;
        const float* got = host.stepLogits(column.data(), &depths, &unused);
        torch::Tensor expected;
        {
            DecoderReferenceGuard guard;
            expected = reference.step(torch::tensor(column, torch::kLong), &referenceDepths)
                           .contiguous();
        }
        const std::string step = "step " + std::to_string(t);
        if (!got || !host.lastStepOnHost() || reference.lastStepOnHost() ||
            expected.size(0) != B || expected.size(1) != V || host.length() != t % resetAt + 1) {
            QTest::qFail(("paths or shapes not as chosen at " + step).c_str(), __FILE__,
                         __LINE__);
            return -1;
        }
        if (alone.front()->stale()) { // a weight written: the one-sequence decoders see it too
            for (auto& one : alone) {
                one->snapshot();
            }
        }
        std::set<int> distinct;
        for (int64_t b = 0; b < B; ++b) {
            const std::string where = "row " + std::to_string(b) + ", " + step;
            int depth = -1;
            const float* single = alone[size_t(b)]->step(&column[size_t(b)], &depth);
            if (depths[size_t(b)] != depth || referenceDepths[size_t(b)] != depth) {
                QTest::qFail(("depths " + std::to_string(depths[size_t(b)]) + " / " +
                              std::to_string(depth) + " (alone) / " +
                              std::to_string(referenceDepths[size_t(b)]) + " (ATen) at " + where)
                                 .c_str(),
                             __FILE__, __LINE__);
                return -1;
            }
            const float* row = got + b * V;
            const double e1 = relativeError(row, single, V);
            const double e2 = relativeError(row, expected.data_ptr<float>() + b * V, V);
            g_worstAlone = std::max(g_worstAlone, e1);
            g_worstReference = std::max(g_worstReference, e2);
            if (!(e1 <= host_decoder_test::kTolerance) ||
                !(e2 <= host_decoder_test::kTolerance)) {
                QTest::qFail(("logits differ by " + std::to_string(e1) + " (alone), " +
                              std::to_string(e2) + " (ATen) at " + where)
                                 .c_str(),
                             __FILE__, __LINE__);
                return -1;
            }
            distinct.insert(depth);
        }
        mixed += distinct.size() > 1 ? 1 : 0;
    }
    return mixed;
}

/// A trained recursion run of `routing` in a morlog under dir (the addition task, as
/// tst_depthwise_batching): its run id, or -1.
int64_t trainedRun(const std::string& log, const std::string& routing) {
    auto parsed = parseConfig(R"({
        "name": "host batched generation",
        "data": {"kind": "addition", "digits": 3, "samples": 300, "probe_size": 2},
        "model": {"family": "recursion",
                  "recursion": {"recursions": 3, "d_model": 32, "heads": 4, "ffn": 64,
                                "embedding_std": 0}},
        "train": {"epochs": 1, "batch_size": 32, "threads": 1}})");
    if (!parsed.ok() || !mor::parseChoice(routing, mor::recursionRoutingNames(),
                                          &parsed.config.model.recursion.routing)) {
        return -1;
    }
    RunOptions runOptions;
    runOptions.logPath = log;
    const RunOutcome trained = trainExperiment(parsed.config, runOptions, nullptr);
    return trained.status == "finished" ? trained.runId : -1;
}

} // namespace host_batched_test

class TstHostBatched : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void everyRowMatchesOneSequenceAndTheReference_data();
    void everyRowMatchesOneSequenceAndTheReference();
    void everyProductKernelMatches_data();
    void everyProductKernelMatches();
    void aWeightWrittenBetweenStepsIsSeen();
    void theGuardSwitchesPathsMidSequence();
    void generationIsTheSameOnBothPaths_data();
    void generationIsTheSameOnBothPaths();
    void cleanupTestCase();
};

void TstHostBatched::everyRowMatchesOneSequenceAndTheReference_data() {
    QTest::addColumn<int>("fixture"); // host_fixtures.h: hostFixtures()
    QTest::addColumn<int>("batch");
    const auto& fixtures = host_decoder_test::hostFixtures();
    for (size_t i = 0; i < fixtures.size(); ++i) {
        for (const int batch : {1, 3, 8}) {
            const std::string name =
                std::string(fixtures[i].name) + ", batch " + std::to_string(batch);
            QTest::newRow(name.c_str()) << int(i) << batch;
        }
    }
}

void TstHostBatched::everyRowMatchesOneSequenceAndTheReference() {
    QFETCH(int, fixture);
    QFETCH(int, batch);
    const auto& f = host_decoder_test::hostFixtures()[size_t(fixture)];
    const int64_t vocab = 20, maxLen = 24, steps = 2 * maxLen;
    auto model = host_decoder_test::fixtureModel(f, vocab, maxLen);
    // Every row its own tokens: a full context (maxLen), a reset, 24 more (48 steps).
    const auto tokens = host_decoder_test::tokenList(batch * steps, vocab, 17 + batch);
    const int64_t mixed = host_batched_test::compareRows(model, batch, tokens, steps, maxLen);
    if (QTest::currentTestFailed()) {
        return;
    }
    // A routed model must have run partial batches (rows of different depths in one step).
    if (f.routed && batch > 1) {
        QVERIFY2(mixed >= 3, std::to_string(mixed).c_str());
    } else {
        QCOMPARE(mixed, int64_t(0));
    }
}

void TstHostBatched::everyProductKernelMatches_data() {
    host_decoder_test::addKernelRows();
}

void TstHostBatched::everyProductKernelMatches() {
    // 13 rows: more than one block of either kernel's rows (8 or 6) and a partial one; 20
    // positions: a block of 16 scores and a rest.
    QFETCH(QString, routing);
    QFETCH(int, isa);
    const auto kernel = static_cast<model::fused::GemmIsa>(isa);
    if (!model::fused::gemmIsaAvailable(kernel)) {
        QSKIP("this CPU has not that kernel");
    }
    auto c = host_decoder_test::hostConfig(routing.toStdString(), "middle_cycle", true);
    c.heads = 2; // 16 dimensions a head: the attention's output blocks (8: its plain loops)
    const int64_t vocab = 37, maxLen = 20, B = 13; // outputs not a multiple of a panel
    torch::manual_seed(14);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    model::fused::setPackedGemmIsa(kernel);
    QCOMPARE(int(model::fused::packedGemmIsa()), isa);
    const auto tokens = host_decoder_test::tokenList(B * 2 * maxLen, vocab, 29);
    const int64_t mixed = host_batched_test::compareRows(model, B, tokens, 2 * maxLen, maxLen);
    model::fused::resetPackedGemmIsa();
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(mixed > 0);
}

void TstHostBatched::aWeightWrittenBetweenStepsIsSeen() {
    const int64_t vocab = 20, maxLen = 24, B = 4;
    auto c = host_decoder_test::hostConfig("token_choice", "middle_cycle", false);
    torch::manual_seed(8);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    auto parameters = model->named_parameters();
    auto headBias = parameters["head.bias"];
    auto qkv = parameters["block0_layer1.qkv.weight"];
    int writes = 0;
    const auto tokens = host_decoder_test::tokenList(B * 44, vocab, 21);
    const int64_t mixed = host_batched_test::compareRows(model, B, tokens, 44, 22, [&](int64_t t) {
        torch::NoGradGuard noGrad;
        switch (t % 11) {
        case 3: headBias.add_(0.5); break;
        case 5: qkv.mul_(1.25); break;
        case 8: model->setTokenDepthCap(1); break;
        case 10: model->setTokenDepthCap(0); break;
        default: return;
        }
        ++writes;
    });
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(writes, 16);
    QVERIFY(mixed > 0);
}

void TstHostBatched::theGuardSwitchesPathsMidSequence() {
    auto c = host_decoder_test::hostConfig("expert_choice", "middle_cycle", true);
    const int64_t vocab = 20, maxLen = 24, B = 5;
    torch::manual_seed(9);
    RecursionModel model(c, vocab, maxLen);
    model->eval();
    const auto tokens = torch::randint(vocab, {B, maxLen}, torch::kLong);
    BatchedRecursionDecoder reference(model, B);
    BatchedRecursionDecoder mixed(model, B);
    for (int64_t t = 0; t < maxLen; ++t) {
        torch::Tensor expected, got;
        std::vector<int> expectedDepths, depths;
        {
            DecoderReferenceGuard guard;
            expected = reference.step(tokens.select(1, t), &expectedDepths);
        }
        // Steps 8-15 under the guard: each path is fed the other's columns first.
        const bool forced = t >= 8 && t < 16;
        if (forced) {
            DecoderReferenceGuard guard;
            got = mixed.step(tokens.select(1, t), &depths);
        } else {
            got = mixed.step(tokens.select(1, t), &depths);
        }
        QCOMPARE(mixed.lastStepOnHost(), !forced);
        QVERIFY(depths == expectedDepths);
        QVERIFY(host_decoder_test::relativeError(got, expected) <= host_decoder_test::kTolerance);
        QCOMPARE(mixed.length(), t + 1);
    }
    // A full cache is an error on both paths; a training model takes the reference path.
    QVERIFY_THROWS_EXCEPTION(std::exception, mixed.step(tokens.select(1, 0), nullptr));
    BatchedRecursionDecoder training(model, B);
    model->train();
    training.step(tokens.select(1, 0), nullptr);
    QVERIFY(!training.lastStepOnHost());
    model->eval();
    QVERIFY(HostBatchedDecoder::create(model, B) != nullptr);
    model->to(torch::kDouble);
    QVERIFY(HostBatchedDecoder::create(model, B) == nullptr);
}

void TstHostBatched::generationIsTheSameOnBothPaths_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<double>("temperature");
    QTest::addColumn<int>("batch");
    QTest::newRow("expert_choice, sampled, 8") << "expert_choice" << 0.8 << 8;
    QTest::newRow("expert_choice, greedy, 3") << "expert_choice" << 0.0 << 3;
    QTest::newRow("token_choice, sampled, 3") << "token_choice" << 0.8 << 3;
    QTest::newRow("mixture_of_depths, greedy, 8") << "mixture_of_depths" << 0.0 << 8;
    QTest::newRow("vanilla, sampled, 8") << "vanilla" << 0.8 << 8;
}

void TstHostBatched::generationIsTheSameOnBothPaths() {
    // 30 tokens per sequence, past the 11-token context (rebuilt on the way). The lengths
    // and fixtures are chosen so no draw falls within float rounding of a boundary of the
    // cumulative probabilities (a long sampled run can meet one: ~1 in several thousand).
    QFETCH(QString, routing);
    QFETCH(double, temperature);
    QFETCH(int, batch);
    QTemporaryDir dir;
    const std::string log = dir.filePath("host_batch.morlog").toStdString();
    const int64_t runId = host_batched_test::trainedRun(log, routing.toStdString());
    QVERIFY(runId >= 0);
    GenerateOptions options;
    options.prompt = "12+3";
    options.tokens = 30;
    options.temperature = temperature;
    options.seed = 4;
    const auto onHost = generateBatched(log, runId, options, batch);
    QVERIFY2(onHost, onHost ? "" : onHost.error().c_str());
    Result<BatchedGenerateResult> reference = Error{"not run"};
    {
        DecoderReferenceGuard guard;
        reference = generateBatched(log, runId, options, batch);
    }
    QVERIFY2(reference, reference ? "" : reference.error().c_str());
    QCOMPARE(onHost->sequences.size(), size_t(batch));
    QCOMPARE(reference->sequences.size(), size_t(batch));
    QCOMPARE(onHost->generated, int64_t(batch) * 30);
    std::set<std::string> distinct;
    for (int b = 0; b < batch; ++b) {
        const auto& got = onHost->sequences[size_t(b)];
        const auto& expected = reference->sequences[size_t(b)];
        QCOMPARE(got.tokens.size(), expected.tokens.size());
        std::string text;
        for (size_t i = 0; i < got.tokens.size(); ++i) {
            const std::string where = "sequence " + std::to_string(b) + ", token " +
                                      std::to_string(i);
            QVERIFY2(got.tokens[i].text == expected.tokens[i].text, where.c_str());
            QVERIFY2(got.tokens[i].depth == expected.tokens[i].depth, where.c_str());
            text += got.tokens[i].text;
        }
        QCOMPARE(got.meanDepth, expected.meanDepth);
        distinct.insert(text);
    }
    // Sampled rows (seeds 4, 5, ...) differ from one another; greedy ones are all the same.
    QCOMPARE(distinct.size() > 1, temperature > 0.0);
}

void TstHostBatched::cleanupTestCase() {
    qInfo("worst |batched host - one-sequence host| / max |logit|: %.3g; |batched host - ATen "
          "batched| / max |logit|: %.3g (tolerance %.0e)",
          host_batched_test::g_worstAlone, host_batched_test::g_worstReference,
          host_decoder_test::kTolerance);
}

QTEST_GUILESS_MAIN(TstHostBatched)
#include "tst_host_batched.moc"
