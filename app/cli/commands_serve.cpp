// mor serve: load a run's checkpoint and answer predictions over HTTP until SIGINT/SIGTERM.
#include "commands.h"
#include "serve/inference_server.h"
#include "serve/serve_command.h"

#include "mor/predictor.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <thread>

namespace mor::serve {

CLI::App* addServeCommand(CLI::App& app, ServeOptions& o) {
    auto* c = app.add_subcommand("serve", "Answer predictions of a trained run over HTTP (JSON)");
    c->add_option("--log", o.log, "Experiment log")->required();
    c->add_option("--run", o.run, "Run id")->required();
    c->add_option("--port", o.port, "TCP port (0 = any free port)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    c->add_option("--host", o.host, "Address to bind")->capture_default_str();
    c->add_option("--checkpoint", o.checkpoint, "Which checkpoint: last | best")
        ->capture_default_str()
        ->check(CLI::IsMember({"last", "best"}));
    c->add_option("--max-batch", o.maxBatch, "Inputs per forward pass (1 = no batching)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(4096)));
    c->add_option("--max-wait-ms", o.maxWaitMs, "How long an input waits for a fuller batch")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(0), int64_t(10000)));
    c->add_option("--max-inputs", o.maxInputs, "Inputs accepted in one request")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
    c->add_option("--max-body", o.maxBodyBytes, "Largest request body in bytes (else 413)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(64), int64_t(1) << 30));
    c->add_option("--http-threads", o.httpThreads, "Connection worker threads")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1024)));
    c->add_option("--threads", o.threads, "Intra-op threads for the model (0 = all cores)");
    c->add_option("--token", o.token,
                  "Require \"Authorization: Bearer TOKEN\" (default: env MOR_SERVE_TOKEN)");
    return c;
}

int cmdServe(ServeOptions options) {
    if (options.token.empty()) {
        if (const char* env = std::getenv("MOR_SERVE_TOKEN")) {
            options.token = env;
        }
    }
    // Signals are taken by a dedicated thread (sigtimedwait), so they are blocked in every
    // thread, including the ones torch and httplib start later.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::string error;
    PredictorOptions po;
    po.checkpoint = options.checkpoint;
    po.threads = options.threads;
    auto predictor = Predictor::open(options.log, options.run, po, &error);
    if (!predictor) {
        return userError(error);
    }
    InferenceServer server(*predictor, options);
    const int port = server.bind(&error);
    if (port < 0) {
        return userError(error);
    }
    const ModelSummary& s = predictor->summary();
    std::cout << "mor serve: run " << s.runId << " (" << s.dataset << ", " << s.numFeatures
              << " features, " << s.numClasses << " classes, checkpoint step " << s.checkpointStep
              << ") on http://" << options.host << ":" << port << "  max-batch " << options.maxBatch
              << ", max-wait " << options.maxWaitMs << " ms"
              << (options.token.empty() ? "" : ", bearer token required") << std::endl;
    const bool loopback =
        options.host == "127.0.0.1" || options.host == "localhost" || options.host == "::1";
    if (!loopback && options.token.empty()) {
        std::cerr << "mor serve: warning: listening on " << options.host
                  << " without a token; anyone who reaches this port can query the model"
                  << std::endl;
    }

    std::atomic<bool> done{false};
    std::thread waiter([&] {
        const timespec tick{0, 100 * 1000 * 1000};
        bool stopping = false;
        while (!done) {
            // stop() is repeated until listen() returns: a signal that arrives before the
            // server runs must not be lost.
            if (stopping) {
                server.stop();
            }
            const int sig = sigtimedwait(&signals, nullptr, &tick);
            if ((sig == SIGINT || sig == SIGTERM) && !stopping) {
                std::cout << "mor serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping"
                          << std::endl;
                stopping = true;
            }
        }
    });
    const bool ok = server.listen();
    done = true;
    waiter.join();
    if (!ok) {
        return userError("the server stopped with an error on port " + std::to_string(port));
    }
    std::cout << "mor serve: stopped" << std::endl;
    return 0;
}

} // namespace mor::serve
