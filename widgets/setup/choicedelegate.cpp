#include "setup/choicedelegate.h"

#include "setup/experttablemodel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>

namespace setup {

QWidget* ChoiceDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                                      const QModelIndex& index) const {
    const QStringList choices = ExpertTableModel::choices(index.column());
    if (!choices.isEmpty()) {
        auto* combo = new QComboBox(parent);
        combo->addItems(choices);
        return combo;
    }
    if (index.column() == ExpertTableModel::Threshold) {
        auto* spin = new QDoubleSpinBox(parent);
        spin->setRange(-1.0, 2.0); // out-of-range values are allowed so the validator can flag them
        spin->setDecimals(3);
        spin->setSingleStep(0.05);
        return spin;
    }
    auto* spin = new QSpinBox(parent);
    spin->setRange(0, 100000);
    return spin;
}

void ChoiceDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const {
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        combo->setCurrentText(index.data(Qt::EditRole).toString());
        return;
    }
    QStyledItemDelegate::setEditorData(editor, index);
}

void ChoiceDelegate::setModelData(QWidget* editor, QAbstractItemModel* model,
                                  const QModelIndex& index) const {
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        model->setData(index, combo->currentText(), Qt::EditRole);
        return;
    }
    if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->interpretText();
        model->setData(index, spin->value(), Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

} // namespace setup
