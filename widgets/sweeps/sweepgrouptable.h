// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One row per configuration of a sweep: one column per swept parameter, seeds finished of
// asked, and the mean ± 95% interval of test accuracy, expert-steps, FLOPs and time per input,
// and run time. Sorting is numeric (by the value or the mean).
#include "sweeps/sweepdata.h"

#include <QTableWidget>

namespace sweeps {

class SweepGroupTable : public QTableWidget {
    Q_OBJECT
public:
    /// The columns after the parameters' (column paramCount() + Seeds, ...).
    enum Column { Seeds, TestAccuracy, ExpertSteps, Flops, TimePerInput, RunSeconds,
                  ColumnCount };
    explicit SweepGroupTable(QWidget* parent = nullptr);

    void setData(const SweepData& data);
    int paramCount() const { return m_params; }
    /// The table column of a result column.
    int column(Column c) const { return m_params + int(c); }
    /// Group index (into SweepData::groups) of a table row (the table may be sorted).
    int groupOfRow(int row) const;
    /// Groups of the selected rows.
    QList<int> selectedGroups() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    int m_params = 0;
    QStringList m_keys;
    bool m_perToken = false; ///< FLOPs per token (a sweep of sequence models)
};

} // namespace sweeps
