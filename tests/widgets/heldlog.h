// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the held-log window tests share (tst_runbrowser_reads, tst_window_held_log): their log of
// three finished runs, and a meter of the event loop's worst gap while another process holds
// that log (lockholder.h).
#include "mor/experiment_log.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

namespace held_log {

/// Writes a new log at `path` with the finished runs "first", "second" and "third"; returns
/// the first one's id, or -1 with *error.
inline int64_t writeThreeRuns(const QString& path, QString* error) {
    std::string message;
    auto log = mor::ExperimentLog::open(path.toStdString(), &message);
    if (!log) {
        *error = QString::fromStdString(message);
        return -1;
    }
    int64_t first = -1;
    for (const char* name : {"first", "second", "third"}) {
        mor::RunInfo info;
        info.name = name;
        const int64_t id = log->createRun(info);
        log->setStatus(id, "finished");
        first = first < 0 ? id : first;
    }
    log->flush();
    return first;
}

/// The worst gap between turns of the event loop since it was made: a 20 ms timer notes how
/// long it has been since its last tick (a read of a held log on the GUI thread shows as a
/// gap of ~10 s). `onTick` runs at every tick too.
class GapMeter {
public:
    explicit GapMeter(std::function<void()> onTick = {}) {
        m_clock.start();
        QObject::connect(&m_tick, &QTimer::timeout, [this, onTick = std::move(onTick)] {
            m_worst = std::max(m_worst, m_clock.elapsed() - m_last);
            m_last = m_clock.elapsed();
            if (onTick) {
                onTick();
            }
        });
        m_tick.start(20);
    }
    qint64 worst() const { return m_worst; }
    void stop() { m_tick.stop(); }

private:
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_worst = 0;
    QTimer m_tick;
};

} // namespace held_log
