#include "serve/inference_server.h"

#include "serve/prediction_json.h"
#include "serve/server_impl.h"

#include <chrono>
#include <cmath>

namespace mor::serve {

namespace {

/// Set when routing starts on this worker thread; read by the logger after the response.
thread_local std::chrono::steady_clock::time_point t_requestStart;
thread_local bool t_timed = false;

std::string endpointLabel(const std::string& path) {
    if (path == "/v1/predict" || path == "/v1/generate" || path == "/v1/health" ||
        path == "/v1/metrics") {
        return path;
    }
    return "other"; // unknown paths share one label so the metric cannot grow without bound
}

/// Compares in time that depends only on the length of `expected`, so the time taken
/// reveals neither a matching prefix nor the token's length.
bool sameToken(const std::string& given, const std::string& expected) {
    unsigned char diff = given.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < expected.size(); ++i) {
        const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(expected[i]));
    }
    return diff == 0;
}

std::vector<std::pair<std::string, int64_t>> variantNames(const std::vector<ServedVariant>& v) {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& x : v) {
        out.emplace_back(x.name, x.runId);
    }
    return out;
}

int64_t expertsOf(const std::vector<ServedVariant>& v) {
    return !v.empty() && v.front().predictor ? v.front().predictor->summary().numExperts : 0;
}

} // namespace

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void sendError(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(errorBody(status, message), "application/json");
}

double requestSeconds() {
    return t_timed ? std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                   t_requestStart)
                         .count()
                   : 0.0;
}

InferenceServer::Impl::Impl(std::vector<ServedVariant> variants, const ServeOptions& o)
    : options(o), metrics(expertsOf(variants), variantNames(variants)),
      router(o.split.size() == variants.size() ? o.split : std::vector<int64_t>(variants.size(), 1)),
      limiter(o.rateLimit, o.rateBurst) {
    for (auto& v : variants) {
        auto slot = std::make_unique<VariantSlot>();
        slot->variant = v;
        slot->live = v.predictor;
        if (v.predictor) {
            const bool first = slots.empty();
            slot->dispatcher = std::make_unique<BatchDispatcher>(
                *v.predictor, o.maxBatch, o.maxWaitMs,
                [this, first](const std::vector<Prediction>& batch) {
                    if (first || !options.shadow) {
                        metrics.countBatch(batch);
                    }
                });
        }
        slots.push_back(std::move(slot));
    }
    if (!o.tlsCert.empty() || !o.tlsKey.empty()) {
        auto ssl = std::make_unique<httplib::SSLServer>(o.tlsCert.c_str(), o.tlsKey.c_str());
        if (!ssl->is_valid()) {
            tlsError = "cannot use the TLS certificate " + o.tlsCert + " with the key " +
                       o.tlsKey + " (missing, unreadable, not PEM, or not a pair)";
        }
        http = std::move(ssl);
    } else {
        http = std::make_unique<httplib::Server>();
    }
    if (!o.auditLog.empty()) {
        audit.open(o.auditLog, o.auditRaw, &auditError);
    }
    routes();
}

size_t InferenceServer::Impl::pickVariant(const httplib::Request& req) {
    if (slots.size() == 1 || options.shadow) {
        return 0;
    }
    if (!options.stickyHeader.empty() && req.has_header(options.stickyHeader.c_str())) {
        return router.pickForKey(req.get_header_value(options.stickyHeader.c_str()));
    }
    return router.pick();
}

