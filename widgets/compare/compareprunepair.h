// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Compare > Before/after: a pruned run (tag "pruned-from:N") and its parent side by side:
// test accuracy, test loss, mean depth, parameters, non-zero parameters, FLOPs and
// expert-steps per input as `mor prune` measured them (the child's prune/before/* and
// prune/after/* metrics), with the change. A recursion run (model.family in its logged config)
// reads per token, without the expert-steps row. Reads the log only.
#include <QList>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace mor {
struct RunSummary;
}

namespace compare {

struct PrunePairRead;

class ComparePrunePair : public QWidget {
    Q_OBJECT
public:
    enum Column { Before, After, Change, ColumnCount };
    /// Logical rows; TestLoss and MeanDepth are shown right under TestAccuracy.
    enum Row {
        TestAccuracy, Parameters, NonzeroParameters, Flops, SparseFlops, ExpertSteps, TestLoss,
        MeanDepth, RowCount
    };

    explicit ComparePrunePair(QWidget* parent = nullptr);
    /// Shows a pruned run and its parent (readPrunePair(): the first pruned run of a list; its
    /// parent need not be among them).
    void setPair(const PrunePairRead& pair);

    qint64 prunedRun() const { return m_child; }
    qint64 parentRun() const { return m_parent; }
    /// The value shown (accuracy in %), NaN when none.
    double value(int row, int column) const;
    QTableWidget* table() const { return m_table; }
    QLabel* titleLabel() const { return m_title; }
    /// Whether the shown pruned run is a recursion run (per-token rows, no expert-steps).
    bool isRecursion() const { return m_recursion; }

    /// The parent of a pruned run (from its "pruned-from:N" tag), -1 when it is not pruned.
    static qint64 parentOf(const mor::RunSummary& run);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    QLabel* m_title;
    QTableWidget* m_table;
    qint64 m_child = -1, m_parent = -1;
    bool m_recursion = false;
    QString m_childName, m_parentName, m_how;
    double m_values[RowCount][2] = {};
};

} // namespace compare
