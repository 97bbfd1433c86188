#include "logsession.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QDir>
#include <QFileInfo>

#include <optional>
#include <string>

namespace {
// A run whose heartbeat is older than this belongs to a process that died.
constexpr qint64 kStaleRunMs = 120 * 1000;
} // namespace

LogSession::LogSession(QObject* parent) : QObject(parent) {
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &LogSession::poll);
}

LogSession::~LogSession() = default;

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
    std::shared_ptr<const mor::LogReader> reader =
        mor::LogReader::open(absolute.toStdString(), &message);
    if (!reader) {
        if (error) {
            *error = QString::fromStdString(message);
        }
        return false;
    }
    m_writer = std::move(writer);
    m_reader = std::move(reader);
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
    if (!stamp) {
        reportReadFailure(QString::fromStdString(error));
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
