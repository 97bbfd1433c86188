#pragma once
// Settings of `mor serve` (command line and environment).
#include <cstdint>
#include <string>
#include <vector>

namespace mor::serve {

struct ServeOptions {
    std::string log;
    int64_t run = 0;                 ///< the served run (variant A)
    std::vector<int64_t> runs;       ///< every --run in order (A, B): more than one = A/B serving
    std::string host = "127.0.0.1";
    int port = 8080;                 ///< 0 = any free port (printed on start)
    std::string checkpoint = "last"; ///< last | best
    std::string weights;             ///< an exported archive instead of the checkpoint (one run)
    int64_t maxBatch = 32;           ///< inputs per forward pass (1 = no batching)
    int64_t maxWaitMs = 2;           ///< how long the first queued input waits for company
    int64_t maxInputs = 1024;        ///< inputs per request
    int64_t maxTokens = 1024;        ///< tokens one /v1/generate request may ask for
    int64_t maxBodyBytes = 4 << 20;  ///< larger bodies get 413
    int64_t httpThreads = 16;        ///< connection worker threads
    int64_t threads = -1;            ///< torch intra-op threads (< 0: the run's setting)
    std::string token;               ///< bearer token; empty = no authentication
    std::string tlsCert, tlsKey;     ///< PEM files: both set = HTTPS only
    double rateLimit = 0.0;          ///< requests per second per client address (0 = off)
    int64_t rateBurst = 20;          ///< requests a client may send at once
    // A/B serving (two runs).
    std::vector<int64_t> split{100}; ///< per variant share, e.g. {90, 10}
    std::string splitText;           ///< --split as given ("90:10"); empty = equal shares
    std::string stickyHeader;        ///< requests with the same value of it go to one variant
    bool shadow = false;             ///< every request also runs on B; only A answers
    std::string servingRecord = "auto"; ///< auto (on with two runs) | log | off
    std::string auditLog;            ///< one JSON line per request (input hash, answer); "" = off
    bool auditRaw = false;           ///< the audit log also keeps each raw request body
    /// Serve the run of --run's retraining lineage tagged "promoted" (else --run) and switch
    /// to each newly promoted run without refusing a request (mor retrain).
    bool followPromoted = false;
};

} // namespace mor::serve
