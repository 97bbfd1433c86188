#pragma once
// Settings of `mor serve` (command line and environment).
#include <cstdint>
#include <string>

namespace mor::serve {

struct ServeOptions {
    std::string log;
    int64_t run = 0;
    std::string host = "127.0.0.1";
    int port = 8080;                 ///< 0 = any free port (printed on start)
    std::string checkpoint = "last"; ///< last | best
    int64_t maxBatch = 32;           ///< inputs per forward pass (1 = no batching)
    int64_t maxWaitMs = 2;           ///< how long the first queued input waits for company
    int64_t maxInputs = 1024;        ///< inputs per request
    int64_t maxBodyBytes = 4 << 20;  ///< larger bodies get 413
    int64_t httpThreads = 16;        ///< connection worker threads
    int64_t threads = -1;            ///< torch intra-op threads (< 0: the run's setting)
    std::string token;               ///< bearer token; empty = no authentication
};

} // namespace mor::serve
