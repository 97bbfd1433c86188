// Item 5 of issue 8: the log at scale. A log of 100 runs x 20,000 steps x 12 metrics is built
// once (cached in the build folder); then, in a fresh process, the time to open it and fetch
// 10 runs' 12 curves downsampled to ~2000 points each (what the Compare view needs for its
// first paint), and the peak memory of doing so. With QCustomPlot available the curves are
// also drawn offscreen and the replot is timed.
#include "benchutil.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#ifdef MOR_BENCH_WITH_PLOT
#include <QApplication>
#include <QPixmap>
#include <qcustomplot.h>
#endif

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

using namespace mor;
using namespace mor::bench;

namespace {

constexpr int kRuns = 100;
constexpr int kSteps = 20000;
constexpr int kShownRuns = 10;
constexpr int kPoints = 2000;
const std::vector<std::string> kKeys{
    "train/loss",    "train/accuracy", "val/loss",      "val/accuracy",
    "loss/task",     "loss/expert",    "loss/critique", "loss/halting",
    "loss/balance",  "train/lr",       "train/depth",   "train/conflict_rate"};

std::string logPath()
{
    return binaryPath("bench/log_at_scale.morlog");
}

/// Writes the log through the normal writer (queued, batched). Returns seconds taken.
double buildLog(const std::string& path)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    for (const char* suffix : {"", "-wal", "-shm", ".complete"}) {
        std::filesystem::remove(path + suffix);
    }
    const double start = now();
    std::string error;
    auto log = ExperimentLog::open(path, &error);
    if (!log) {
        throw std::runtime_error("cannot create " + path + ": " + error);
    }
    for (int r = 0; r < kRuns; ++r) {
        RunInfo info;
        info.name = "scale-" + std::to_string(r);
        info.configJson = "{}";
        info.dataset = "synthetic";
        info.device = "cpu";
        info.seed = r;
        const int64_t run = log->createRun(info);
        for (int s = 1; s <= kSteps; ++s) {
            std::map<std::string, double> values;
            const double decay = std::exp(-double(s) / (2000.0 + 50.0 * r));
            for (size_t k = 0; k < kKeys.size(); ++k) {
                values[kKeys[k]] = decay * (1.0 + 0.1 * k) + 0.01 * std::sin(0.37 * s + k + r);
            }
            log->logMetrics(run, s, values);
        }
        log->setStatus(run, "finished");
        log->flush(); // keeps the queue (and this process's memory) bounded
    }
    log.reset();
    std::ofstream(path + ".complete") << kRuns << " " << kSteps << " " << kKeys.size() << "\n";
    return now() - start;
}

struct FetchResult {
    double seconds = 0.0;
    double openSeconds = 0.0, runsSeconds = 0.0, keysSeconds = 0.0, curvesSeconds = 0.0;
    size_t points = 0;
    std::vector<std::vector<std::vector<MetricPoint>>> curves; // [run][key][point]
};

/// Open + list runs + fetch the curves: the log side of the first paint.
FetchResult fetchCurves(const std::string& path)
{
    FetchResult result;
    const double start = now();
    std::string error;
    auto reader = LogReader::open(path);
    if (!reader) {
        throw std::runtime_error("cannot open " + path + ": " + reader.error());
    }
    result.openSeconds = now() - start;
    const auto runs = reader->runs();
    result.runsSeconds = now() - start - result.openSeconds;
    if (runs.size() < size_t(kShownRuns)) {
        throw std::runtime_error("log has only " + std::to_string(runs.size()) + " runs");
    }
    for (int r = 0; r < kShownRuns; ++r) {
        const int64_t id = runs[size_t(r) * runs.size() / kShownRuns].id;
        std::vector<std::vector<MetricPoint>> perKey;
        double t = now();
        const auto keys = reader->metricKeys(id);
        result.keysSeconds += now() - t;
        t = now();
        for (const std::string& key : keys) {
            perKey.push_back(reader->metricDownsampled(id, key, kPoints));
            result.points += perKey.back().size();
        }
        result.curvesSeconds += now() - t;
        result.curves.push_back(std::move(perKey));
    }
    result.seconds = now() - start;
    return result;
}

