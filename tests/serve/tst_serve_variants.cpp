// `mor serve` beyond one reflection run, in-process on loopback: a recursion run answers
// POST /v1/generate with each token's recursion depth (equal to Run::generate); A/B
// serving splits 90:10 exactly without a key and keeps a sticky key on one variant, counts
// per-variant requests and accuracy on labelled inputs in /v1/metrics; shadow mode returns
// only A's answers while B's are compared; the per-client rate limit answers 429; --audit-log
// writes one JSON line per request (input hash, variant, answer; the raw input if asked).
#include "serve_fixture.h"

#include "serve/inference_server.h"
#include "serve/rate_limiter.h"
#include "serve/variant_router.h"

#include "mor/predictor.h"
#include "mor/run.h"
#include "mor/sequence.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include "mor/run_audit.h"

#include <cmath>
#include <fstream>
#include <set>
#include <thread>

using mor::serve::InferenceServer;
using mor::serve::ServedVariant;
using mor::serve::ServeOptions;

namespace {

/// A server on a free loopback port, listening on its own thread until destroyed.
class Running {
public:
    Running(std::vector<ServedVariant> variants, ServeOptions options) {
        options.port = 0;
        server = std::make_unique<InferenceServer>(std::move(variants), options);
        std::string error;
        port = server->bind(&error);
        if (port > 0) {
            thread = std::thread([this] { server->listen(); });
        }
    }
    ~Running() {
        server->stop();
        if (thread.joinable()) {
            thread.join();
        }
    }
    httplib::Result post(const std::string& path, const std::string& body,
                         const httplib::Headers& headers = {}) {
        httplib::Client c("127.0.0.1", port);
        return c.Post(path.c_str(), headers, body, "application/json");
    }
    httplib::Result get(const std::string& path) {
        httplib::Client c("127.0.0.1", port);
        return c.Get(path.c_str());
    }
    /// The value of one sample line of /v1/metrics, e.g. `name{variant="A",run="1"}`.
    double metric(const std::string& sample) {
        const std::string text = get("/v1/metrics")->body;
        const auto at = text.find("\n" + sample + " ");
        return at == std::string::npos ? -1.0 : std::stod(text.substr(at + sample.size() + 2));
    }

    std::unique_ptr<InferenceServer> server;
    std::thread thread;
    int port = -1;
};

} // namespace

class TstServeVariants : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void eachFamilyIsServedFromItsBestCheckpoint_data();
    void eachFamilyIsServedFromItsBestCheckpoint();
    void generateReturnsTokensWithTheirDepth();
    void generateRefusesBadRequests_data();
    void generateRefusesBadRequests();
    void predictOnARecursionRunSaysWhatToUse();
    void splitNinetyTenIsExactWithoutAKey();
    void stickyKeyKeepsAClientOnOneVariant();
    void variantMetricsCountRequestsAndAccuracy();
    void shadowModeReturnsOnlyAsAnswers();
    void rateLimitAnswers429PerClient();
    void splitTextIsChecked();
    void auditLogHashesInputsAndKeepsRawOnlyWhenAsked();

private:
    QTemporaryDir m_dir;
    serve_test::Fixture m_flat, m_seq;
    std::unique_ptr<mor::Predictor> m_a, m_b;
    std::unique_ptr<mor::SequenceGenerator> m_gen;
};

void TstServeVariants::initTestCase() {
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    QVERIFY(m_dir.isValid());
    m_flat = serve_test::makeFixture(m_dir.path().toStdString());
    QVERIFY2(m_flat.error.empty(), m_flat.error.c_str());
    m_seq = serve_test::makeSequenceFixture(m_dir.path().toStdString());
    QVERIFY2(m_seq.error.empty(), m_seq.error.c_str());
    std::string error;
    mor::PredictorOptions po;
    po.threads = 1;
    auto a = mor::Predictor::open(m_flat.logPath, m_flat.runId, po);
    QVERIFY2(a, a.error().c_str());
    m_a = std::move(a).value();
    auto b = mor::Predictor::open(m_flat.logPath, m_flat.runId, po);
    QVERIFY2(b, b.error().c_str());
    m_b = std::move(b).value();
    auto gen = mor::SequenceGenerator::open(m_seq.logPath, m_seq.runId, po);
    QVERIFY2(gen, gen.error().c_str());
    m_gen = std::move(gen).value();
    const auto wrong = mor::Predictor::open(m_seq.logPath, m_seq.runId, po);
    QVERIFY(!wrong);
    QVERIFY2(wrong.error().find("not a Mixture-of-Reflection") != std::string::npos,
             wrong.error().c_str());
}

