#pragma once
// The HTTP JSON API of `mor serve` (cpp-httplib, HTTPS with --tls-cert/--tls-key):
// POST /v1/predict (reflection runs), POST /v1/generate (recursion runs), GET /v1/health,
// GET /v1/metrics. Requests are answered on httplib's worker threads; inputs go through one
// BatchDispatcher per served run, which owns that model. With two runs (A/B serving) each
// request goes to one variant by the split or a sticky key; in shadow mode B also answers
// every request but only A's answer is returned.
#include "serve/serve_metrics.h"
#include "serve/serve_options.h"

#include "mor/predictor.h"

#include <memory>
#include <string>
#include <vector>

namespace mor::serve {

/// One served run: exactly one of predictor / generator is set (both outlive the server).
struct ServedVariant {
    std::string name; ///< "A", "B"
    int64_t runId = 0;
    Predictor* predictor = nullptr;
    SequenceGenerator* generator = nullptr;
};

class InferenceServer {
public:
    /// One reflection run.
    InferenceServer(Predictor& predictor, const ServeOptions& options);
    /// One or more runs of one family (A/B with options.split, stickyHeader, shadow).
    InferenceServer(std::vector<ServedVariant> variants, const ServeOptions& options);
    ~InferenceServer();
    InferenceServer(const InferenceServer&) = delete;
    InferenceServer& operator=(const InferenceServer&) = delete;

    /// Binds host:port (port 0 = any free port). Returns the bound port, or -1 with an error
    /// (also when the TLS certificate or key cannot be used).
    int bind(std::string* error);
    /// Serves until stop(); call after bind(). Returns false when listening failed.
    bool listen();
    /// Ends listen() and answers queued predictions; callable from any thread.
    void stop();
    /// Switches a reflection variant to `next` (same features and classes; it must outlive
    /// the server): requests already queued or running finish on the old model, later ones
    /// use the new one, none is refused. False with *error when `next` does not fit.
    bool replacePredictor(size_t variant, Predictor& next, std::string* error);
    /// What each variant did so far (for the serving record in the log).
    std::vector<VariantStats> variantStats() const;

    struct Impl;

private:
    std::unique_ptr<Impl> m;
};

} // namespace mor::serve
