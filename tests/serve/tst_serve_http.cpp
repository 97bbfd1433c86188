// The HTTP API of `mor serve` on loopback: answers equal Run::trace's, errors are JSON
// with a status a client can act on, the token is enforced, /v1/metrics is valid Prometheus
// text that counts what happened, and concurrent requests share forward passes.
#include "serve_fixture.h"

#include "serve/inference_server.h"

#include "mor/predictor.h"
#include "mor/run.h"
#include "mor/trainer.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

namespace {
const char* kToken = "s3cret-token";

/// Sample lines of a Prometheus text exposition, "name{labels}" -> value; empty `error`
/// when every line is a comment, a blank or a well-formed sample.
std::map<std::string, double> parsePrometheus(const std::string& text, std::string* error) {
    static const std::regex sample(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})?) ([-+0-9.eE]+|\+Inf|NaN)$)");
    static const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
    std::map<std::string, double> values;
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (line.empty() || std::regex_match(line, comment)) {
            continue;
        }
        if (!std::regex_match(line, m, sample)) {
            *error = "line " + std::to_string(n) + " is not Prometheus text: " + line;
            return {};
        }
        values[m[1].str()] = std::stod(m[4].str());
    }
    return values;
}
} // namespace

class TstServeHttp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthDescribesTheModel();
    void predictionsMatchTraceCheckpoint();
    void traceIsReturnedWhenAsked();
    void badRequestsGet400WithAMessage_data();
    void badRequestsGet400WithAMessage();
    void missingOrWrongTokenGets401();
    void unknownPathGets404();
    void wrongMethodGets405();
    void oversizeBodyGets413();
    void concurrentRequestsShareForwardPasses();
    void metricsAreValidPrometheusAndCountRequests();

private:
    httplib::Result post(const std::string& body, const std::string& token = kToken);
    httplib::Result get(const std::string& path, const std::string& token = kToken);
    nlohmann::json inputsJson(const std::vector<int64_t>& ids) const;

    QTemporaryDir m_dir;
    serve_test::Fixture m_fixture;
    std::unique_ptr<mor::Predictor> m_predictor;
    std::unique_ptr<mor::serve::InferenceServer> m_server;
    std::thread m_listener;
    int m_port = 0;
    int m_predictOk = 0, m_predict400 = 0, m_unauthorized = 0;
};