void InferenceServer::Impl::routes() {
    const auto threads = size_t(options.httpThreads > 0 ? options.httpThreads : 1);
    http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http->set_payload_max_length(size_t(options.maxBodyBytes));
    http->set_keep_alive_max_count(100);
    // A client that sends nothing for 5 s loses its connection (slow-client protection).
    http->set_read_timeout(5, 0);
    http->set_write_timeout(5, 0);
    // Small JSON answers: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms per request.
    http->set_tcp_nodelay(true);

    http->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        t_requestStart = std::chrono::steady_clock::now();
        t_timed = true;
        double retry = 0.0;
        if (!limiter.allow(req.remote_addr, &retry)) {
            metrics.countRateLimited();
            res.set_header("Retry-After", std::to_string(int64_t(std::ceil(retry))));
            sendError(res, 429, "too many requests from " + req.remote_addr + "; retry in " +
                                    std::to_string(int64_t(std::ceil(retry))) + " s");
            return httplib::Server::HandlerResponse::Handled;
        }
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
    const std::string modelPath = generates() ? "POST /v1/generate" : "POST /v1/predict";
    http->set_error_handler(httplib::Server::HandlerWithResponse(
        [modelPath](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) {
                return httplib::Server::HandlerResponse::Unhandled; // already a JSON error
            }
            std::string message = "HTTP error " + std::to_string(res.status);
            if (res.status == 404) {
                message = "no such endpoint: " + req.method + " " + req.path + " (try " +
                          modelPath + ", GET /v1/health, GET /v1/metrics)";
            } else if (res.status == 413) {
                message = "request body too large";
            }
            sendError(res, res.status, message);
            return httplib::Server::HandlerResponse::Handled;
        }));
    http->set_exception_handler(
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
    http->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        const double seconds = requestSeconds();
        t_timed = false;
        metrics.countRequest(endpointLabel(req.path), res.status, seconds);
    });

    auto notAllowed = [](const char* allow) {
        return [allow](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Allow", allow);
            sendError(res, 405, req.method + " is not allowed on " + req.path + "; use " + allow);
        };
    };
    // The endpoint of the other family answers with what to use instead.
    auto wrongFamily = [this](const httplib::Request& req, httplib::Response& res) {
        sendError(res, 404,
                  generates() ? req.path + " is for reflection runs; this server runs a "
                                           "recursion (sequence) model: use POST /v1/generate"
                              : req.path + " is for recursion runs; this server runs a "
                                           "reflection model: use POST /v1/predict");
    };
    if (generates()) {
        http->Post("/v1/generate", [this](const httplib::Request& req, httplib::Response& res) {
            generate(req, res);
        });
        http->Get("/v1/generate", notAllowed("POST"));
        http->Post("/v1/predict", wrongFamily);
    } else {
        http->Post("/v1/predict", [this](const httplib::Request& req, httplib::Response& res) {
            predict(req, res);
        });
        http->Get("/v1/predict", notAllowed("POST"));
        http->Post("/v1/generate", wrongFamily);
    }
    http->Get("/v1/health",
              [this](const httplib::Request&, httplib::Response& res) { health(res); });
    http->Get("/v1/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    http->Post("/v1/health", notAllowed("GET"));
    http->Post("/v1/metrics", notAllowed("GET"));
}

InferenceServer::InferenceServer(Predictor& predictor, const ServeOptions& options)
    : InferenceServer(std::vector<ServedVariant>{{"A", predictor.summary().runId, &predictor,
                                                  nullptr}},
                      options) {}

InferenceServer::InferenceServer(std::vector<ServedVariant> variants, const ServeOptions& options)
    : m(std::make_unique<Impl>(std::move(variants), options)) {}

InferenceServer::~InferenceServer() {
    stop();
    for (auto& slot : m->slots) {
        if (slot->dispatcher) {
            slot->dispatcher->stop();
        }
    }
    m->shadow.stop();
}

int InferenceServer::bind(std::string* error) {
    if (!m->tlsError.empty() || !m->auditError.empty()) {
        if (error) {
            *error = m->tlsError.empty() ? m->auditError : m->tlsError;
        }
        return -1;
    }
    int port = m->options.port;
    bool ok = false;
    if (port == 0) {
        port = m->http->bind_to_any_port(m->options.host);
        ok = port > 0;
    } else {
        ok = m->http->bind_to_port(m->options.host, port);
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
    const bool ok = m->http->listen_after_bind();
    // Every worker has answered its request by now; only then refuse new inputs.
    for (auto& slot : m->slots) {
        if (slot->dispatcher) {
            slot->dispatcher->stop();
        }
    }
    m->shadow.stop();
    return ok;
}

void InferenceServer::stop() {
    m->http->stop();
}

bool InferenceServer::replacePredictor(size_t variant, Predictor& next, std::string* error) {
    if (variant >= m->slots.size() || !m->slots[variant]->dispatcher) {
        *error = "no reflection variant " + std::to_string(variant) + " to replace";
        return false;
    }
    VariantSlot& slot = *m->slots[variant];
    const ModelSummary& now = slot.live.load()->summary();
    const ModelSummary& s = next.summary();
    if (s.numFeatures != now.numFeatures || s.numClasses != now.numClasses ||
        s.numExperts != now.numExperts || s.classNames != now.classNames) {
        *error = "run " + std::to_string(s.runId) + " takes other inputs, classes or experts "
                 "than run " + std::to_string(now.runId);
        return false;
    }
    // The dispatcher first, so a request that sees the new summary is answered by it.
    slot.dispatcher->setPredictor(next);
    slot.live = &next;
    return true;
}

std::vector<VariantStats> InferenceServer::variantStats() const {
    return m->metrics.variants();
}

} // namespace mor::serve
