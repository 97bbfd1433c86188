#pragma once
// The HTTP JSON API of `mor serve` (cpp-httplib): POST /v1/predict, GET /v1/health,
// GET /v1/metrics. Requests are answered on httplib's worker threads; inputs go through the
// BatchDispatcher, which owns the model.
#include "serve/serve_options.h"

#include "mor/predictor.h"

#include <memory>
#include <string>

namespace mor::serve {

class InferenceServer {
public:
    /// `predictor` must outlive the server.
    InferenceServer(Predictor& predictor, const ServeOptions& options);
    ~InferenceServer();
    InferenceServer(const InferenceServer&) = delete;
    InferenceServer& operator=(const InferenceServer&) = delete;

    /// Binds host:port (port 0 = any free port). Returns the bound port, or -1 with an error.
    int bind(std::string* error);
    /// Serves until stop(); call after bind(). Returns false when listening failed.
    bool listen();
    /// Ends listen() and answers queued predictions; callable from any thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace mor::serve
