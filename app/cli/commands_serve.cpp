// mor serve: load one run's checkpoint (or several, for A/B serving) and answer predictions
// (reflection runs) or generations (recursion runs) over HTTP(S) until SIGINT/SIGTERM.
#include "command_action.h"
#include "commands.h"
#include "serve/inference_server.h"
#include "serve/serve_command.h"

#include "mor/predictor.h"
#include "mor/retrain.h"
#include "mor/run.h"
#include "mor/serving_log.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <thread>
#include <unistd.h>

#include "serve/variant_router.h"

namespace mor::serve {

namespace {

/// Loaded models of every --run, kept alive while the server runs.
struct LoadedModels {
    std::vector<std::unique_ptr<Predictor>> predictors;
    std::vector<std::unique_ptr<SequenceGenerator>> generators;
    std::vector<ServedVariant> variants;
};

bool loadModels(const ServeOptions& options, LoadedModels* out, std::string* error) {
    PredictorOptions po;
    po.checkpoint = options.checkpoint;
    po.threads = options.threads;
    po.weights = options.weights;
    std::string family;
    for (size_t i = 0; i < options.runs.size(); ++i) {
        const int64_t run = options.runs[i];
        const auto opened = Run::open(options.log, run);
        if (!opened) {
            *error = opened.error();
            return false;
        }
        const std::string f = familyName(opened->family());
        if (!family.empty() && f != family) {
            *error = "A/B serving needs runs of one model family; run " + std::to_string(run) +
                     " is a " + f + " model, run " + std::to_string(options.runs[0]) + " a " +
                     family + " model";
            return false;
        }
        family = f;
        ServedVariant v;
        v.name = std::string(1, char('A' + i));
        v.runId = run;
        if (opened->family() == Family::Recursion) {
            auto generator = opened->generator(po);
            if (!generator) {
                *error = generator.error();
                return false;
            }
            out->generators.push_back(std::move(generator).value());
            v.generator = out->generators.back().get();
        } else {
            auto predictor = opened->predictor(po);
            if (!predictor) {
                *error = predictor.error();
                return false;
            }
            out->predictors.push_back(std::move(predictor).value());
            v.predictor = out->predictors.back().get();
            const auto& a = out->predictors.front()->summary();
            const auto& s = v.predictor->summary();
            if (s.numFeatures != a.numFeatures || s.numClasses != a.numClasses) {
                *error = "A/B serving needs runs with the same inputs and classes; run " +
                         std::to_string(run) + " takes " + std::to_string(s.numFeatures) +
                         " features and " + std::to_string(s.numClasses) + " classes, run " +
                         std::to_string(a.runId) + " " + std::to_string(a.numFeatures) + " and " +
                         std::to_string(a.numClasses);
                return false;
            }
        }
        out->variants.push_back(v);
    }
    return true;
}

std::string describe(const ServedVariant& v) {
    if (v.generator) {
        const auto& s = v.generator->summary();
        return "run " + std::to_string(s.runId) + " (recursion, " + s.dataset + ", vocabulary " +
               std::to_string(s.vocabSize) + ", up to " + std::to_string(s.maxRecursions) +
               " recursions, checkpoint step " + std::to_string(s.checkpointStep) + ")";
    }
    const auto& s = v.predictor->summary();
    return "run " + std::to_string(s.runId) + " (" + s.dataset + ", " +
           std::to_string(s.numFeatures) + " features, " + std::to_string(s.numClasses) +
           " classes, checkpoint step " + std::to_string(s.checkpointStep) + ")";
}

std::vector<ServingRecord> records(const std::vector<VariantStats>& stats,
                                   const ServeOptions& o, const std::string& session,
                                   int64_t startedMs) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::vector<ServingRecord> out;
    for (size_t i = 0; i < stats.size(); ++i) {
        const VariantStats& v = stats[i];
        ServingRecord r;
        r.session = session;
        r.variant = v.name;
        r.runId = v.runId;
        r.share = i < o.split.size() ? o.split[i] : 0;
        r.shadow = o.shadow;
        r.startedMs = startedMs;
        r.updatedMs = now;
        r.requests = int64_t(v.requests);
        r.inputs = int64_t(v.inputs);
        r.labelled = int64_t(v.labelled);
        r.correct = int64_t(v.correct);
        r.shadowInputs = int64_t(v.shadowInputs);
        r.shadowAgreeing = int64_t(v.shadowAgreeing);
        r.shadowLabelled = int64_t(v.shadowLabelled);
        r.shadowCorrect = int64_t(v.shadowCorrect);
        r.latencySum = v.latency.sum;
        r.latencyBounds = v.latency.bounds;
        r.latencyCounts.assign(v.latency.counts.begin(), v.latency.counts.end());
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace

static CLI::App* addServeOptions(CLI::App& app, ServeOptions& o) {
    auto* c = app.add_subcommand(
        "serve", "Answer predictions (reflection runs) or generations (recursion runs) over HTTP");
    c->add_option("--log", o.log, "Experiment log")->required();
    c->add_option("--run", o.runs, "Run id; give two (--run A --run B) for A/B serving")
        ->required();
    c->add_option("--port", o.port, "TCP port (0 = any free port)")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    c->add_option("--host", o.host, "Address to bind")->capture_default_str();
    c->add_option("--checkpoint", o.checkpoint, "Which checkpoint: last | best")
        ->capture_default_str()
        ->check(CLI::IsMember({"last", "best"}));
    c->add_option("--weights", o.weights,
                  "Serve the weights of an archive written by `mor export --weights` (any "
                  "--dtype) instead of a checkpoint");
    c->add_option("--max-batch", o.maxBatch, "Inputs per forward pass (1 = no batching)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(4096)));
    c->add_option("--max-wait-ms", o.maxWaitMs, "How long an input waits for a fuller batch")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(0), int64_t(10000)));
    c->add_option("--max-inputs", o.maxInputs, "Inputs accepted in one request")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1) << 20));
    c->add_option("--max-tokens", o.maxTokens, "Tokens one /v1/generate request may ask for")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(0), int64_t(1) << 20));
    c->add_option("--max-body", o.maxBodyBytes, "Largest request body in bytes (else 413)")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(64), int64_t(1) << 30));
    c->add_option("--http-threads", o.httpThreads, "Connection worker threads")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1024)));
    c->add_option("--threads", o.threads, "Intra-op threads for the model (0 = all cores)");
    c->add_option("--token", o.token,
                  "Require \"Authorization: Bearer TOKEN\" (default: env MOR_SERVE_TOKEN)");
    c->add_option("--tls-cert", o.tlsCert, "PEM certificate: serve HTTPS (with --tls-key)");
    c->add_option("--tls-key", o.tlsKey, "PEM private key of --tls-cert");
    c->add_option("--rate-limit", o.rateLimit,
                  "Requests per second per client address (0 = unlimited; else 429)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e6));
    c->add_option("--rate-burst", o.rateBurst, "Requests a client may send at once")
        ->capture_default_str()
        ->check(CLI::Range(int64_t(1), int64_t(1000000)));
    c->add_option_function<std::string>(
        "--split",
        [&o](const std::string& text) {
            o.split.clear();
            o.splitText = text;
        },
        "A/B shares of the runs, e.g. 90:10 (default: equal)");
    c->add_option("--sticky-header", o.stickyHeader,
                  "Requests with the same value of this header go to the same variant");
    c->add_flag("--shadow", o.shadow, "Every request also runs on B; only A's answer is returned");
    c->add_option("--serving-record", o.servingRecord,
                  "Write per-variant serving records to the log: auto (with two or more "
                  "runs) | log | off")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "log", "off"}));
    auto* auditLog = c->add_option("--audit-log", o.auditLog,
                                   "Append one JSON line per request: time, variant, run, "
                                   "status, SHA-256 of the input, the answer");
    c->add_flag("--audit-raw", o.auditRaw, "--audit-log also keeps each raw request body")
        ->needs(auditLog);
    c->add_flag("--follow-promoted", o.followPromoted,
                "Serve the run of --run's retraining lineage tagged promoted (else --run) and "
                "switch to each newly promoted run (mor retrain) without refusing a request");
    return c;
}

