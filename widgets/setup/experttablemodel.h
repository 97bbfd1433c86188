#pragma once
// The experts of a config as a table, one row per expert: cell, width, maximum depth,
// halting policy and its threshold. Edits come out as a whole new expert list, so the
// setup view can put them on its undo stack.
#include "mor/config.h"

#include <QAbstractTableModel>

#include <map>
#include <vector>

namespace setup {

class ExpertTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Cell, Width, MaxDepth, Halting, Threshold, ReadFeatures, ColumnCount };
    explicit ExpertTableModel(QObject* parent = nullptr);

    /// Replaces the experts (keeps the view's selection when the count is unchanged).
    void setExperts(const std::vector<mor::ExpertConfig>& experts);
    const std::vector<mor::ExpertConfig>& experts() const { return m_experts; }
    /// Errors per cell (row, column) -> message; shown as a red cell with a tooltip.
    void setErrors(const std::map<std::pair<int, int>, QString>& errors);
    /// The column a JSON key of an expert names ("max_depth" -> MaxDepth), -1 when none.
    static int columnForKey(const QString& key);
    /// The choices of a combo column (cells, halting policies); empty for numeric columns.
    static QStringList choices(int column);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

Q_SIGNALS:
    /// The user edited a cell; `experts` is the whole list with the edit applied.
    void expertsEdited(const std::vector<mor::ExpertConfig>& experts);

private:
    std::vector<mor::ExpertConfig> m_experts;
    std::map<std::pair<int, int>, QString> m_errors;
};

} // namespace setup
