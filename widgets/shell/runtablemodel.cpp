#include "shell/runtablemodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace shell {

namespace {
QString formatDuration(double seconds) {
    if (seconds < 0) {
        return {};
    }
    const qint64 s = static_cast<qint64>(seconds + 0.5);
    if (s < 60) {
        return QStringLiteral("%1 s").arg(s);
    }
    if (s < 3600) {
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1:%2:%3")
        .arg(s / 3600)
        .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

QColor statusColor(const std::string& status) {
    if (status == "running")
        return QColor(33, 150, 243);
    if (status == "finished")
        return QColor(67, 160, 71);
    if (status == "failed")
        return QColor(229, 57, 53);
    if (status == "stopped" || status == "interrupted")
        return QColor(251, 140, 0);
    return {};
}

bool sameRow(const mor::RunSummary& a, const mor::RunSummary& b) {
    return a.name == b.name && a.status == b.status && a.dataset == b.dataset && a.seed == b.seed &&
           a.updatedMs == b.updatedMs && a.finishedMs == b.finishedMs && a.tags == b.tags &&
           a.bestAccuracy == b.bestAccuracy && a.notes == b.notes && a.lastStep == b.lastStep;
}
} // namespace

RunTableModel::RunTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString RunTableModel::statusText(const std::string& status) {
    if (status == "running")
        return tr("running");
    if (status == "finished")
        return tr("finished");
    if (status == "failed")
        return tr("failed");
    if (status == "stopped")
        return tr("stopped");
    if (status == "interrupted")
        return tr("interrupted");
    return QString::fromStdString(status);
}

bool RunTableModel::refresh(const mor::LogReader* reader, QString* error) {
    std::vector<mor::RunSummary> fresh;
    if (reader) {
        std::string message;
        std::optional<std::vector<mor::RunSummary>> runs = reader->tryRuns(&message);
        if (!runs) {
            if (error) {
                *error = QString::fromStdString(message);
            }
            return false;
        }
        fresh = std::move(*runs);
    }
    setRuns(std::move(fresh));
    return true;
}

void RunTableModel::setRuns(std::vector<mor::RunSummary> fresh) {
    // Rows that went away.
    for (int row = rowCount() - 1; row >= 0; --row) {
        const qint64 id = m_runs[static_cast<size_t>(row)].id;
        const bool kept = std::any_of(fresh.begin(), fresh.end(),
                                      [id](const mor::RunSummary& r) { return r.id == id; });
        if (!kept) {
            beginRemoveRows({}, row, row);
            m_runs.erase(m_runs.begin() + row);
            endRemoveRows();
        }
    }
    // Rows that changed or are new (appended in the reader's order).
    for (mor::RunSummary& run : fresh) {
        const int row = rowOf(run.id);
        if (row >= 0) {
            if (!sameRow(m_runs[static_cast<size_t>(row)], run)) {
                m_runs[static_cast<size_t>(row)] = std::move(run);
                Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            } else {
                m_runs[static_cast<size_t>(row)] = std::move(run);
            }
        } else {
            const int at = rowCount();
            beginInsertRows({}, at, at);
            m_runs.push_back(std::move(run));
            endInsertRows();
        }
    }
}

bool RunTableModel::hasRunningRun() const {
    return std::any_of(m_runs.begin(), m_runs.end(),
                       [](const mor::RunSummary& r) { return r.status == "running"; });
}

qint64 RunTableModel::runId(int row) const {
    return row >= 0 && row < rowCount() ? m_runs[static_cast<size_t>(row)].id : -1;
}

int RunTableModel::rowOf(qint64 runId) const {
    for (size_t i = 0; i < m_runs.size(); ++i) {
        if (m_runs[i].id == runId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

const mor::RunSummary* RunTableModel::run(int row) const {
    return row >= 0 && row < rowCount() ? &m_runs[static_cast<size_t>(row)] : nullptr;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    const mor::RunSummary* r = run(index.row());
    if (!r) {
        return {};
    }
    if (role == RunIdRole) {
        return static_cast<qlonglong>(r->id);
    }
    const double duration = r->createdMs > 0 ? r->durationSeconds() : -1.0;
    if (role == SortRole) {
        switch (index.column()) {
        case Id:
            return static_cast<qlonglong>(r->id);
        case Seed:
            return static_cast<qlonglong>(r->seed);
        case Created:
            return static_cast<qlonglong>(r->createdMs);
        case Duration:
            return duration;
        case BestAccuracy:
            return r->bestAccuracy;
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Id:
            return static_cast<qlonglong>(r->id);
        case Seed:
            return static_cast<qlonglong>(r->seed);
        case Name:
            return QString::fromStdString(r->name);
        case Status:
            return statusText(r->status);
        case Dataset:
            return QString::fromStdString(r->dataset);
        case Created:
            // To the second: runs started in the same minute must not look alike.
            return QDateTime::fromMSecsSinceEpoch(r->createdMs)
                .toLocalTime()
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Duration:
            return formatDuration(duration);
        case BestAccuracy:
            return r->bestAccuracy < 0
                       ? QString()
                       : QStringLiteral("%1 %").arg(r->bestAccuracy * 100.0, 0, 'f', 1);
        case Tags: {
            QStringList tags;
            for (const std::string& t : r->tags) {
                tags << QString::fromStdString(t);
            }
            return tags.join(QStringLiteral(", "));
        }
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status) {
        const QColor c = statusColor(r->status);
        return c.isValid() ? QVariant(QBrush(c)) : QVariant();
    }
    if (role == Qt::ToolTipRole) {
        QString tip = tr("Run %1").arg(r->id);
        if (!r->notes.empty()) {
            tip += QStringLiteral("\n") + QString::fromStdString(r->notes);
        }
        return tip;
    }
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Id || index.column() == Seed || index.column() == Duration ||
         index.column() == BestAccuracy)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case Id:
        return tr("Id");
    case Seed:
        return tr("Seed");
    case Name:
        return tr("Name");
    case Status:
        return tr("Status");
    case Dataset:
        return tr("Data set");
    case Created:
        return tr("Created");
    case Duration:
        return tr("Duration");
    case BestAccuracy:
        return tr("Best accuracy");
    case Tags:
        return tr("Tags");
    default:
        return {};
    }
}

} // namespace shell