void TstServeVariants::eachFamilyIsServedFromItsBestCheckpoint_data() {
    QTest::addColumn<QString>("family");
    QTest::newRow("reflection") << "reflection";
    QTest::newRow("recursion") << "recursion";
}

// Issue 16: every family is served, also from best.pt (the engine's one checkpoint rule).
void TstServeVariants::eachFamilyIsServedFromItsBestCheckpoint() {
    QFETCH(QString, family);
    const bool recursion = family == "recursion";
    const serve_test::Fixture& f = recursion ? m_seq : m_flat;
    mor::PredictorOptions best;
    best.checkpoint = "best";
    best.threads = 1;
    std::unique_ptr<mor::Predictor> predictor;
    std::unique_ptr<mor::SequenceGenerator> generator;
    if (recursion) {
        auto opened = mor::SequenceGenerator::open(f.logPath, f.runId, best);
        QVERIFY2(opened, opened.error().c_str());
        generator = std::move(opened).value();
    } else {
        auto opened = mor::Predictor::open(f.logPath, f.runId, best);
        QVERIFY2(opened, opened.error().c_str());
        predictor = std::move(opened).value();
    }
    Running s({{"A", f.runId, predictor.get(), generator.get()}}, ServeOptions());
    QVERIFY(s.port > 0);
    const auto health = nlohmann::json::parse(s.get("/v1/health")->body);
    QCOMPARE(QString::fromStdString(health["family"].get<std::string>()), family);
    if (recursion) {
        auto r = s.post("/v1/generate", R"({"prompt": "12+34=", "max_tokens": 3})");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto j = nlohmann::json::parse(r->body);
        QCOMPARE(j["tokens"].size(), size_t(3));
        for (const auto& t : j["tokens"]) {
            QVERIFY2(t["depth"].get<int>() >= 1, t.dump().c_str());
        }
        QCOMPARE(s.metric("mor_generated_tokens_total"), 3.0);
    } else {
        const auto row = serve_test::rawRow(f, 0);
        auto r = s.post("/v1/predict", nlohmann::json{{"input", row}}.dump());
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto j = nlohmann::json::parse(r->body);
        // The served answer is the best checkpoint's own answer for this row.
        mor::PredictInput in;
        in.features = row;
        std::string error;
        const auto direct = predictor->predict({in}, &error);
        QVERIFY2(direct.size() == 1, error.c_str());
        QCOMPARE(j["predictions"][0]["answer"].get<int64_t>(), direct.front().answer);
    }
}

void TstServeVariants::generateReturnsTokensWithTheirDepth() {
    Running s({{"A", m_seq.runId, nullptr, m_gen.get()}}, ServeOptions());
    QVERIFY(s.port > 0);
    auto r = s.post("/v1/generate", R"({"prompt": "12+34=", "max_tokens": 5})");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const auto j = nlohmann::json::parse(r->body);
    QCOMPARE(j["tokens"].size(), size_t(5));
    QCOMPARE(j["prompt_tokens"].size(), size_t(6));
    QCOMPARE(j["max_recursions"].get<int>(), 3);
    std::string text;
    for (const auto& t : j["tokens"]) {
        const int depth = t["depth"].get<int>();
        QVERIFY2(depth >= 1 && depth <= 3, t.dump().c_str());
        text += t["text"].get<std::string>();
    }
    QCOMPARE(j["text"].get<std::string>(), text);
    // Greedy (the default): the same tokens and depths as the library call.
    mor::GenerateOptions o;
    o.prompt = "12+34=";
    o.tokens = 5;
    o.temperature = 0.0;
    const auto expected = mor::Run::open(m_seq.logPath, m_seq.runId).andThen(
        [&](const mor::Run& run) { return run.generate(o); });
    QVERIFY2(expected, expected.error().c_str());
    for (size_t i = 0; i < 5; ++i) {
        const auto& want = expected->tokens[6 + i];
        QCOMPARE(j["tokens"][i]["text"].get<std::string>(), want.text);
        QCOMPARE(j["tokens"][i]["depth"].get<int>(), want.depth);
    }
    const auto health = nlohmann::json::parse(s.get("/v1/health")->body);
    QCOMPARE(health["family"].get<std::string>(), std::string("recursion"));
    QCOMPARE(health["model"]["max_recursions"].get<int>(), 3);
    QCOMPARE(s.metric("mor_generated_tokens_total"), 5.0);
    QCOMPARE(s.metric("mor_token_depth_count"), 5.0);
}

