#pragma once
// The runs of an experiment log as a table: name, status, data set, created, duration,
// best accuracy, tags. refresh() updates rows in place (keyed by run id), so selection and
// scroll position survive the live updates.
#include "mor/log_reader.h"

#include <QAbstractTableModel>

#include <vector>

class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Status, Dataset, Created, Duration, BestAccuracy, Tags, ColumnCount };
    enum Role { RunIdRole = Qt::UserRole + 1, SortRole };
    explicit RunTableModel(QObject* parent = nullptr);

    /// Re-reads reader.runs() (null: clears) and applies the differences.
    void refresh(const mor::LogReader* reader);
    qint64 runId(int row) const;
    int rowOf(qint64 runId) const;
    const mor::RunSummary* run(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<mor::RunSummary> m_runs;
};
