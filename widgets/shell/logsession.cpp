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
    m_openPool.setMaxThreadCount(4);  // opens, each with connections of its own
    m_writePool.setMaxThreadCount(1); // the edits share the writer, in the order asked
    connect(&m_timer, &QTimer::timeout, this, &LogSession::pollInBackground);
}

LogSession::~LogSession() {
    // Reads not begun are dropped; the pools wait for the ones under way.
    m_viewPool.clear();
    m_readPool.clear();
    m_openPool.clear();
    m_writePool.waitForDone(); // an edit asked for is written before the window goes
}

struct LogSession::Opening {
    QString path; ///< absolute
    QString error; ///< non-empty: nothing below is set
    std::shared_ptr<mor::ExperimentLog> writer;
    std::shared_ptr<const mor::LogReader> reader, pollReader, viewReader;
    int64_t stamp = -1;
    std::shared_ptr<const std::vector<mor::RunSummary>> runs; ///< when asked for

    /// Opens the writer (marking runs of dead processes interrupted) and the three readers of
    /// `path`, reads its change stamp and, with `readRuns`, its run list. Any thread.
    static Opening of(const QString& path, bool readRuns) {
        Opening o;
        o.path = QFileInfo(path).absoluteFilePath();
        QDir().mkpath(QFileInfo(o.path).absolutePath());
        const std::string file = o.path.toStdString();
        std::string message;
        std::shared_ptr<mor::ExperimentLog> writer = mor::ExperimentLog::open(file, &message);
        if (!writer) {
            o.error = QString::fromStdString(message);
            return o;
        }
        writer->markStaleRunsInterrupted(kStaleRunMs);
        writer->flush();
        auto readerOpened = mor::LogReader::open(file);
        if (!readerOpened) {
            o.error = QString::fromStdString(readerOpened.error());
            return o;
        }
        auto reader = std::make_shared<const mor::LogReader>(std::move(readerOpened).value());
        // A second connection for the background polls (never shared with the views' reads,
        // so a poll stuck in a held log does not block them on the reader's lock), a third
        // for the views' reads; without them the main one serves.
        if (auto opened = mor::LogReader::open(file)) {
            o.pollReader = std::make_shared<const mor::LogReader>(std::move(opened).value());
        }
        if (auto opened = mor::LogReader::open(file)) {
            o.viewReader = std::make_shared<const mor::LogReader>(std::move(opened).value());
        }
        o.stamp = reader->changeStamp();
        if (readRuns) {
            std::string error;
            if (auto runs = reader->tryRuns(&error)) {
                o.runs = std::make_shared<const std::vector<mor::RunSummary>>(std::move(*runs));
            } // else the browser reads the list itself (and reports what fails)
        }
        o.writer = std::move(writer);
        o.reader = std::move(reader);
        return o;
    }
};

bool LogSession::open(const QString& path, QString* error) {
    ++m_openRequests; // a background open asked for before this one is dropped
    m_opening = false;
    Opening o = Opening::of(path, false);
    return install(o, error);
}

void LogSession::openInBackground(const QString& path) {
    const quint64 request = ++m_openRequests;
    m_opening = true;
    using Result = std::shared_ptr<Opening>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        const Result o = watcher->result();
        if (request != m_openRequests) {
            return; // superseded by a later open: this one's connections close here
        }
        m_opening = false;
        QString error;
        const bool ok = install(*o, &error);
        Q_EMIT openFinished(o->path, ok ? QString() : error);
    });
    watcher->setFuture(QtConcurrent::run(
        &m_openPool, [path] { return std::make_shared<Opening>(Opening::of(path, true)); }));
}

bool LogSession::install(Opening& o, QString* error) {
    if (!o.error.isEmpty() || !o.reader) {
        if (error) {
            *error = o.error.isEmpty() ? tr("the log could not be opened") : o.error;
        }
        return false;
    }
    m_writer = std::move(o.writer);
    m_reader = std::move(o.reader);
    m_pollReader = std::move(o.pollReader);
    m_viewReader = std::move(o.viewReader);
    ++m_generation;
    m_polling = false;
    m_pollAgain = false;
    m_path = o.path;
    m_lastStamp = o.stamp;
    m_failing = false;
    m_timer.start();
    Q_EMIT opened(m_path);
    m_polledRuns = std::move(o.runs); // for the handlers of changed()
    Q_EMIT changed();
    m_polledRuns.reset();
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
