// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Compare view's seed groups (runs whose configs differ only in the seed, as a sweep's
// configuration is): the final value of the metric per group as mean ± 95% CI over its runs,
// and Welch's t-test (t, degrees of freedom, two-sided p) between the two selected groups.
#include "compare/comparestats.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QTableWidget;

namespace compare {

class CompareGroups : public QWidget {
    Q_OBJECT
public:
    struct Group {
        QString label;
        std::vector<double> values; ///< the metric's final value per run (finite ones)
    };
    explicit CompareGroups(QWidget* parent = nullptr);

    /// Keeps the selected pair when the same groups come back (a run still training).
    void setGroups(const QList<Group>& groups, const QString& metric);
    /// Selects two groups (rows in the order given) to test.
    void selectGroups(int a, int b);
    /// The test between the two selected groups (NaN fields unless two are selected).
    compare::WelchResult test() const;
    QString testText() const;
    QTableWidget* table() const { return m_table; }

protected:
    void changeEvent(QEvent* event) override;

private:
    QList<int> selectedRows() const;
    void updateTest();
    void retranslateUi();

    QList<Group> m_groups;
    QString m_metric;
    QTableWidget* m_table;
    QLabel* m_test;
};

} // namespace compare
