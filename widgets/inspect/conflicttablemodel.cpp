#include "inspect/conflicttablemodel.h"

#include "common/plotstyle.h"

#include <QStringList>

namespace inspect {

QString expertList(const std::vector<int>& experts) {
    QStringList names;
    for (int e : experts) {
        names << QString("E%1").arg(e);
    }
    return names.join(", ");
}

void ConflictTableModel::setConflicts(std::vector<mor::ConflictRecord> conflicts) {
    beginResetModel();
    m_rows = std::move(conflicts);
    endResetModel();
}

int ConflictTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConflictTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ConflictTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_rows.size())) {
        return {};
    }
    const mor::ConflictRecord& c = m_rows[size_t(index.row())];
    if (role == SortRole) {
        switch (index.column()) {
        case Step:
            return qlonglong(c.step);
        case Input:
            return qlonglong(c.sampleId);
        case Score:
            return double(c.score);
        case Experts:
            return expertList(c.experts);
        case Winner:
            return c.winner;
        case Margin:
            return double(c.margin);
        case Resolved:
            return qlonglong(c.resolvedPred);
        case Label:
            return qlonglong(c.label);
        case Result:
            return c.correct ? 1 : 0;
        case Resolution:
            return QString::fromStdString(c.resolution);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Step:
            return qlonglong(c.step);
        case Input:
            return QString("#%1").arg(c.sampleId);
        case Score:
            return common::fmt(c.score, 3);
        case Experts:
            return expertList(c.experts);
        case Winner:
            return c.winner >= 0 ? QString("E%1").arg(c.winner) : tr("none");
        case Margin:
            return common::fmt(c.margin, 3);
        case Resolved:
            return qlonglong(c.resolvedPred);
        case Label:
            return qlonglong(c.label);
        case Result:
            return c.correct ? tr("right") : tr("wrong");
        case Resolution:
            return QString::fromStdString(c.resolution);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Result) {
        return common::verdictColor(c.correct);
    }
    if (role == Qt::TextAlignmentRole && index.column() != Experts &&
        index.column() != Resolution) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ToolTipRole) {
        return tr("Double-click to open input #%1 in the stepper at the integration")
            .arg(c.sampleId);
    }
    return {};
}

QVariant ConflictTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case Step:
        return tr("Step");
    case Input:
        return tr("Input");
    case Score:
        return tr("Score D");
    case Experts:
        return tr("Experts");
    case Winner:
        return tr("Winner");
    case Margin:
        return tr("Margin");
    case Resolved:
        return tr("Resolved");
    case Label:
        return tr("Label");
    case Result:
        return tr("Result");
    case Resolution:
        return tr("Resolution");
    }
    return {};
}

} // namespace inspect