void TstServeVariants::generateRefusesBadRequests_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << "{nope" << "not valid JSON";
    QTest::newRow("no prompt") << R"({"max_tokens": 3})" << "missing field";
    QTest::newRow("prompt number") << R"({"prompt": 5})" << "not a string";
    QTest::newRow("too many tokens") << R"({"prompt": "1", "max_tokens": 5000})"
                                     << "must be in [0, 64]";
    QTest::newRow("number overflow") << R"({"prompt": "1", "max_tokens": 1e999})"
                                     << "cannot be read";
    QTest::newRow("negative temperature") << R"({"prompt": "1", "temperature": -1})"
                                          << "temperature";
}

void TstServeVariants::generateRefusesBadRequests() {
    QFETCH(QString, body);
    QFETCH(QString, message);
    ServeOptions o;
    o.maxTokens = 64;
    Running s({{"A", m_seq.runId, nullptr, m_gen.get()}}, o);
    auto r = s.post("/v1/generate", body.toStdString());
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY2(r->body.find(message.toStdString()) != std::string::npos, r->body.c_str());
}

void TstServeVariants::predictOnARecursionRunSaysWhatToUse() {
    Running s({{"A", m_seq.runId, nullptr, m_gen.get()}}, ServeOptions());
    auto r = s.post("/v1/predict", R"({"inputs": [[1, 2]]})");
    QVERIFY(r);
    QCOMPARE(r->status, 404);
    QVERIFY2(r->body.find("use POST /v1/generate") != std::string::npos, r->body.c_str());
}

void TstServeVariants::splitNinetyTenIsExactWithoutAKey() {
    mor::serve::VariantRouter router({90, 10});
    int b = 0;
    for (int i = 0; i < 1000; ++i) {
        b += router.pick() == 1;
    }
    QCOMPARE(b, 100);
    // Any prefix stays within one request of the split.
    mor::serve::VariantRouter again({90, 10});
    int bPrefix = 0;
    for (int i = 1; i <= 37; ++i) {
        bPrefix += again.pick() == 1;
    }
    QVERIFY(std::abs(bPrefix - 3.7) <= 1.0);
}

void TstServeVariants::stickyKeyKeepsAClientOnOneVariant() {
    mor::serve::VariantRouter router({50, 50});
    int toB = 0;
    for (int k = 0; k < 400; ++k) {
        const std::string key = "client-" + std::to_string(k);
        const size_t v = router.pickForKey(key);
        QCOMPARE(router.pickForKey(key), v);
        toB += int(v);
    }
    QVERIFY2(toB > 150 && toB < 250, qPrintable(QString::number(toB))); // keys spread
}

