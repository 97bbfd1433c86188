#pragma once
// The Compare view's summary: one row per run with its status, final and best validation
// accuracy, the test metrics and the duration. Sortable; Ctrl+C copies the selected cells as
// tab-separated text (pastes into a spreadsheet).
#include <QTableWidget>

#include <memory>
#include <vector>

namespace compare {

struct RunRead;

class CompareSummary : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        Name,
        Status,
        FinalValAccuracy,
        BestValAccuracy,
        TestAccuracy,
        TestMeanDepth,
        TestExpertSteps,
        TestConflictRate,
        Duration,
        ColumnCount
    };
    explicit CompareSummary(QWidget* parent = nullptr);

    /// One row per run that exists (read by readCompare()).
    void setRuns(const std::vector<RunRead>& runs);
    /// The cell's value (double for numbers, string otherwise; invalid when the run has none).
    QVariant value(int row, int column) const;
    /// The selected cells, rows by newline and columns by tab (with a header line).
    QString selectionAsText() const;
    void copySelection() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
};

} // namespace compare
