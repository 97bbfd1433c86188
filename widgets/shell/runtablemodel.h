#pragma once
// The runs of an experiment log as a table: id, name, status, data set, created (to the
// second), duration, best accuracy, seed, tags: three runs of one demo stay tellable apart. refresh() updates rows in place (keyed by run id), so selection and
// scroll position survive the live updates.
#include "mor/log_reader.h"

#include <QAbstractTableModel>

#include <vector>

namespace shell {

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Status,
        Dataset,
        Created,
        Duration,
        BestAccuracy,
        Seed,
        Tags,
        ColumnCount
    };
    enum Role { RunIdRole = Qt::UserRole + 1, SortRole };
    explicit RunTableModel(QObject* parent = nullptr);

    /// Re-reads the runs (null reader: clears) and applies the differences. A failed read
    /// keeps every row (it is not "all runs deleted"), returns false and sets *error.
    bool refresh(const mor::LogReader* reader, QString* error = nullptr);
    /// Applies runs read elsewhere (a background poll) as refresh() does.
    void setRuns(std::vector<mor::RunSummary> fresh);
    /// True while a run of the table is "running" (its process may die at any time).
    bool hasRunningRun() const;
    qint64 runId(int row) const;
    int rowOf(qint64 runId) const;
    const mor::RunSummary* run(int row) const;
    /// A run status as the user reads it ("finished" -> "beendet" in German); unknown
    /// statuses as they are.
    static QString statusText(const std::string& status);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<mor::RunSummary> m_runs;
};

} // namespace shell
