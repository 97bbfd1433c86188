// Fuzzes the HTTP request path of `mor serve` without a model: each input is sent as raw
// bytes (request line, headers, body) over a loopback socket to an httplib::Server set up as
// mor serve sets it up (body size limit, timeouts) whose handlers run the real request
// parsers (parsePredictRequest, parseGenerateRequest, labels), the per-client rate limiter
// and the sticky-key variant router. The same bytes also go to the parsers directly, as a
// body. Any input must give an answer or a closed connection; never a crash or a hang.
#include "serve/prediction_json.h"
#include "serve/rate_limiter.h"
#include "serve/variant_router.h"

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

namespace {

mor::ModelSummary model() {
    mor::ModelSummary s;
    s.numFeatures = 4;
    s.numClasses = 3;
    s.classNames = {"a", "b", "c"};
    s.featureNames = {"w", "x", "y", "z"};
    return s;
}

struct Harness {
    httplib::Server http;
    mor::serve::RateLimiter limiter{1e9, 1000000}; // exercised, never refusing
    mor::serve::VariantRouter router{{90, 10}};
    mor::ModelSummary summary = model();
    int port = -1;
    std::thread thread;

    Harness() {
        http.set_payload_max_length(64 * 1024);
        http.set_read_timeout(1, 0);
        http.set_write_timeout(1, 0);
        http.set_keep_alive_max_count(1);
        http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (!limiter.allow(req.remote_addr)) {
                res.status = 429;
                return httplib::Server::HandlerResponse::Handled;
            }
            if (req.has_header("X-Client")) {
                if (router.pickForKey(req.get_header_value("X-Client")) > 1) {
                    std::abort();
                }
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });
        http.Post("/v1/predict", [this](const httplib::Request& req, httplib::Response& res) {
            const auto r = mor::serve::parsePredictRequest(req.body, summary, 16);
            if (r.ok() && (r.inputs.empty() || r.labels.size() != r.inputs.size())) {
                std::abort(); // a valid request has inputs and one label slot per input
            }
            res.status = r.ok() ? 200 : 400;
            res.set_content(r.ok() ? "{}" : mor::serve::errorBody(400, r.error),
                            "application/json");
        });
        http.Post("/v1/generate", [](const httplib::Request& req, httplib::Response& res) {
            const auto r = mor::serve::parseGenerateRequest(req.body, 64);
            if (r.ok() && (r.options.tokens < 0 || r.options.tokens > 64)) {
                std::abort();
            }
            res.status = r.ok() ? 200 : 400;
        });
        port = http.bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { http.listen_after_bind(); });
        while (!http.is_running()) {
            std::this_thread::yield();
        }
    }
};

Harness& harness() {
    static Harness* h = new Harness(); // lives for the process (the thread keeps serving)
    return *h;
}

/// Sends `data`, half-closes, reads until the server closes (bounded by a 2 s timeout).
void roundTrip(int port, const uint8_t* data, size_t size) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return;
    }
    timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        size_t sent = 0;
        while (sent < size) {
            const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                break;
            }
            sent += size_t(n);
        }
        ::shutdown(fd, SHUT_WR);
        char buf[4096];
        while (::recv(fd, buf, sizeof buf, 0) > 0) {
        }
    }
    ::close(fd);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto summary = model();
    (void)mor::serve::parsePredictRequest(text, summary, 16);
    (void)mor::serve::parseGenerateRequest(text, 64);
    roundTrip(harness().port, data, size);
    return 0;
}
