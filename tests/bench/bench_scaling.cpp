// Issue 20: how cost grows. Training-step time (forward + backward of MoRModel) against batch
// size, number of experts, reflection depth, input width and sequence length; the experiment
// log's size and the time to open it and fetch what the GUI's first paint shows, against steps
// and runs. Each point is printed as an @@SCALE line (series, x label, y label, expected
// exponent, x, y); report.py (scaling_plot.py) fits the exponent, plots each series as SVG and
// flags growth that is steeper than expected.
#include <torch/torch.h>

#include "benchutil.h"

#include "model/mor_model.h"
#include "mor/allocator.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int kReps = 7;

void point(const std::string& series, const std::string& xLabel, const std::string& yLabel,
           const std::string& expected, double x, double y)
{
    std::cout << "@@SCALE\t" << series << '\t' << xLabel << '\t' << yLabel << '\t' << expected
              << '\t' << x << '\t' << y << std::endl;
}

struct Setup {
    int64_t batch = 256;
    int64_t experts = 4;
    int64_t depth = 2;
    int64_t features = 32;
    int64_t tokens = 0; ///< > 0: token input of this length (features = tokens)
    /// Top-2 at random in training, so that every expert gets rows (an untrained top-2 router
    /// leaves many of 32 experts idle: the experts series would time fewer than it names).
    bool everyExpertBusy = false;
    HaltingRule halting = HaltingRule::Fixed;
};

/// A freshly built model and one batch: time() is one fwd+bwd step in seconds.
class StepTimer {
public:
    explicit StepTimer(const Setup& s) : m_net(nullptr)
    {
        ModelConfig mc;
        mc.encoder.hidden = 64;
        mc.router.strategy = RoutingStrategy::TopK;
        mc.router.topK = 2;
        if (s.everyExpertBusy) {
            mc.router.strategy = RoutingStrategy::Random;
        }
        if (s.tokens > 0) {
            mc.encoder.input = EncoderInput::Tokens;
        }
        ExpertConfig ec;
        ec.cell = ExpertCell::Gru;
        ec.width = 64;
        ec.maxDepth = s.depth;
        ec.halting = s.halting;
        mc.experts.assign(size_t(s.experts), ec);
        model::ModelShape shape;
        shape.inputs = s.tokens > 0 ? s.tokens : s.features;
        shape.classes = 4;
        m_net = model::MoRModel(mc, shape);
        m_net->train();
        m_x = torch::randn({s.batch, shape.inputs});
        m_y = torch::randint(4, {s.batch});
        m_params = m_net->parameters();
    }
    double time()
    {
        for (auto p : m_params) {
            p.mutable_grad() = torch::Tensor();
        }
        const double start = now();
        m_net->forward(m_x, m_y, torch::Tensor()).totalLoss.backward();
        return now() - start;
    }

private:
    model::MoRModel m_net;
    torch::Tensor m_x, m_y;
    std::vector<torch::Tensor> m_params;
};

/// Median fwd+bwd step time in ms of each setup. The points of a series are measured in
/// alternated rounds (every point once per round, the order reversed every other round), so
/// that the load of a shared machine drifting during the series falls on every point alike
/// instead of bending the curve: measured one point after the other, a 2-thread series under
/// load average 4-8 read 24x depth 1 at depth 8 where the alternated one-thread series reads
/// 3.6x (fitted exponent 1.54 against 0.61; session 9).
std::vector<double> stepMsSeries(const std::vector<Setup>& setups)
{
    std::vector<std::unique_ptr<StepTimer>> timers;
    for (const auto& s : setups) {
        timers.push_back(std::make_unique<StepTimer>(s));
        timers.back()->time(); // warm-up
    }
    std::vector<std::vector<double>> t(setups.size());
    for (int r = 0; r < kReps; ++r) {
        for (size_t k = 0; k < timers.size(); ++k) {
            const size_t i = r % 2 ? timers.size() - 1 - k : k;
            t[i].push_back(timers[i]->time());
        }
    }
    std::vector<double> ms;
    for (const auto& v : t) {
        ms.push_back(1000.0 * median(v));
    }
    return ms;
}

const std::vector<std::string> kKeys{"train/loss", "train/accuracy", "val/loss", "val/accuracy",
                                     "loss/task",  "loss/expert",    "loss/critique",
                                     "loss/halting"};

/// A log of `runs` runs x `steps` steps x 8 metrics; returns its size in MiB.
double writeLog(const std::string& path, int runs, int steps)
{
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path + suffix);
    }
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    if (!log) {
        throw std::runtime_error("cannot create " + path + ": " + error);
    }
    for (int r = 0; r < runs; ++r) {
        RunInfo info;
        info.name = "scale-" + std::to_string(r);
        info.configJson = "{}";
        info.dataset = "synthetic";
        info.device = "cpu";
        info.seed = r;
        const int64_t run = log->createRun(info);
        for (int s = 1; s <= steps; ++s) {
            std::map<std::string, double> values;
            for (size_t k = 0; k < kKeys.size(); ++k) {
                values[kKeys[k]] = std::exp(-s / 500.0) * (1.0 + 0.1 * double(k))
                                   + 0.01 * std::sin(0.37 * s + double(k) + r);
            }
            log->logMetrics(run, s, values);
        }
        log->setStatus(run, "finished");
        log->flush();
    }
    log.reset();
    double bytes = 0.0;
    for (const char* suffix : {"", "-wal"}) {
        if (std::filesystem::exists(path + suffix)) {
            bytes += double(std::filesystem::file_size(path + suffix));
        }
    }
    return bytes / (1024.0 * 1024.0);
}