#ifdef MOR_BENCH_WITH_PLOT
/// Sets the fetched curves on a QCustomPlot (one graph per run and key) and draws it offscreen.
double plotCurves(const FetchResult& fetched)
{
    const double start = now();
    QCustomPlot plot;
    plot.resize(1200, 800);
    for (const auto& perKey : fetched.curves) {
        for (const auto& points : perKey) {
            QVector<double> x, y;
            x.reserve(int(points.size()));
            y.reserve(int(points.size()));
            for (const MetricPoint& p : points) {
                x.push_back(double(p.step));
                y.push_back(p.value);
            }
            plot.addGraph()->setData(x, y, true);
        }
    }
    plot.rescaleAxes();
    const QPixmap pixmap = plot.toPixmap(1200, 800);
    if (pixmap.isNull()) {
        throw std::runtime_error("offscreen replot gave an empty pixmap");
    }
    return now() - start;
}
#endif

/// The measurement in this (fresh) process: cold-ish first fetch, then the median of repeats.
void measure(int argc, char** argv)
{
    const std::string item = "5 log at scale";
    const std::string path = logPath();
    const double firstFetch = fetchCurves(path).seconds;
    std::vector<double> fetches;
    FetchResult last;
    for (int i = 0; i < 5; ++i) {
        last = fetchCurves(path);
        fetches.push_back(last.seconds);
    }
    const double fetch = median(fetches);
    const std::string breakdown =
        format("last fetch: open %.3f s, runs() %.3f s, metricKeys %.3f s, "
               "metricDownsampled x120 %.3f s",
               last.openSeconds, last.runsSeconds, last.keysSeconds, last.curvesSeconds);
#ifdef MOR_BENCH_WITH_PLOT
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::vector<double> plots;
    for (int i = 0; i < 5; ++i) {
        plots.push_back(plotCurves(last));
    }
    const double plot = median(plots);
    const double paint = fetch + plot;
    row(item, "time to first paint, 10 runs x 12 curves", "<= 1 s", format("%.3f s", paint),
        verdict(paint <= 1.0),
        format("open+fetch %.3f s (first, page cache warm from build: %.3f s) + QCustomPlot "
               "offscreen replot %.3f s; %zu points drawn; %s",
               fetch, firstFetch, plot, last.points, breakdown.c_str()));
#else
    row(item, "time to first paint, 10 runs x 12 curves", "<= 1 s",
        format("%.3f s", fetch), verdict(fetch <= 1.0),
        format("open + fetch only (no QCustomPlot in this build); first fetch %.3f s; %zu "
               "points; %s",
               firstFetch, last.points, breakdown.c_str()));
#endif
    const double rss = peakRssMiB();
    row(item, "peak memory while showing them", "(no goal)", format("%.0f MiB", rss), "info",
        format("peak RSS of the reading process; log file %.0f MiB",
               double(std::filesystem::file_size(path)) / 1048576.0));
}

} // namespace

int main(int argc, char** argv)
{
    const std::string path = logPath();
    if (!std::filesystem::exists(path + ".complete")) {
        // Build in a child process so this process's peak memory is only the reading side.
        const pid_t child = fork();
        if (child == 0) {
            int code = 0;
            try {
                const double seconds = buildLog(path);
                std::cerr << "built " << path << " in " << seconds << " s\n";
            } catch (const std::exception& e) {
                row("5 log at scale", "building the log", "", "", "failed", e.what());
                code = 1;
            }
            std::fflush(stdout);
            _exit(code);
        }
        int status = 0;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            return 0;
        }
    }
    guarded("5 log at scale", "time to first paint, 10 runs x 12 curves",
            [&] { measure(argc, argv); });
    return 0;
}
