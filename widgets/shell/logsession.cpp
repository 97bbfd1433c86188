#include "shell/logsession.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>
#include <string>

namespace shell {

namespace {
// A run whose heartbeat is older than this belongs to a process that died.
constexpr qint64 kStaleRunMs = 120 * 1000;
} // namespace

LogSession::LogSession(QObject* parent) : QObject(parent) {
    m_timer.setInterval(1000);
    m_readPool.setMaxThreadCount(2); // a poll and a check
    m_viewPool.setMaxThreadCount(1); // the views' reads share one connection
    m_writePool.setMaxThreadCount(1); // the edits share the writer, in the order asked
    connect(&m_timer, &QTimer::timeout, this, &LogSession::pollInBackground);
}

LogSession::~LogSession() {
    // Reads not begun are dropped; the pools wait for the ones under way.
    m_viewPool.clear();
    m_readPool.clear();
    m_writePool.waitForDone(); // an edit asked for is written before the window goes
}

bool LogSession::open(const QString& path, QString* error) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QDir().mkpath(QFileInfo(absolute).absolutePath());
    std::string message;
    auto writer = mor::ExperimentLog::open(absolute.toStdString(), &message);
    if (!writer) {
        if (error) {
            *error = QString::fromStdString(message);
        }
        return false;
    }
    writer->markStaleRunsInterrupted(kStaleRunMs);
    writer->flush();
    auto readerOpened = mor::LogReader::open(absolute.toStdString());
    if (!readerOpened) {
        if (error) {
            *error = QString::fromStdString(readerOpened.error());
        }
        return false;
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(std::move(readerOpened).value());
    m_writer = std::move(writer);
    m_reader = std::move(reader);
    // A second connection for the background polls (never shared with the views' reads, so a
    // poll stuck in a held log does not block them on the reader's lock).
    auto pollOpened = mor::LogReader::open(absolute.toStdString());
    m_pollReader = nullptr;
    if (pollOpened) {
        m_pollReader = std::make_shared<const mor::LogReader>(std::move(pollOpened).value());
    }
    auto viewOpened = mor::LogReader::open(absolute.toStdString());
    m_viewReader = nullptr;
    if (viewOpened) {
        m_viewReader = std::make_shared<const mor::LogReader>(std::move(viewOpened).value());
    }
    ++m_generation;
    m_polling = false;
    m_pollAgain = false;
    m_path = absolute;
    m_lastStamp = m_reader->changeStamp();
    m_failing = false;
    m_timer.start();
    Q_EMIT opened(m_path);
    Q_EMIT changed();
    return true;
}

void LogSession::poll() {
    if (!m_reader) {
        return;
    }
    // An open connection keeps reading a file that was moved or deleted, while writers (a new
    // `mor train`) would start a new file under the path: a missing file is a failed read.
    if (!QFileInfo::exists(m_path)) {
        reportReadFailure(tr("The log file %1 is missing (moved or deleted?)").arg(m_path));
        return;
    }
    std::string error;
    const std::optional<int64_t> stamp = m_reader->tryChangeStamp(&error);
    handleStamp(stamp, QString::fromStdString(error));
}

void LogSession::pollInBackground() {
    if (!m_reader) {
        return;
    }
    if (m_polling) {
        m_pollAgain = true; // it may have read the log before what the caller wrote
        return;
    }
    if (!m_pollReader) {
        poll();
        return;
    }
    struct Read {
        std::optional<int64_t> stamp;
        QString error;
        bool missing = false;
        std::shared_ptr<const std::vector<mor::RunSummary>> runs;
    };
    m_polling = true;
    const quint64 generation = m_generation;
    const int64_t lastStamp = m_lastStamp;
    const bool everyPoll = m_runsEveryPoll || m_failing;
    auto* watcher = new QFutureWatcher<Read>(this);
    connect(watcher, &QFutureWatcher<Read>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation) {
            return; // another log was opened meanwhile
        }
        m_polling = false;
        const Read read = watcher->result();
        if (read.missing) {
            reportReadFailure(tr("The log file %1 is missing (moved or deleted?)").arg(m_path));
        } else {
            m_polledRuns = read.runs; // for the handlers of changed() and polled()
            handleStamp(read.stamp, read.error);
            m_polledRuns.reset();
        }
        if (m_pollAgain && generation == m_generation) {
            m_pollAgain = false;
            pollInBackground();
        }
    });
    watcher->setFuture(QtConcurrent::run(&m_readPool, [reader = m_pollReader, path = m_path,
                                                       lastStamp, everyPoll] {
        Read read;
        read.missing = !QFileInfo::exists(path);
        if (!read.missing) {
            std::string error;
            read.stamp = reader->tryChangeStamp(&error);
            read.error = QString::fromStdString(error);
            // Something changed: the run list too, here rather than in the window. A list that
            // cannot be read fails the poll (nothing is re-read; the next poll tries again).
            if (read.stamp && (*read.stamp != lastStamp || everyPoll)) {
                auto runs = reader->tryRuns(&error);
                if (runs) {
                    read.runs = std::make_shared<const std::vector<mor::RunSummary>>(
                        std::move(*runs));
                } else {
                    read.stamp.reset();
                    read.error = QString::fromStdString(error);
                }
            }
        }
        return read;
    }));
}

void LogSession::edit(const QString& what, std::function<bool(mor::ExperimentLog&)> change) {
    if (!m_writer) {
        return;
    }
    ++m_editsPending;
    const quint64 generation = m_generation;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, generation, what] {
                watcher->deleteLater();
                --m_editsPending;
                const QString error = watcher->result();
                if (!error.isNull()) {
                    Q_EMIT editFailed(tr("%1 failed: %2").arg(what, error));
                }
                if (generation == m_generation) {
                    pollInBackground(); // show the edit (another log opened meanwhile: its own)
                }
            });
    watcher->setFuture(
        QtConcurrent::run(&m_writePool, [writer = m_writer, change = std::move(change)] {
            if (change(*writer)) {
                return QString(); // null: written
            }
            const std::string why = writer->lastError();
            return QString::fromStdString(why.empty() ? "not written" : why);
        }));
}

void LogSession::handleStamp(std::optional<int64_t> stamp, const QString& error) {
    if (!stamp) {
        reportReadFailure(error);
        return;
    }
    const bool retry = m_failing;
    m_failing = false;
    if (*stamp == m_lastStamp && !retry) {
        Q_EMIT polled();
        return;
    }
    m_lastStamp = *stamp;
    Q_EMIT changed(); // views whose read fails again call reportReadFailure() from here
    if (retry && !m_failing) {
        Q_EMIT readRecovered();
    }
}

void LogSession::reportReadFailure(const QString& message) {
    m_failing = true;
    Q_EMIT readFailed(message);
}

} // namespace shell
