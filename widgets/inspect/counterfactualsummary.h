#pragma once
// The stepper's run summary (issue 19): test accuracy of the checkpoint had every input halted
// at step k (each k), with each expert vetoed, and with the router replaced by each fixed
// expert (the best one marked) — as a table and a bar plot. Computed by core's
// counterfactualTable (the call `mor eval --counterfactual` makes) off the GUI thread.
#include <mor/trainer.h>

#include <QWidget>

#include <memory>

class QCustomPlot;
class QTableWidget;

namespace mor {
class LogReader;
}

namespace inspect {

class CounterfactualSummary : public QWidget {
    Q_OBJECT
public:
    explicit CounterfactualSummary(QWidget* parent = nullptr);
    ~CounterfactualSummary() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// The checkpoint: the one at or before evaluation step `step` (< 0: the last).
    void setStep(qint64 step);
    /// Computes the table (asynchronously; `computed` when done).
    void compute();
    bool isBusy() const;
    /// The table on screen (empty before compute()).
    const mor::CounterfactualTable& table() const;

    QTableWidget* tableWidget() const;
    QCustomPlot* plot() const;

Q_SIGNALS:
    void computed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void show(const mor::CounterfactualTable& table);
    void drawPlot();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