void TstServeVariants::variantMetricsCountRequestsAndAccuracy() {
    ServeOptions o;
    o.split = {90, 10};
    o.stickyHeader = "X-Client";
    o.maxWaitMs = 0;
    Running s({{"A", m_flat.runId, m_a.get(), nullptr}, {"B", m_flat.runId, m_b.get(), nullptr}},
              o);
    QVERIFY(s.port > 0);
    int toB = 0, right = 0;
    for (int i = 0; i < 20; ++i) {
        const int64_t label = m_flat.dataset.labels[size_t(i)];
        const nlohmann::json body{{"input", serve_test::rawRow(m_flat, i)}, {"label", label}};
        auto r = s.post("/v1/predict", body.dump());
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const auto j = nlohmann::json::parse(r->body);
        toB += j["variant"] == "B";
        QCOMPARE(r->get_header_value("X-Mor-Variant"), j["variant"].get<std::string>());
        right += j["predictions"][0]["answer"].get<int64_t>() == label;
    }
    QCOMPARE(toB, 2);
    // A sticky client always lands on one variant.
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
        auto r = s.post("/v1/predict",
                        nlohmann::json{{"input", serve_test::rawRow(m_flat, 0)}}.dump(),
                        {{"X-Client", "alice"}});
        seen.insert(nlohmann::json::parse(r->body)["variant"].get<std::string>());
    }
    QCOMPARE(seen.size(), size_t(1));
    const std::string a = "{variant=\"A\",run=\"" + std::to_string(m_flat.runId) + "\"}";
    const std::string b = "{variant=\"B\",run=\"" + std::to_string(m_flat.runId) + "\"}";
    const bool aliceOnA = *seen.begin() == "A";
    QCOMPARE(s.metric("mor_variant_requests_total" + a), 18.0 + (aliceOnA ? 5 : 0));
    QCOMPARE(s.metric("mor_variant_requests_total" + b), 2.0 + (aliceOnA ? 0 : 5));
    QCOMPARE(s.metric("mor_variant_labelled_total" + a) + s.metric("mor_variant_labelled_total" + b),
             20.0);
    QCOMPARE(s.metric("mor_variant_correct_total" + a) + s.metric("mor_variant_correct_total" + b),
             double(right));
    QCOMPARE(s.metric("mor_variant_request_duration_seconds_count" + a),
             18.0 + (aliceOnA ? 5 : 0));
    const auto stats = s.server->variantStats();
    QCOMPARE(stats.size(), size_t(2));
    QCOMPARE(stats[1].labelled, uint64_t(2));
}

