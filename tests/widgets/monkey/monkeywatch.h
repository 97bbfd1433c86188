#pragma once
// What makes the monkey test fail, besides its own assertions: a hang (the GUI thread's event
// loop does not turn, or the window is not repainted, for a limit), a crash (a fatal signal),
// and a Qt warning. Each prints the seed and the last event so the failure can be replayed.
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

class QWidget;

namespace monkey {

class Watch : public QObject {
    Q_OBJECT
public:
    /// Watches `window` (repaints) and the GUI thread; `hangMs` is the limit for both.
    Watch(QWidget* window, quint64 seed, int hangMs);
    ~Watch() override;

    /// The event being sent now (printed with any failure).
    void setLastEvent(int index, const std::string& description);
    /// Qt warnings and criticals seen so far (allow-listed ones left out).
    QStringList warnings() const;
    int repaints() const { return m_repaints.load(); }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void beat();
    void watchLoop();

    QWidget* m_window;
    int m_hangMs;
    QTimer m_beat;
    std::atomic<qint64> m_lastBeat{0};
    std::atomic<qint64> m_lastPaint{0};
    std::atomic<qint64> m_paintRequested{0}; ///< 0: no repaint asked for and not yet done
    std::atomic<int> m_repaints{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

/// Installs the Qt message handler and the crash handlers (once per process).
void installHandlers(quint64 seed);
/// Warnings recorded by the message handler.
QStringList recordedWarnings();
/// Ends the process as failed when it is still running after `ms` (stuck in a loop that
/// turns but never ends, e.g. a drag that waits for a release); prints the last event.
void failAfter(int ms, quint64 seed);
/// Prints the GUI thread's stack (or every thread's) to stderr through gdb, when there is one.
void printStacks(bool allThreads);
/// The last event, as the crash handler and the watchdog print it.
void noteEvent(int index, const std::string& description);

} // namespace monkey