void TstServeHttp::initTestCase() {
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    QVERIFY(m_dir.isValid());
    m_fixture = serve_test::makeFixture(m_dir.path().toStdString());
    QVERIFY2(m_fixture.error.empty(), m_fixture.error.c_str());
    std::string error;
    auto opened = mor::Predictor::open(m_fixture.logPath, m_fixture.runId);
    QVERIFY2(opened, opened.error().c_str());
    m_predictor = std::move(opened).value();
    mor::serve::ServeOptions options;
    options.port = 0;
    options.token = kToken;
    options.maxBatch = 16;
    options.maxWaitMs = 100; // long enough that concurrent test requests meet in one batch
    options.maxBodyBytes = 64 * 1024;
    m_server = std::make_unique<mor::serve::InferenceServer>(*m_predictor, options);
    m_port = m_server->bind(&error);
    QVERIFY2(m_port > 0, error.c_str());
    m_listener = std::thread([this] { m_server->listen(); });
    for (int i = 0; i < 100; ++i) {
        auto r = get("/v1/health");
        if (r && r->status == 200) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    QFAIL("the server did not answer /v1/health");
}

void TstServeHttp::cleanupTestCase() {
    if (m_server) {
        m_server->stop();
    }
    if (m_listener.joinable()) {
        m_listener.join();
    }
    m_server.reset();
}

httplib::Result TstServeHttp::post(const std::string& body, const std::string& token) {
    httplib::Client c("127.0.0.1", m_port);
    httplib::Headers headers;
    if (!token.empty()) {
        headers.emplace("Authorization", "Bearer " + token);
    }
    return c.Post("/v1/predict", headers, body, "application/json");
}

httplib::Result TstServeHttp::get(const std::string& path, const std::string& token) {
    httplib::Client c("127.0.0.1", m_port);
    httplib::Headers headers;
    if (!token.empty()) {
        headers.emplace("Authorization", "Bearer " + token);
    }
    return c.Get(path.c_str(), headers);
}

nlohmann::json TstServeHttp::inputsJson(const std::vector<int64_t>& ids) const {
    nlohmann::json rows = nlohmann::json::array();
    for (int64_t id : ids) {
        rows.push_back(serve_test::rawRow(m_fixture, id));
    }
    return rows;
}

void TstServeHttp::healthDescribesTheModel() {
    auto r = get("/v1/health");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const auto j = nlohmann::json::parse(r->body);
    QCOMPARE(j["status"].get<std::string>(), std::string("ok"));
    QCOMPARE(j["run"].get<int64_t>(), m_fixture.runId);
    QCOMPARE(j["model"]["features"].get<int64_t>(), int64_t(4));
    QCOMPARE(j["model"]["classes"].get<int64_t>(), int64_t(3));
    QCOMPARE(j["model"]["scaling"].get<std::string>(), std::string("standardise"));
    QCOMPARE(j["model"]["feature_names"][0].get<std::string>(), std::string("alpha"));
    QVERIFY(j["uptime_seconds"].get<double>() >= 0.0);
}

void TstServeHttp::predictionsMatchTraceCheckpoint() {
    const auto& ids = m_fixture.dataset.test;
    const auto traced = mor::Run::open(m_fixture.logPath, m_fixture.runId).andThen(
        [&](const mor::Run& run) { return run.trace(-1, ids); });
    QVERIFY2(traced && traced->size() == ids.size(), traced.error().c_str());
    const auto& traces = traced.value();
    auto r = post(nlohmann::json{{"inputs", inputsJson(ids)}}.dump());
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    ++m_predictOk;
    const auto j = nlohmann::json::parse(r->body);
    const auto& predictions = j["predictions"];
    QCOMPARE(predictions.size(), ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto& p = predictions[i];
        const auto& t = traces[i];
        QCOMPARE(p["answer"].get<int64_t>(), t.finalPred);
        QCOMPARE(p["class"].get<std::string>(), m_fixture.dataset.classNames[size_t(t.finalPred)]);
        const auto probs = p["probs"].get<std::vector<float>>();
        QCOMPARE(probs.size(), t.fusedProbs.size());
        for (size_t k = 0; k < probs.size(); ++k) {
            QVERIFY(std::fabs(probs[k] - t.fusedProbs[k]) <= 1e-5f);
        }
        QCOMPARE(p["confidence"].get<float>(), probs[size_t(t.finalPred)]);
        QCOMPARE(p["expert_steps"].get<int>(), t.expertSteps);
        QCOMPARE(p["experts"].size(), t.experts.size());
        QCOMPARE(p["depth"].size(), t.experts.size());
    }
}

void TstServeHttp::traceIsReturnedWhenAsked() {
    auto r =
        post(nlohmann::json{{"input", serve_test::rawRow(m_fixture, 5)}, {"trace", true}}.dump());
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    ++m_predictOk;
    const auto p = nlohmann::json::parse(r->body)["predictions"][0];
    QVERIFY(p.contains("trace"));
    QCOMPARE(p["trace"]["final_pred"].get<int64_t>(), p["answer"].get<int64_t>());
    QCOMPARE(p["trace"]["router_probs"].size(), size_t(3));
    QVERIFY(!p["trace"]["experts"][0]["steps"].empty());
}

void TstServeHttp::badRequestsGet400WithAMessage_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("malformed JSON") << R"({"inputs": [[1, 2, 3, 4]})"
                                    << "the request body is not valid JSON";
    QTest::newRow("not an object") << "[1, 2, 3, 4]"
                                   << "must be a JSON object";
    QTest::newRow("missing field")
        << R"({"rows": [[1, 2, 3, 4]]})"
        << "missing field \"inputs\"; send {\"inputs\": [[x1, ..., x4], ...]}";
    QTest::newRow("wrong size") << R"({"inputs": [[1, 2, 3, 4], [1, 2, 3]]})"
                                << "input 1 has 3 features; the model expects 4";
    QTest::newRow("string instead of number") << R"({"inputs": [[1, "2", 3, 4]]})"
                                              << "input 0, feature 1 is a string, not a number";
    QTest::newRow("boolean instead of number") << R"({"input": [1, 2, true, 4]})"
                                               << "input 0, feature 2 is a boolean, not a number";
    QTest::newRow("row is not an array") << R"({"inputs": [5]})"
                                         << "input 0 is a number, not an array of 4 numbers";
    QTest::newRow("empty inputs") << R"({"inputs": []})"
                                  << "field \"inputs\" is empty";
    QTest::newRow("trace not a boolean") << R"({"inputs": [[1, 2, 3, 4]], "trace": "yes"})"
                                         << "field \"trace\" must be true or false";
}

