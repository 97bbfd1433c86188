// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweepgrouptable.h"

#include "sweeps/sweepformat.h"

#include <QEvent>
#include <QHeaderView>

#include <cmath>
#include <utility>

namespace sweeps {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kGroupRole = Qt::UserRole + 2;

/// Sorts by the number in kSortRole (NaN last) instead of the text.
class NumberItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override {
        const QVariant a = data(kSortRole), b = other.data(kSortRole);
        if (a.isValid() && b.isValid()) {
            const double x = a.toDouble(), y = b.toDouble();
            if (std::isnan(x) || std::isnan(y)) {
                return !std::isnan(x) && std::isnan(y);
            }
            return x < y;
        }
        return QTableWidgetItem::operator<(other);
    }
};

} // namespace

SweepGroupTable::SweepGroupTable(QWidget* parent) : QTableWidget(parent) {
    setObjectName(QStringLiteral("sweepGroupTable"));
    setColumnCount(ColumnCount);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->setVisible(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    setSortingEnabled(true);
    retranslateUi();
}

void SweepGroupTable::setData(const SweepData& data) {
    const QList<int> keep = selectedGroups();
    setSortingEnabled(false);
    m_params = int(data.paramKeys.size());
    m_keys = data.paramKeys;
    m_perToken = data.perToken;
    setColumnCount(m_params + ColumnCount);
    setRowCount(int(data.groups.size()));
    for (int row = 0; row < data.groups.size(); ++row) {
        const GroupRow& g = data.groups[row];
        for (int p = 0; p < m_params; ++p) {
            const QString text = displayValue(g.params.value(p));
            auto* item = new NumberItem(text);
            bool numeric = false;
            const double v = text.toDouble(&numeric);
            if (numeric) {
                item->setData(kSortRole, v);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            }
            item->setData(kGroupRole, row);
            item->setToolTip(g.label);
            setItem(row, p, item);
        }
        auto* seeds = new NumberItem(tr("%1 / %2").arg(g.group.n).arg(g.entries));
        seeds->setData(kSortRole, double(g.group.n));
        seeds->setData(kGroupRole, row);
        seeds->setTextAlignment(Qt::AlignCenter);
        setItem(row, column(Seeds), seeds);
        const std::pair<Column, const mor::MeanInterval*> cells[] = {
            {TestAccuracy, &g.group.testAccuracy}, {ExpertSteps, &g.group.expertSteps},
            {Flops, &g.group.flops},               {TimePerInput, &g.latencyMs},
            {RunSeconds, &g.group.seconds}};
        for (const auto& [c, interval] : cells) {
            auto* item = new NumberItem(formatInterval(*interval));
            item->setData(kSortRole, interval->mean);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (std::isfinite(interval->low)) {
                item->setToolTip(tr("mean %1, 95% CI [%2, %3], n = %4")
                                     .arg(interval->mean, 0, 'g', 6)
                                     .arg(interval->low, 0, 'g', 6)
                                     .arg(interval->high, 0, 'g', 6)
                                     .arg(interval->n));
            }
            setItem(row, column(c), item);
        }
    }
    // A compute measure no run of the sweep logged (expert-steps and time for sequence models)
    // is a column of dashes: hidden, so the measures that are there fit without scrolling.
    for (int c = 0; c < columnCount(); ++c) {
        setColumnHidden(c, false);
    }
    const std::pair<Column, Result> measures[] = {
        {ExpertSteps, sweeps::ExpertSteps}, {Flops, sweeps::Flops}, {TimePerInput, LatencyMs}};
    for (const auto& [c, result] : measures) {
        setColumnHidden(column(c), !data.groups.isEmpty() && !anyGroupHas(data, result));
    }
    retranslateUi();
    setSortingEnabled(true);
    QSignalBlocker block(selectionModel());
    for (int row = 0; row < rowCount(); ++row) {
        if (keep.contains(groupOfRow(row))) {
            selectionModel()->select(model()->index(row, 0),
                                     QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
}

int SweepGroupTable::groupOfRow(int row) const {
    const QTableWidgetItem* it = item(row, column(Seeds));
    return it ? it->data(kGroupRole).toInt() : -1;
}

QList<int> SweepGroupTable::selectedGroups() const {
    QList<int> groups;
    for (const QModelIndex& index : selectionModel()->selectedRows()) {
        groups << groupOfRow(index.row());
    }
    return groups;
}

void SweepGroupTable::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QTableWidget::changeEvent(event);
}

void SweepGroupTable::retranslateUi() {
    QStringList headers;
    for (const QString& key : m_keys) {
        headers << key.section(QLatin1Char('.'), -1); // top_k, max_depth, ...
    }
    headers << tr("Seeds") << tr("Test accuracy") << tr("Expert-steps / input")
            << flopsName(m_perToken, true) << tr("ms / input") << tr("Run time (s)");
    setHorizontalHeaderLabels(headers);
    for (int p = 0; p < m_keys.size(); ++p) {
        horizontalHeaderItem(p)->setToolTip(m_keys[p]);
    }
    for (int c = TestAccuracy; c < ColumnCount; ++c) {
        horizontalHeaderItem(column(Column(c)))
            ->setToolTip(tr("Mean over the finished seeds ± half-width of the 95% Student-t "
                            "interval"));
    }
    horizontalHeaderItem(column(Seeds))->setToolTip(tr("Seeds finished / seeds in the sweep"));
}

} // namespace sweeps
