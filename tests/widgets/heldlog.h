// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the held-log window tests share (tst_runbrowser_reads, tst_window_held_log): their log of
// three finished runs, and a meter of the event loop's worst gap while another process holds
// that log (lockholder.h).
#include "mor/experiment_log.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

namespace held_log {

/// The tests' log, made anew before each test (their init() calls make()): a new folder with
/// a log of the finished runs "first", "second" and "third".
class ThreeRunLog {
protected:
    void make() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
        std::string error;
        auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
        QVERIFY2(log, error.c_str());
        m_firstRun = -1;
        for (const char* name : {"first", "second", "third"}) {
            mor::RunInfo info;
            info.name = name;
            const int64_t id = log->createRun(info);
            log->setStatus(id, "finished");
            m_firstRun = m_firstRun < 0 ? id : m_firstRun;
        }
        log->flush();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    int64_t m_firstRun = -1;
};

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
