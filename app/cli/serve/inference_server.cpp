#include "serve/inference_server.h"

#include "serve/batch_dispatcher.h"
#include "serve/prediction_json.h"
#include "serve/serve_metrics.h"

#include "mor/version.h"

#include <httplib.h>

#include <chrono>

namespace mor::serve {

namespace {

constexpr const char* kJson = "application/json";

/// Set when routing starts on this worker thread; read by the logger after the response.
thread_local std::chrono::steady_clock::time_point t_requestStart;
thread_local bool t_timed = false;

std::string endpointLabel(const std::string& path) {
    if (path == "/v1/predict" || path == "/v1/health" || path == "/v1/metrics") {
        return path;
    }
    return "other"; // unknown paths share one label so the metric cannot grow without bound
}

/// Compares without an early exit, so the time taken does not reveal the token prefix.
bool sameToken(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) {
        return false;
    }
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

std::string dump(const nlohmann::json& j) {
    // Class and feature names come from user files and may not be valid UTF-8.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void sendError(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(errorBody(status, message), kJson);
}

} // namespace

struct InferenceServer::Impl {
    Predictor& predictor;
    ServeOptions options;
    ServeMetrics metrics;
    BatchDispatcher dispatcher;
    httplib::Server http;

    Impl(Predictor& p, const ServeOptions& o)
        : predictor(p), options(o), metrics(p.summary().numExperts),
          dispatcher(p, o.maxBatch, o.maxWaitMs,
                     [this](const std::vector<Prediction>& batch) { metrics.countBatch(batch); }) {
        routes();
    }

    void routes();
    void predict(const httplib::Request& req, httplib::Response& res);
    void health(httplib::Response& res);
};

void InferenceServer::Impl::routes() {
    const auto threads = size_t(options.httpThreads > 0 ? options.httpThreads : 1);
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(size_t(options.maxBodyBytes));
    http.set_keep_alive_max_count(100);
    // Small JSON answers: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms per request.
    http.set_tcp_nodelay(true);

    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        t_requestStart = std::chrono::steady_clock::now();
        t_timed = true;
        if (options.token.empty()) {
            return httplib::Server::HandlerResponse::Unhandled;
        }
        const std::string header = req.get_header_value("Authorization");
        const std::string prefix = "Bearer ";
        const bool ok = header.compare(0, prefix.size(), prefix) == 0 &&
                        sameToken(header.substr(prefix.size()), options.token);
        if (ok) {
            return httplib::Server::HandlerResponse::Unhandled;
        }
        res.set_header("WWW-Authenticate", "Bearer");
        sendError(res, 401,
                  header.empty() ? "missing header \"Authorization: Bearer <token>\""
                                 : "wrong bearer token");
        return httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) {
                return httplib::Server::HandlerResponse::Unhandled; // already a JSON error
            }
            std::string message = "HTTP error " + std::to_string(res.status);
            if (res.status == 404) {
                message = "no such endpoint: " + req.method + " " + req.path +
                          " (try POST /v1/predict, GET /v1/health, GET /v1/metrics)";
            } else if (res.status == 413) {
                message = "request body too large";
            }
            sendError(res, res.status, message);
            return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown error";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            sendError(res, 500, "internal error: " + what);
        });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        const double seconds =
            t_timed
                ? std::chrono::duration<double>(std::chrono::steady_clock::now() - t_requestStart)
                      .count()
                : 0.0;
        t_timed = false;
        metrics.countRequest(endpointLabel(req.path), res.status, seconds);
    });

    http.Post("/v1/predict",
              [this](const httplib::Request& req, httplib::Response& res) { predict(req, res); });
    http.Get("/v1/health",
             [this](const httplib::Request&, httplib::Response& res) { health(res); });
    http.Get("/v1/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    auto notAllowed = [](const char* allow) {
        return [allow](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Allow", allow);
            sendError(res, 405, req.method + " is not allowed on " + req.path + "; use " + allow);
        };
    };
    http.Get("/v1/predict", notAllowed("POST"));
    http.Post("/v1/health", notAllowed("GET"));
    http.Post("/v1/metrics", notAllowed("GET"));
}

void InferenceServer::Impl::predict(const httplib::Request& req, httplib::Response& res) {
    const ModelSummary& model = predictor.summary();
    PredictRequest request = parsePredictRequest(req.body, model, options.maxInputs);
    if (!request.ok()) {
        sendError(res, 400, request.error);
        return;
    }
    BatchResult result = dispatcher.submit(std::move(request.inputs)).get();
    if (!result.error.empty()) {
        sendError(res, 503, result.error);
        return;
    }
    nlohmann::json predictions = nlohmann::json::array();
    for (const auto& p : result.predictions) {
        predictions.push_back(predictionToJson(p));
    }
    const nlohmann::json body{{"run", model.runId},
                              {"checkpoint_step", model.checkpointStep},
                              {"predictions", predictions}};
    res.set_content(dump(body), kJson);
}

void InferenceServer::Impl::health(httplib::Response& res) {
    const nlohmann::json body{{"status", "ok"},
                              {"version", versionString()},
                              {"run", predictor.summary().runId},
                              {"model", summaryToJson(predictor.summary())},
                              {"uptime_seconds", metrics.uptimeSeconds()},
                              {"max_batch", options.maxBatch},
                              {"max_wait_ms", options.maxWaitMs}};
    res.set_content(dump(body), kJson);
}

InferenceServer::InferenceServer(Predictor& predictor, const ServeOptions& options)
    : m(std::make_unique<Impl>(predictor, options)) {}

InferenceServer::~InferenceServer() {
    stop();
    m->dispatcher.stop();
}

int InferenceServer::bind(std::string* error) {
    int port = m->options.port;
    bool ok = false;
    if (port == 0) {
        port = m->http.bind_to_any_port(m->options.host);
        ok = port > 0;
    } else {
        ok = m->http.bind_to_port(m->options.host, port);
    }
    if (!ok) {
        if (error) {
            *error = "cannot listen on " + m->options.host + ":" + std::to_string(m->options.port) +
                     " (address in use or not local?)";
        }
        return -1;
    }
    return port;
}

bool InferenceServer::listen() {
    const bool ok = m->http.listen_after_bind();
    // Every worker has answered its request by now; only then refuse new inputs.
    m->dispatcher.stop();
    return ok;
}

void InferenceServer::stop() {
    m->http.stop();
}

} // namespace mor::serve
