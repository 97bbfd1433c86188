#include "setup/experttablemodel.h"

#include <QBrush>
#include <QColor>

namespace setup {

namespace {

/// Sets `out` to the enum value named by the edited text; false for a name the list lacks.
template <class E>
bool expertTableChoice(const QVariant& value, const mor::ChoiceNames<E>& names, E& out) {
    for (const auto& [v, name] : names) {
        if (QString::fromStdString(name) == value.toString()) {
            out = v;
            return true;
        }
    }
    return false;
}

} // namespace

ExpertTableModel::ExpertTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ExpertTableModel::setExperts(const std::vector<mor::ExpertConfig>& experts) {
    if (experts.size() == m_experts.size()) {
        m_experts = experts;
        if (!m_experts.empty()) {
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        }
        return;
    }
    beginResetModel();
    m_experts = experts;
    endResetModel();
}

void ExpertTableModel::setErrors(const std::map<std::pair<int, int>, QString>& errors) {
    if (errors == m_errors) {
        return;
    }
    m_errors = errors;
    if (!m_experts.empty()) {
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

int ExpertTableModel::columnForKey(const QString& key) {
    if (key == QLatin1String("cell"))
        return Cell;
    if (key == QLatin1String("width"))
        return Width;
    if (key == QLatin1String("max_depth"))
        return MaxDepth;
    if (key == QLatin1String("halting"))
        return Halting;
    if (key == QLatin1String("halt_threshold"))
        return Threshold;
    if (key == QLatin1String("read_features"))
        return ReadFeatures;
    return -1;
}

QStringList ExpertTableModel::choices(int column) {
    if (column == Cell) {
        return {QStringLiteral("mlp"), QStringLiteral("gru"), QStringLiteral("transformer")};
    }
    if (column == Halting) {
        return {QStringLiteral("critique"), QStringLiteral("pondernet"), QStringLiteral("act"),
                QStringLiteral("fixed")};
    }
    return {};
}

int ExpertTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_experts.size());
}

int ExpertTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExpertTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const mor::ExpertConfig& e = m_experts[static_cast<size_t>(index.row())];
    const auto error = m_errors.find({index.row(), index.column()});
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (index.column()) {
        case Cell:
            return QString::fromStdString(mor::choiceName(e.cell, mor::expertCellNames()));
        case Width:
            return static_cast<qlonglong>(e.width);
        case MaxDepth:
            return static_cast<qlonglong>(e.maxDepth);
        case Halting:
            return QString::fromStdString(mor::choiceName(e.halting, mor::haltingRuleNames()));
        case Threshold:
            return e.haltThreshold;
        case ReadFeatures:
            return static_cast<qlonglong>(e.readFeatures);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && error == m_errors.end() && index.column() == ReadFeatures) {
        return tr("Input features the expert reads at every reflection step, the next ones each "
                  "step (0 = it sees only the encoding)");
    }
    if (role == Qt::BackgroundRole && error != m_errors.end()) {
        return QBrush(QColor(211, 47, 47, 110));
    }
    if (role == Qt::ToolTipRole && error != m_errors.end()) {
        return error->second;
    }
    return {};
}

QVariant ExpertTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) {
        return {};
    }
    if (orientation == Qt::Vertical) {
        return tr("Expert %1").arg(section);
    }
    switch (section) {
    case Cell:
        return tr("Cell");
    case Width:
        return tr("Width");
    case MaxDepth:
        return tr("Max depth");
    case Halting:
        return tr("Halting");
    case Threshold:
        return tr("Threshold");
    case ReadFeatures:
        return tr("Reads/step");
    default:
        return {};
    }
}

Qt::ItemFlags ExpertTableModel::flags(const QModelIndex& index) const {
    return QAbstractTableModel::flags(index) | Qt::ItemIsEditable;
}

bool ExpertTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || role != Qt::EditRole || index.row() >= rowCount()) {
        return false;
    }
    std::vector<mor::ExpertConfig> experts = m_experts;
    mor::ExpertConfig& e = experts[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case Cell:
        if (!expertTableChoice(value, mor::expertCellNames(), e.cell)) {
            return false;
        }
        break;
    case Width:
        e.width = value.toLongLong();
        break;
    case MaxDepth:
        e.maxDepth = value.toLongLong();
        break;
    case Halting:
        if (!expertTableChoice(value, mor::haltingRuleNames(), e.halting)) {
            return false;
        }
        break;
    case Threshold:
        e.haltThreshold = value.toDouble();
        break;
    case ReadFeatures:
        e.readFeatures = value.toLongLong();
        break;
    default:
        return false;
    }
    // The setup view applies the edit through its undo stack, which calls setExperts().
    Q_EMIT expertsEdited(experts);
    return true;
}

} // namespace setup