void TstServeHttp::badRequestsGet400WithAMessage() {
    QFETCH(QString, body);
    QFETCH(QString, message);
    auto r = post(body.toStdString());
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    ++m_predict400;
    QCOMPARE(QString::fromStdString(r->get_header_value("Content-Type")),
             QString("application/json"));
    const auto j = nlohmann::json::parse(r->body);
    QCOMPARE(j["error"]["code"].get<int>(), 400);
    const auto text = QString::fromStdString(j["error"]["message"].get<std::string>());
    QVERIFY2(text.contains(message), qPrintable(text));
}

void TstServeHttp::missingOrWrongTokenGets401() {
    const std::string body = nlohmann::json{{"input", serve_test::rawRow(m_fixture, 0)}}.dump();
    auto none = post(body, "");
    QVERIFY(none);
    QCOMPARE(none->status, 401);
    QVERIFY(none->body.find("Authorization: Bearer") != std::string::npos);
    auto wrong = post(body, "s3cret-tokeX");
    QVERIFY(wrong);
    QCOMPARE(wrong->status, 401);
    auto health = get("/v1/health", "");
    QVERIFY(health);
    QCOMPARE(health->status, 401);
    m_unauthorized += 3;
}

void TstServeHttp::unknownPathGets404() {
    auto r = get("/v2/nothing");
    QVERIFY(r);
    QCOMPARE(r->status, 404);
    QVERIFY(r->body.find("no such endpoint: GET /v2/nothing") != std::string::npos);
}

void TstServeHttp::wrongMethodGets405() {
    auto r = get("/v1/predict");
    QVERIFY(r);
    QCOMPARE(r->status, 405);
    QCOMPARE(r->get_header_value("Allow"), std::string("POST"));
}

void TstServeHttp::oversizeBodyGets413() {
    std::string body(100 * 1024, ' '); // the fixture server takes at most 64 KiB
    body += "{}";
    auto r = post(body);
    QVERIFY(r);
    QCOMPARE(r->status, 413);
}

