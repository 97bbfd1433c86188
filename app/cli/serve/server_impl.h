#pragma once
// The inside of InferenceServer, shared by inference_server.cpp (setup, routing, auth, rate
// limit) and serve_handlers.cpp (the endpoints).
#include "serve/batch_dispatcher.h"
#include "serve/inference_server.h"
#include "serve/rate_limiter.h"
#include "serve/request_audit_log.h"
#include "serve/serve_metrics.h"
#include "serve/variant_router.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace mor::serve {

/// Runs shadow comparisons off the request threads; at most `capacity` wait, more are dropped.
class ShadowWorker {
public:
    explicit ShadowWorker(size_t capacity = 256);
    ~ShadowWorker();
    bool post(std::function<void()> task);
    void stop(); ///< runs what is queued, then ends the thread

private:
    void loop();
    const size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_tasks;
    bool m_stopping = false;
    std::thread m_thread;
};

struct VariantSlot {
    ServedVariant variant;
    std::unique_ptr<BatchDispatcher> dispatcher; ///< reflection runs
    /// The model answering now (reflection runs): variant.predictor, or the one
    /// replacePredictor() switched to.
    std::atomic<Predictor*> live{nullptr};
    std::mutex generateMutex;                    ///< recursion runs: one generation at a time
};

struct InferenceServer::Impl {
    ServeOptions options;
    std::vector<std::unique_ptr<VariantSlot>> slots;
    ServeMetrics metrics;
    VariantRouter router;
    RateLimiter limiter;
    ShadowWorker shadow;
    std::unique_ptr<httplib::Server> http;
    std::string tlsError; ///< set when the certificate or key could not be loaded
    RequestAuditLog audit;  ///< --audit-log
    std::string auditError; ///< set when the audit log could not be opened

    Impl(std::vector<ServedVariant> variants, const ServeOptions& o);

    bool generates() const { return slots.front()->variant.generator != nullptr; }
    /// The variant that answers `req` (A in shadow mode).
    size_t pickVariant(const httplib::Request& req);

    void routes();
    void predict(const httplib::Request& req, httplib::Response& res);
    void generate(const httplib::Request& req, httplib::Response& res);
    void health(httplib::Response& res);
};

/// Compact JSON (invalid UTF-8 from user files replaced).
std::string dump(const nlohmann::json& j);
void sendError(httplib::Response& res, int status, const std::string& message);
/// Seconds since this worker thread started routing the current request.
double requestSeconds();

} // namespace mor::serve
