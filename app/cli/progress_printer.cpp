#include "progress_printer.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {
std::atomic<int> g_interrupts{0};

void onSignal(int sig) {
    if (g_interrupts.fetch_add(1) >= 1) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

std::string clock(double seconds) {
    const long s = seconds < 0 ? 0 : long(seconds + 0.5);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    }
    return buf;
}
} // namespace

ProgressPrinter::ProgressPrinter(bool quiet) : m_quiet(quiet), m_tty(isatty(STDERR_FILENO) != 0) {}

void ProgressPrinter::installSignalHandler() {
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

bool ProgressPrinter::stopRequested() { return g_interrupts.load() > 0; }

void ProgressPrinter::endLine() {
    if (m_lineOpen) {
        std::fputc('\n', stderr);
        m_lineOpen = false;
    }
}

void ProgressPrinter::onStarted(int64_t runId, int64_t totalSteps) {
    if (!m_quiet) {
        std::fprintf(stderr, "run %lld: %lld steps (Ctrl-C stops cleanly)\n", (long long)runId,
                     (long long)totalSteps);
    }
}

void ProgressPrinter::onProgress(const mor::TrainingProgress& p) {
    if (m_quiet) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - m_lastPrint).count();
    const bool last = p.step == p.totalSteps;
    if (!last && since < (m_tty ? 0.1 : 5.0)) {
        return;
    }
    m_lastPrint = now;
    const double frac = p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 0.0;
    char val[32] = "";
    if (m_lastValAccuracy >= 0) {
        std::snprintf(val, sizeof val, " val %.3f", m_lastValAccuracy);
    }
    if (m_tty) {
        constexpr int width = 28;
        const int filled = int(frac * width);
        std::string bar(size_t(filled), '=');
        if (filled < width) {
            bar += '>';
            bar += std::string(size_t(width - filled - 1), ' ');
        }
        std::fprintf(stderr, "\r[%s] %3d%% step %lld/%lld ep %lld/%lld loss %.4f%s %.0f/s ETA %s \x1b[K",
                     bar.c_str(), int(frac * 100), (long long)p.step, (long long)p.totalSteps,
                     (long long)p.epoch, (long long)p.epochs, p.loss, val, p.samplesPerSecond,
                     clock(p.etaSeconds).c_str());
        m_lineOpen = true;
    } else {
        std::fprintf(stderr, "step %lld/%lld (%d%%) epoch %lld loss %.4f%s %.0f samples/s ETA %s\n",
                     (long long)p.step, (long long)p.totalSteps, int(frac * 100),
                     (long long)p.epoch, p.loss, val, p.samplesPerSecond,
                     clock(p.etaSeconds).c_str());
    }
    std::fflush(stderr);
}

void ProgressPrinter::onEvaluation(int64_t step, const mor::EvalResult& v) {
    m_lastValAccuracy = v.accuracy;
    if (!m_quiet && !m_tty) {
        std::fprintf(stderr,
                     "eval step %lld: val accuracy %.4f, mean depth %.2f, expert-steps %.2f, "
                     "conflict rate %.3f\n",
                     (long long)step, v.accuracy, v.meanDepth, v.expertStepsPerInput,
                     v.conflictRate);
    }
}

void ProgressPrinter::onEvent(const std::string& level, const std::string& message) {
    if (m_quiet && level != "error") {
        return;
    }
    endLine();
    std::fprintf(stderr, "%s: %s\n", level.c_str(), message.c_str());
}

void ProgressPrinter::onFinished(const std::string& status) {
    endLine();
    if (!m_quiet) {
        std::fprintf(stderr, "run %s\n", status.c_str());
    }
}