/// Median ms to open the log, list its runs and fetch every run's curves downsampled to 2000
/// points: the log side of the GUI's first paint of the Compare view with all runs shown.
double openMs(const std::string& path)
{
    auto once = [&] {
        const double start = now();
        std::string error;
        auto reader = LogReader::open(path);
        if (!reader) {
            throw std::runtime_error("cannot open " + path + ": " + reader.error());
        }
        size_t points = 0;
        for (const auto& run : reader->runs()) {
            for (const auto& key : reader->metricKeys(run.id)) {
                points += reader->metricDownsampled(run.id, key, 2000).size();
            }
        }
        if (points == 0) {
            throw std::runtime_error("no points read back from " + path);
        }
        return now() - start;
    };
    once();
    std::vector<double> t;
    for (int i = 0; i < kReps; ++i) {
        t.push_back(once());
    }
    return 1000.0 * median(t);
}

} // namespace

int main(int argc, char** argv)
{
    const std::string item = "8 scaling";
    // As every entry point does (MOR_MALLOC_TUNING=off: glibc's defaults; bench_allocator.sh
    // runs the token series both ways, alternately).
    tuneAllocator();
    // `bench_scaling tokens`: the sequence-length series only (bench_allocator.sh);
    // `bench_scaling depth`: the reflection-depth series only.
    const bool tokensOnly = argc > 1 && std::string(argv[1]) == "tokens";
    const bool depthOnly = argc > 1 && std::string(argv[1]) == "depth";
    // One thread: the series measure how cost grows, not peak speed, and on a shared 2-core
    // machine a second thread mostly waits for a core (MOR_BENCH_THREADS overrides).
    const char* threads = std::getenv("MOR_BENCH_THREADS");
    setThreads(threads != nullptr ? std::max(1, std::atoi(threads)) : 1);
    torch::manual_seed(1);
    const std::string step = "training step (fwd+bwd) ms";
    // series(name, x label, expected exponent, x values, setup of x)
    const auto series = [&](const std::string& name, const std::string& xLabel,
                            const std::string& expected, const std::vector<int64_t>& xs,
                            const std::function<void(Setup&, int64_t)>& set) {
        guarded(item, name, [&] {
            std::vector<Setup> setups;
            for (const int64_t x : xs) {
                Setup s;
                set(s, x);
                setups.push_back(s);
            }
            const auto ms = stepMsSeries(setups);
            for (size_t i = 0; i < xs.size(); ++i) {
                point(name, xLabel, step, expected, double(xs[i]), ms[i]);
            }
        });
    };
    if (tokensOnly) {
        series("training step vs sequence length (tokens, batch 64)", "tokens", "1",
               {16, 32, 64, 128}, [](Setup& s, int64_t x) {
                   s.batch = 64;
                   s.tokens = x;
               });
        std::cout << "@@ALLOC\t" << allocatorTuning() << std::endl;
        return 0;
    }
    const auto depthSeries = [&] {
        series("training step vs reflection depth", "max depth", "1", {1, 2, 4, 8},
               [](Setup& s, int64_t x) { s.depth = x; });
        // ACT's mean-field answer weighs every step up to each step ([T, T, n]); its sums ran as
        // per-row products past depth 6 until session 12 (op count 23217 at depth 8 and 52370
        // at 16 against 16577 and 29346 since).
        series("training step vs reflection depth (ACT halting)", "max depth", "1",
               {1, 2, 4, 8, 16}, [](Setup& s, int64_t x) {
                   s.depth = x;
                   s.halting = HaltingRule::Act;
               });
    };
    if (depthOnly) {
        depthSeries();
        return 0;
    }
    series("training step vs batch size", "batch size", "1", {16, 64, 256, 1024},
           [](Setup& s, int64_t x) { s.batch = x; });
    series("training step vs experts (top-2, every expert busy)", "experts", "0",
           {2, 4, 8, 16, 32}, [](Setup& s, int64_t x) {
               s.experts = x;
               s.everyExpertBusy = true;
           });
    depthSeries();
    series("training step vs input width", "input features", "1", {16, 64, 256, 1024},
           [](Setup& s, int64_t x) { s.features = x; });
    series("training step vs sequence length (tokens, batch 64)", "tokens", "1",
           {16, 32, 64, 128}, [](Setup& s, int64_t x) {
               s.batch = 64;
               s.tokens = x;
           });
    const std::string path = binaryPath("bench/scaling.morlog");
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    guarded(item, "log vs steps", [&] {
        for (const int steps : {1000, 2000, 4000, 8000}) {
            const double mib = writeLog(path, 1, steps);
            point("log size vs steps (1 run, 8 metrics)", "steps", "MiB", "1", steps, mib);
            point("log open + fetch vs steps (1 run)", "steps", "ms", "1", steps, openMs(path));
        }
    });
    guarded(item, "log vs runs", [&] {
        for (const int runs : {1, 2, 4, 8, 16}) {
            const double mib = writeLog(path, runs, 1000);
            point("log size vs runs (1000 steps each)", "runs", "MiB", "1", runs, mib);
            point("log open + fetch of all runs vs runs", "runs", "ms", "1", runs, openMs(path));
        }
    });
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path + suffix);
    }
    row(item, "scaling series", "(plots)", "see the scaling section", "info",
        "each series: fitted exponent beside the expected one, plots under results/scaling/; "
        "malloc: " + allocatorTuning());
    return 0;
}