int cmdServe(ServeOptions options) {
    if (options.token.empty()) {
        if (const char* env = std::getenv("MOR_SERVE_TOKEN")) {
            options.token = env;
        }
    }
    std::string error;
    if (options.runs.empty()) {
        options.runs.push_back(options.run);
    }
    if (options.runs.size() > 4) {
        return userError("mor serve takes at most four runs (variants A to D)");
    }
    options.run = options.runs.front();
    if (options.tlsCert.empty() != options.tlsKey.empty()) {
        return userError("--tls-cert and --tls-key go together");
    }
    if (!options.weights.empty() && options.runs.size() > 1) {
        return userError("--weights serves one run; drop it or give one --run");
    }
    const int64_t followRoot = options.runs.front();
    if (options.followPromoted) {
        if (options.runs.size() > 1 || !options.weights.empty()) {
            return userError("--follow-promoted serves one run's checkpoints: give one --run "
                             "and no --weights");
        }
        const int64_t promoted = retrainPromotedRun(options.log, followRoot, &error);
        if (promoted < 0) {
            return userError(error);
        }
        if (promoted > 0) {
            options.runs.front() = options.run = promoted;
        }
    }
    if (options.shadow && options.runs.size() < 2) {
        return userError("--shadow needs two runs (--run A --run B)");
    }
    if (!options.splitText.empty()) {
        if (!VariantRouter::parseSplit(options.splitText, options.runs.size(), &options.split,
                                       &error)) {
            return userError(error);
        }
    } else {
        options.split.assign(options.runs.size(), 1);
    }
    // Signals are taken by a dedicated thread (sigtimedwait), so they are blocked in every
    // thread, including the ones torch and httplib start later.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    LoadedModels models;
    if (!loadModels(options, &models, &error)) {
        return userError(error);
    }
    InferenceServer server(models.variants, options);
    const int port = server.bind(&error);
    if (port < 0) {
        return userError(error);
    }
    const char* scheme = options.tlsCert.empty() ? "http" : "https";
    std::cout << "mor serve: " << describe(models.variants.front());
    for (size_t i = 1; i < models.variants.size(); ++i) {
        std::cout << (i == 1 ? " as A, " : ", ") << describe(models.variants[i]) << " as "
                  << models.variants[i].name;
    }
    std::cout << " on " << scheme << "://" << options.host << ":" << port << "  max-batch "
              << options.maxBatch << ", max-wait " << options.maxWaitMs << " ms"
              << (options.token.empty() ? "" : ", bearer token required");
    if (models.variants.size() > 1) {
        std::cout << (options.shadow ? ", shadow mode" : ", split " + options.splitText);
    }
    std::cout << std::endl;
    const bool loopback =
        options.host == "127.0.0.1" || options.host == "localhost" || options.host == "::1";
    if (!loopback && options.token.empty()) {
        std::cerr << "mor serve: warning: listening on " << options.host
                  << " without a token; anyone who reaches this port can query the model"
                  << std::endl;
    }
    const bool record = options.servingRecord == "log" ||
                        (options.servingRecord == "auto" && models.variants.size() > 1);
    const int64_t startedMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    const std::string session = std::to_string(startedMs) + "-" + std::to_string(getpid());
    auto writeRecords = [&] {
        std::string err;
        if (record && !writeServingRecords(options.log,
                                           records(server.variantStats(), options, session,
                                                   startedMs),
                                           &err)) {
            std::cerr << "mor serve: warning: " << err << std::endl;
        }
    };

    // --follow-promoted: once a second, the lineage's promoted run; a new one is loaded here
    // (off the request threads) and swapped in between two forward passes.
    auto lastFollow = std::chrono::steady_clock::now();
    auto follow = [&] {
        if (!options.followPromoted || models.variants.front().generator ||
            std::chrono::steady_clock::now() - lastFollow < std::chrono::seconds(1)) {
            return;
        }
        lastFollow = std::chrono::steady_clock::now();
        std::string err;
        const int64_t promoted = retrainPromotedRun(options.log, followRoot, &err);
        if (promoted <= 0 || promoted == models.predictors.back()->summary().runId) {
            return;
        }
        PredictorOptions po;
        po.checkpoint = options.checkpoint;
        po.threads = options.threads;
        auto opened = Run::open(options.log, promoted).andThen(
            [&](const Run& run) { return run.predictor(po); });
        std::unique_ptr<Predictor> next;
        if (opened) {
            next = std::move(opened).value();
        } else {
            err = opened.error();
        }
        if (!next || !server.replacePredictor(0, *next, &err)) {
            std::cerr << "mor serve: warning: not following promoted run " << promoted << ": "
                      << err << std::endl;
            lastFollow += std::chrono::seconds(9); // retry in 10 s
            return;
        }
        std::cout << "mor serve: now serving promoted run " << promoted << std::endl;
        models.predictors.push_back(std::move(next)); // the old ones may still be answering
    };

    std::atomic<bool> done{false};
    std::thread waiter([&] {
        const timespec tick{0, 100 * 1000 * 1000};
        bool stopping = false;
        auto lastWrite = std::chrono::steady_clock::now();
        while (!done) {
            follow();
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
            if (std::chrono::steady_clock::now() - lastWrite > std::chrono::seconds(10)) {
                writeRecords();
                lastWrite = std::chrono::steady_clock::now();
            }
        }
    });
    const bool ok = server.listen();
    done = true;
    waiter.join();
    writeRecords();
    if (!ok) {
        return userError("the server stopped with an error on port " + std::to_string(port));
    }
    std::cout << "mor serve: stopped" << std::endl;
    return 0;
}

void registerServeCommand(CLI::App& app) {
    auto options = std::make_shared<ServeOptions>();
    setCommandAction(addServeOptions(app, *options), [options] { return cmdServe(*options); });
}

} // namespace mor::serve
