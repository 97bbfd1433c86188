#pragma once
// The conflicts of a run as a table: one row per ConflictRecord of the log.
#include <mor/trace.h>

#include <QAbstractTableModel>

#include <vector>

namespace inspect {

class ConflictTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Step,
        Input,
        Score,
        Experts,
        Winner,
        Margin,
        Resolved,
        Label,
        Result,
        Resolution,
        ColumnCount
    };
    /// Raw value for sorting (numbers sort as numbers).
    static constexpr int SortRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;
    void setConflicts(std::vector<mor::ConflictRecord> conflicts);
    const mor::ConflictRecord& conflict(int row) const { return m_rows[size_t(row)]; }
    const std::vector<mor::ConflictRecord>& conflicts() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<mor::ConflictRecord> m_rows;
};

/// "E0, E2" for a list of expert indices.
QString expertList(const std::vector<int>& experts);

} // namespace inspect
