// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How much each swept parameter matters for a chosen result, over the sweep's finished runs:
// Pearson's r (numeric parameters) and a one-way ANOVA (eta squared, F). Most important first.
#include "sweeps/sweepdata.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace sweeps {

class ImportanceTable : public QWidget {
    Q_OBJECT
public:
    explicit ImportanceTable(QWidget* parent = nullptr);
    void setData(const SweepData& data);
    void setResult(Result result);
    Result result() const;
    QTableWidget* table() const { return m_table; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void retranslateUi();

    SweepData m_data;
    QLabel* m_resultLabel;
    QComboBox* m_result;
    QTableWidget* m_table;
    QLabel* m_note;
};

} // namespace sweeps
