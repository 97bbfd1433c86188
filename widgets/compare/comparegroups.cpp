// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/comparegroups.h"

#include "sweeps/sweepformat.h"

#include "mor/sweep.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace compare {

CompareGroups::CompareGroups(QWidget* parent)
    : QWidget(parent), m_table(new QTableWidget(0, 3, this)), m_test(new QLabel(this)) {
    setObjectName(QStringLiteral("compareGroups"));
    m_table->setObjectName(QStringLiteral("compareGroupTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::MultiSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_test->setObjectName(QStringLiteral("welchTest"));
    m_test->setWordWrap(true);
    m_test->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_test);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        // At most two: the newest click replaces the oldest of the pair.
        QList<int> rows = selectedRows();
        if (rows.size() > 2) {
            QSignalBlocker block(m_table->selectionModel());
            m_table->clearSelection();
            selectGroups(rows[rows.size() - 2], rows.last());
        }
        updateTest();
    });
    retranslateUi();
}

QList<int> CompareGroups::selectedRows() const {
    QList<int> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        rows << index.row();
    }
    return rows;
}

void CompareGroups::setGroups(const QList<Group>& groups, const QString& metric) {
    QList<int> keep = selectedRows();
    bool sameGroups = groups.size() == m_groups.size();
    for (int i = 0; sameGroups && i < groups.size(); ++i) {
        sameGroups = groups[i].label == m_groups[i].label;
    }
    m_groups = groups;
    m_metric = metric;
    QSignalBlocker block(m_table->selectionModel());
    m_table->clearSelection();
    m_table->setRowCount(int(groups.size()));
    for (int row = 0; row < groups.size(); ++row) {
        const mor::MeanInterval m = mor::meanInterval(groups[row].values);
        auto* label = new QTableWidgetItem(groups[row].label);
        label->setToolTip(groups[row].label);
        m_table->setItem(row, 0, label);
        auto* n = new QTableWidgetItem(QString::number(m.n));
        n->setTextAlignment(Qt::AlignCenter);
        m_table->setItem(row, 1, n);
        auto* value = new QTableWidgetItem(sweeps::formatInterval(m));
        value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 2, value);
    }
    if (!sameGroups || keep.size() != 2) {
        // The first two groups with two or more runs: a test is there to read at once.
        keep.clear();
        for (int row = 0; row < groups.size() && keep.size() < 2; ++row) {
            if (groups[row].values.size() >= 2) {
                keep << row;
            }
        }
    }
    if (keep.size() == 2) {
        selectGroups(keep[0], keep[1]);
    }
    retranslateUi();
}

void CompareGroups::selectGroups(int a, int b) {
    for (int row : {a, b}) {
        if (row >= 0 && row < m_table->rowCount()) {
            m_table->selectionModel()->select(
                m_table->model()->index(row, 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
    updateTest();
}

compare::WelchResult CompareGroups::test() const {
    const QList<int> rows = selectedRows();
    if (rows.size() != 2) {
        return {};
    }
    return compare::welchTTest(m_groups.value(rows[0]).values, m_groups.value(rows[1]).values);
}

QString CompareGroups::testText() const {
    return m_test->text();
}

void CompareGroups::updateTest() {
    QList<int> rows = selectedRows();
    std::sort(rows.begin(), rows.end());
    if (rows.size() != 2) {
        m_test->setText(tr("Select two groups to compare their final %1 with Welch's t-test.")
                            .arg(m_metric));
        return;
    }
    const compare::WelchResult r = test();
    if (!std::isfinite(r.t)) {
        m_test->setText(tr("Welch's t-test needs two or more runs with a final %1 in each "
                           "group, and some spread.")
                            .arg(m_metric));
        return;
    }
    m_test->setText(
        tr("Welch's t-test on the final %1, %2 vs %3: difference of means %4, t = %5, "
           "dof = %6, p = %7 (two-sided)%8")
            .arg(m_metric, m_groups[rows[0]].label, m_groups[rows[1]].label,
                 QString::number(r.meanDifference, 'g', 3), QString::number(r.t, 'f', 2),
                 QString::number(r.dof, 'f', 1), QString::number(r.p, 'g', 2))
            .arg(r.p < 0.05 ? tr(": significant at the 5% level.")
                            : tr(": not significant at the 5% level.")));
}

void CompareGroups::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QWidget::changeEvent(event);
}

void CompareGroups::retranslateUi() {
    m_table->setHorizontalHeaderLabels(
        {tr("Seed group"), tr("n"),
         m_metric.isEmpty() ? tr("Final value: mean ± 95% CI")
                            : tr("Final %1: mean ± 95% CI").arg(m_metric)});
    updateTest();
}

} // namespace compare