void TstServeHttp::concurrentRequestsShareForwardPasses() {
    auto passes = [this] {
        std::string error;
        auto values = parsePrometheus(get("/v1/metrics")->body, &error);
        return std::make_pair(values["mor_forward_passes_total"],
                              values["mor_predicted_inputs_total"]);
    };
    // 8 single-input requests started together within the 100 ms window: fewer passes than
    // requests. A loaded machine (ctest -j) can still spread one burst past the window, so up to
    // three bursts are sent; every request of every burst must succeed and be counted.
    const int clients = 8;
    double passesOfBurst = 0.0;
    for (int burst = 0; burst < 3; ++burst) {
        const auto before = passes();
        std::vector<int> status(clients, 0);
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([this, c, &status, &ready] {
                const auto body =
                    nlohmann::json{{"input", serve_test::rawRow(m_fixture, c)}}.dump();
                ready.fetch_add(1);
                while (ready.load() < clients) {
                    std::this_thread::yield();
                }
                auto r = post(body);
                status[size_t(c)] = r ? r->status : -1;
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        for (int s : status) {
            QCOMPARE(s, 200);
        }
        m_predictOk += clients;
        const auto after = passes();
        QCOMPARE(after.second - before.second, double(clients));
        passesOfBurst = after.first - before.first;
        QVERIFY(passesOfBurst >= 1.0 && passesOfBurst <= clients);
        if (passesOfBurst < clients) {
            break;
        }
    }
    QVERIFY2(passesOfBurst < clients,
             qPrintable(QString("%1 passes for %2 requests in each of 3 bursts")
                            .arg(passesOfBurst)
                            .arg(clients)));
}

void TstServeHttp::metricsAreValidPrometheusAndCountRequests() {
    // httplib calls the request logger, which counts a request, after it has written the
    // response: a client can read the metrics before the last request's count lands (seen under
    // ctest -j 2). Read until the predict count is complete, for at most 2 s.
    const std::string predictOk = R"(mor_http_requests_total{endpoint="/v1/predict",code="200"})";
    std::map<std::string, double> v;
    std::string error;
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto r = get("/v1/metrics");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
        v = parsePrometheus(r->body, &error);
        QVERIFY2(error.empty(), error.c_str());
        if (v.count(predictOk) && v.at(predictOk) >= double(m_predictOk)) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    QCOMPARE(v.at(R"(mor_http_requests_total{endpoint="/v1/predict",code="200"})"),
             double(m_predictOk));
    QCOMPARE(v.at(R"(mor_http_requests_total{endpoint="/v1/predict",code="400"})"),
             double(m_predict400));
    QCOMPARE(v.at(R"(mor_http_requests_total{endpoint="/v1/predict",code="413"})"), 1.0);
    QCOMPARE(v.at(R"(mor_http_requests_total{endpoint="/v1/predict",code="405"})"), 1.0);
    QCOMPARE(v.at(R"(mor_http_requests_total{endpoint="other",code="404"})"), 1.0);
    QVERIFY(v.at(R"(mor_http_requests_total{endpoint="/v1/predict",code="401"})") +
                v.at(R"(mor_http_requests_total{endpoint="/v1/health",code="401"})") ==
            double(m_unauthorized));
    // Histogram: cumulative buckets, +Inf equals _count.
    const std::string h = "mor_http_request_duration_seconds";
    const double count = v.at(h + R"(_count{endpoint="/v1/predict"})");
    QCOMPARE(v.at(h + R"(_bucket{endpoint="/v1/predict",le="+Inf"})"), count);
    QVERIFY(v.at(h + R"(_bucket{endpoint="/v1/predict",le="0.001"})") <=
            v.at(h + R"(_bucket{endpoint="/v1/predict",le="0.01"})"));
    QVERIFY(v.at(h + R"(_sum{endpoint="/v1/predict"})") > 0.0);
    // Every answered input went through a pass; each selected top-2 experts.
    const double inputs = v.at("mor_predicted_inputs_total");
    QCOMPARE(v.at("mor_batch_size_sum"), inputs);
    QCOMPARE(v.at(R"(mor_batch_size_bucket{le="+Inf"})"), v.at("mor_forward_passes_total"));
    double activations = 0;
    for (int e = 0; e < 3; ++e) {
        activations += v.at("mor_expert_activations_total{expert=\"" + std::to_string(e) + "\"}");
    }
    QCOMPARE(activations, 2.0 * inputs);
}

QTEST_GUILESS_MAIN(TstServeHttp)
#include "tst_serve_http.moc"
