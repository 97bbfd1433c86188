#include "compare/comparesummary.h"

#include "shell/runtablemodel.h"

#include "compare/compareread.h"

#include <QApplication>
#include <QClipboard>
#include <QEvent>
#include <QHeaderView>
#include <QShortcut>

#include <algorithm>
#include <map>

namespace compare {

namespace {
/// An item that sorts by its Qt::UserRole number when it has one.
class SortItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override {
        const QVariant a = data(Qt::UserRole), b = other.data(Qt::UserRole);
        if (a.isValid() && b.isValid()) {
            return a.toDouble() < b.toDouble();
        }
        if (a.isValid() != b.isValid()) {
            return b.isValid(); // empty cells first
        }
        return QTableWidgetItem::operator<(other);
    }
};

QTableWidgetItem* cell(const std::map<std::string, double>& values, const char* key, int decimals) {
    const auto it = values.find(key);
    if (it == values.end()) {
        return new SortItem;
    }
    auto* item = new SortItem(QString::number(it->second, 'f', decimals));
    // The number itself sorts and is copied; the text is rounded for reading.
    item->setData(Qt::UserRole, it->second);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}
} // namespace

CompareSummary::CompareSummary(QWidget* parent) : QTableWidget(parent) {
    setObjectName(QStringLiteral("compareSummary"));
    setColumnCount(ColumnCount);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSortingEnabled(true);
    setAlternatingRowColors(true);
    verticalHeader()->setVisible(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    auto* copy = new QShortcut(QKeySequence::Copy, this, [this] { copySelection(); });
    copy->setContext(Qt::WidgetWithChildrenShortcut);
    retranslateUi();
}

void CompareSummary::setRuns(const std::vector<RunRead>& runs) {
    setSortingEnabled(false);
    clearContents();
    setRowCount(0);
    for (const RunRead& read : runs) {
        const std::optional<mor::RunSummary>& run = read.summary;
        if (!run) {
            continue;
        }
        std::map<std::string, double> values = read.lastMetrics;
        const std::vector<mor::MetricPoint>& val = read.valAccuracy;
        values.erase("val/accuracy");
        std::map<std::string, double> accuracy;
        if (!val.empty()) {
            accuracy["final"] = val.back().value;
            accuracy["best"] =
                std::max_element(val.begin(), val.end(), [](const auto& a, const auto& b) {
                    return a.value < b.value;
                })->value;
        }
        const int row = rowCount();
        insertRow(row);
        auto* name = new SortItem(
            QStringLiteral("%1 (#%2)").arg(QString::fromStdString(run->name)).arg(run->id));
        name->setData(Qt::UserRole + 1, QVariant::fromValue<qint64>(run->id));
        setItem(row, Name, name);
        setItem(row, Status, new SortItem(shell::RunTableModel::statusText(run->status)));
        setItem(row, FinalValAccuracy, cell(accuracy, "final", 4));
        setItem(row, BestValAccuracy, cell(accuracy, "best", 4));
        setItem(row, TestAccuracy, cell(values, "test/accuracy", 4));
        setItem(row, TestMeanDepth, cell(values, "test/mean_depth", 2));
        setItem(row, TestExpertSteps, cell(values, "test/expert_steps", 2));
        setItem(row, TestConflictRate, cell(values, "test/conflict_rate", 3));
        std::map<std::string, double> duration{{"d", run->durationSeconds()}};
        setItem(row, Duration, cell(duration, "d", 1));
    }
    setSortingEnabled(true);
}

QVariant CompareSummary::value(int row, int column) const {
    const QTableWidgetItem* it = item(row, column);
    if (!it) {
        return {};
    }
    const QVariant number = it->data(Qt::UserRole);
    if (number.isValid()) {
        return number.toDouble();
    }
    return it->text().isEmpty() ? QVariant() : QVariant(it->text());
}

QString CompareSummary::selectionAsText() const {
    QList<int> rows, columns;
    for (const QModelIndex& index : selectionModel()->selectedIndexes()) {
        if (!rows.contains(index.row())) {
            rows << index.row();
        }
        if (!columns.contains(index.column())) {
            columns << index.column();
        }
    }
    std::sort(rows.begin(), rows.end());
    std::sort(columns.begin(), columns.end());
    QStringList lines;
    QStringList header;
    for (int c : columns) {
        header << horizontalHeaderItem(c)->text();
    }
    lines << header.join(QLatin1Char('\t'));
    for (int r : rows) {
        QStringList fields;
        for (int c : columns) {
            const QTableWidgetItem* it = item(r, c);
            // Full precision for numbers: the copy is for further analysis, not for reading.
            const QVariant number = it ? it->data(Qt::UserRole) : QVariant();
            fields << (number.isValid() ? QString::number(number.toDouble(), 'g', 10)
                                        : (it ? it->text() : QString()));
        }
        lines << fields.join(QLatin1Char('\t'));
    }
    return rows.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void CompareSummary::copySelection() const {
    const QString text = selectionAsText();
    if (!text.isEmpty()) {
        QApplication::clipboard()->setText(text);
    }
}

void CompareSummary::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QTableWidget::changeEvent(event);
}

void CompareSummary::retranslateUi() {
    setHorizontalHeaderLabels({tr("Run"), tr("Status"), tr("Final val acc"), tr("Best val acc"),
                               tr("Test acc"), tr("Test mean depth"), tr("Test expert steps"),
                               tr("Test conflict rate"), tr("Duration (s)")});
}

} // namespace compare
