#include "monkeywatch.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEvent>
#include <QMutex>
#include <QWidget>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace monkey {
namespace {

quint64 g_seed = 0;
// The last event, kept in a fixed buffer the crash handler can write without allocating.
char g_lastEvent[512] = "none yet";
std::mutex g_lastMutex;
QMutex g_warningMutex;
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;

qint64 nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Messages of the offscreen platform plugin about what it cannot do; not the app's fault.
bool allowListed(const QString& message) {
    return message.contains(QLatin1String("This plugin does not support"));
}

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if ((type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) &&
        !allowListed(message)) {
        char last[sizeof g_lastEvent];
        {
            std::lock_guard<std::mutex> lock(g_lastMutex);
            std::memcpy(last, g_lastEvent, sizeof last);
        }
        QMutexLocker lock(&g_warningMutex);
        g_warnings << QStringLiteral("%1 (after %2)").arg(message, QString::fromUtf8(last));
    }
    if (g_previous) {
        g_previous(type, context, message);
    } else {
        std::fprintf(stderr, "%s\n", qPrintable(message));
    }
}

void crashHandler(int signal) {
    char text[800];
    const int n = std::snprintf(text, sizeof text,
                                "\nmonkey: CRASH (signal %d); seed %llu; last event: %s\n"
                                "monkey: replay with: tst_monkey --seed %llu\n",
                                signal, static_cast<unsigned long long>(g_seed), g_lastEvent,
                                static_cast<unsigned long long>(g_seed));
    if (n > 0) {
        const ssize_t written = ::write(2, text, size_t(std::min(n, int(sizeof text) - 1)));
        (void)written;
    }
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

void printStacks(bool allThreads) {
    // Where the process is stuck, when gdb is there to say it (a developer's machine, most CI
    // images): the one thing a hang report needs besides the seed.
    if (std::system("command -v gdb >/dev/null 2>&1") != 0) {
        return;
    }
    const std::string which = allThreads ? "-ex 'thread apply all bt 30'" : "-ex 'thread 1' -ex 'bt 40'";
    const std::string command = "timeout 60 gdb -p " + std::to_string(::getpid()) + " -batch " +
                                which + " 2>/dev/null | grep -E '^#|^Thread' | c++filt >&2";
    std::fprintf(stderr, allThreads ? "monkey: every thread's stack:\n"
                                    : "monkey: the GUI thread's stack:\n");
    std::fflush(stderr);
    const int status = std::system(command.c_str());
    (void)status;
}

void installHandlers(quint64 seed) {
    g_seed = seed;
    g_previous = qInstallMessageHandler(&messageHandler);
    for (int s : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) {
        std::signal(s, &crashHandler);
    }
}

QStringList recordedWarnings() {
    QMutexLocker lock(&g_warningMutex);
    return g_warnings;
}

void failAfter(int ms, quint64 seed) {
    std::thread([ms, seed] {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        char last[sizeof g_lastEvent];
        {
            std::lock_guard<std::mutex> lock(g_lastMutex);
            std::memcpy(last, g_lastEvent, sizeof last);
        }
        std::fprintf(stderr,
                     "\nmonkey: FAIL: still running after %d s (a loop that never ends); seed "
                     "%llu; last event: %s\n",
                     ms / 1000, static_cast<unsigned long long>(seed), last);
        std::fflush(stderr);
        std::_Exit(5);
    }).detach();
}

void noteEvent(int index, const std::string& description) {
    std::lock_guard<std::mutex> lock(g_lastMutex);
    std::snprintf(g_lastEvent, sizeof g_lastEvent, "#%d %s", index, description.c_str());
}

Watch::Watch(QWidget* window, quint64 seed, int hangMs) : m_window(window), m_hangMs(hangMs) {
    g_seed = seed;
    m_lastBeat = nowMs();
    m_lastPaint = nowMs();
    window->installEventFilter(this);
    // Every 100 ms the event loop proves it turns, and asks for a repaint that must arrive.
    m_beat.setInterval(100);
    connect(&m_beat, &QTimer::timeout, this, &Watch::beat);
    m_beat.start();
    m_thread = std::thread([this] { watchLoop(); });
}

Watch::~Watch() {
    m_stop = true;
    m_thread.join();
}

void Watch::setLastEvent(int index, const std::string& description) {
    noteEvent(index, description);
}

QStringList Watch::warnings() const {
    return recordedWarnings();
}

bool Watch::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_window && event->type() == QEvent::Paint) {
        m_lastPaint = nowMs();
        m_paintRequested = 0;
        ++m_repaints;
    }
    return QObject::eventFilter(watched, event);
}

void Watch::beat() {
    const qint64 now = nowMs();
    m_lastBeat = now;
    // A hidden or minimised window is not painted; the monkey never hides it.
    if (m_window->isVisible() && m_paintRequested.load() == 0) {
        m_paintRequested = now;
        m_window->update();
    }
}

void Watch::watchLoop() {
    while (!m_stop) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const qint64 now = nowMs();
        const qint64 blocked = now - m_lastBeat.load();
        const qint64 asked = m_paintRequested.load();
        const qint64 unpainted = asked > 0 ? now - asked : 0;
        if (blocked < m_hangMs && unpainted < m_hangMs) {
            continue;
        }
        char last[sizeof g_lastEvent];
        {
            std::lock_guard<std::mutex> lock(g_lastMutex);
            std::memcpy(last, g_lastEvent, sizeof last);
        }
        std::fprintf(stderr,
                     "\nmonkey: HANG: %s for %lld ms; seed %llu; last event: %s\n"
                     "monkey: replay with: tst_monkey --seed %llu\n",
                     blocked >= m_hangMs ? "the GUI event loop did not turn"
                                         : "the window was not repainted",
                     static_cast<long long>(std::max(blocked, unpainted)),
                     static_cast<unsigned long long>(g_seed), last,
                     static_cast<unsigned long long>(g_seed));
        std::fflush(stderr);
        printStacks(false);
        std::_Exit(3);
    }
}

} // namespace monkey