void TstServeVariants::shadowModeReturnsOnlyAsAnswers() {
    ServeOptions o;
    o.split = {100, 0};
    o.shadow = true;
    o.maxWaitMs = 0;
    Running s({{"A", m_flat.runId, m_a.get(), nullptr}, {"B", m_flat.runId, m_b.get(), nullptr}},
              o);
    for (int i = 0; i < 10; ++i) {
        auto r = s.post("/v1/predict",
                        nlohmann::json{{"inputs", nlohmann::json::array({nlohmann::json(serve_test::rawRow(m_flat, i))})}}.dump());
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(nlohmann::json::parse(r->body)["variant"].get<std::string>(), std::string("A"));
    }
    const std::string b = "{variant=\"B\",run=\"" + std::to_string(m_flat.runId) + "\"}";
    // B's comparisons run off the request threads: wait for the last one.
    for (int i = 0; i < 100 && s.metric("mor_variant_shadow_inputs_total" + b) < 10; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    QCOMPARE(s.metric("mor_variant_requests_total" + b), 0.0);
    QCOMPARE(s.metric("mor_variant_shadow_inputs_total" + b), 10.0);
    // Same weights on both sides: every shadow answer agrees.
    QCOMPARE(s.metric("mor_variant_shadow_agreeing_total" + b), 10.0);
}

void TstServeVariants::rateLimitAnswers429PerClient() {
    mor::serve::RateLimiter limiter(2.0, 3);
    const auto t0 = std::chrono::steady_clock::now();
    double retry = 0.0;
    for (int i = 0; i < 3; ++i) {
        QVERIFY(limiter.allowAt("10.0.0.1", t0, &retry));
    }
    QVERIFY(!limiter.allowAt("10.0.0.1", t0, &retry));
    QCOMPARE(retry, 0.5);
    QVERIFY(limiter.allowAt("10.0.0.2", t0, &retry)); // another client has its own bucket
    QVERIFY(limiter.allowAt("10.0.0.1", t0 + std::chrono::milliseconds(500), &retry));

    ServeOptions o;
    o.rateLimit = 1.0;
    o.rateBurst = 2;
    Running s({{"A", m_flat.runId, m_a.get(), nullptr}}, o);
    std::vector<int> codes;
    for (int i = 0; i < 4; ++i) {
        codes.push_back(s.get("/v1/health")->status);
    }
    QCOMPARE(codes[0], 200);
    QCOMPARE(codes[1], 200);
    QCOMPARE(codes[3], 429);
}

void TstServeVariants::splitTextIsChecked() {
    std::vector<int64_t> shares;
    std::string error;
    QVERIFY(mor::serve::VariantRouter::parseSplit("90:10", 2, &shares, &error));
    QCOMPARE(shares, (std::vector<int64_t>{90, 10}));
    QVERIFY(!mor::serve::VariantRouter::parseSplit("90:10", 3, &shares, &error));
    QVERIFY(!mor::serve::VariantRouter::parseSplit("90:x", 2, &shares, &error));
    QVERIFY(!mor::serve::VariantRouter::parseSplit("0:0", 2, &shares, &error));
}

// --audit-log: one JSON line per request with the SHA-256 of the body, the variant and the
// answer; a refused request is logged with its status; the raw body only with --audit-raw.
void TstServeVariants::auditLogHashesInputsAndKeepsRawOnlyWhenAsked() {
    for (const bool raw : {false, true}) {
        const std::string path =
            m_dir.filePath(raw ? "audit_raw.jsonl" : "audit.jsonl").toStdString();
        ServeOptions o;
        o.maxWaitMs = 0;
        o.auditLog = path;
        o.auditRaw = raw;
        const std::string body =
            nlohmann::json{{"inputs", nlohmann::json::array(
                                          {nlohmann::json(serve_test::rawRow(m_flat, 0)),
                                           nlohmann::json(serve_test::rawRow(m_flat, 1))})}}
                .dump();
        std::vector<int64_t> answers;
        {
            Running s({{"A", m_flat.runId, m_a.get(), nullptr}}, o);
            QVERIFY(s.port > 0);
            auto r = s.post("/v1/predict", body);
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            const nlohmann::json reply = nlohmann::json::parse(r->body);
            for (const auto& p : reply["predictions"]) {
                answers.push_back(p["answer"].get<int64_t>());
            }
            auto bad = s.post("/v1/predict", R"({"inputs": "no"})");
            QVERIFY(bad);
            QCOMPARE(bad->status, 400);
        }
        std::ifstream in(path);
        std::vector<nlohmann::json> lines;
        for (std::string line; std::getline(in, line);) {
            lines.push_back(nlohmann::json::parse(line));
        }
        QCOMPARE(lines.size(), size_t(2));
        const nlohmann::json& ok = lines[0];
        QCOMPARE(ok["input_sha256"].get<std::string>(), mor::sha256Hex(body));
        QCOMPARE(ok["variant"].get<std::string>(), std::string("A"));
        QCOMPARE(ok["run"].get<int64_t>(), m_flat.runId);
        QCOMPARE(ok["status"].get<int>(), 200);
        QCOMPARE(ok["answer"].get<std::vector<int64_t>>(), answers);
        QCOMPARE(answers.size(), size_t(2));
        QCOMPARE(ok["time"].get<std::string>().size(), size_t(24)); // 2026-12-02T11:04:45.123Z
        QCOMPARE(lines[1]["status"].get<int>(), 400);
        QVERIFY(lines[1]["answer"].is_null());
        QCOMPARE(ok.contains("input"), raw);
        if (raw) {
            QCOMPARE(ok["input"].get<std::string>(), body);
        }
    }
    ServeOptions o;
    o.auditLog = m_dir.filePath("no_such_dir/audit.jsonl").toStdString();
    InferenceServer server({{"A", m_flat.runId, m_a.get(), nullptr}}, o);
    std::string error;
    QCOMPARE(server.bind(&error), -1);
    QVERIFY2(error.find("audit log") != std::string::npos, error.c_str());
}

QTEST_GUILESS_MAIN(TstServeVariants)
#include "tst_serve_variants.moc"
