#include "inspect/conflictfilterproxy.h"

#include "inspect/conflicttablemodel.h"

namespace inspect {

ConflictFilterProxy::ConflictFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(ConflictTableModel::SortRole);
}

void ConflictFilterProxy::setText(const QString& text) {
    m_text = text.trimmed();
    invalidateFilter();
}

void ConflictFilterProxy::setWrongOnly(bool on) {
    m_wrongOnly = on;
    invalidateFilter();
}

void ConflictFilterProxy::setStep(qint64 step) {
    m_step = step;
    invalidateFilter();
}

bool ConflictFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* model = qobject_cast<const ConflictTableModel*>(sourceModel());
    if (!model || sourceParent.isValid()) {
        return false;
    }
    const mor::ConflictRecord& c = model->conflict(sourceRow);
    if (m_wrongOnly && c.correct) {
        return false;
    }
    if (m_step >= 0 && c.step != m_step) {
        return false;
    }
    if (m_text.isEmpty()) {
        return true;
    }
    for (int column = 0; column < ConflictTableModel::ColumnCount; ++column) {
        const QString cell = model->index(sourceRow, column).data(Qt::DisplayRole).toString();
        if (cell.contains(m_text, Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

} // namespace inspect
