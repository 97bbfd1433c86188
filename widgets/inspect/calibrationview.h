#pragma once
// The stepper's calibration page (issue 19): is the critique's "P(my draft is right)" honest?
// A reliability diagram per reflection step (mean critique vs observed accuracy per bin, with
// the count of each bin), the expected calibration error (ECE) per step, and ECE over
// training; a second run can be overlaid (dashed).
//
// Sources: ECE over training and the answer-critique's reliability table come from the log
// (mor::readCalibration). The per-step diagrams are built from traces (mor::reliabilityPerStep):
// first the logged probe traces of the last evaluation, then — off the GUI thread — the
// checkpoint re-run on every input the log lists (probe and validation).
#include <mor/calibration_log.h>

#include <QWidget>

#include <memory>

class QComboBox;
class QCustomPlot;
class QLabel;

class QThreadPool;

namespace mor {
class LogReader;
}

namespace inspect {

class CalibrationView : public QWidget {
    Q_OBJECT
public:
    explicit CalibrationView(QWidget* parent = nullptr);
    ~CalibrationView() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// Where its log reads run (the window's view pool, issue 21); none: on this thread.
    void setReadPool(QThreadPool* pool);
    /// True while a read asked for is not shown yet.
    bool isReading() const;
    /// Overlays run `runId` of the same log (< 0: none).
    void setOverlayRun(qint64 runId);
    /// The reflection step whose diagram is shown (0: the answer-critique, as logged).
    void setShownStep(int t);

    /// What is shown, for tests: per run (0 = selected, 1 = overlay) the per-step reliability
    /// tables, the logged calibration history, and whether the tables come from re-running the
    /// checkpoint (true) or from the logged probe traces (false).
    struct RunData {
        qint64 runId = -1;
        QString name;
        std::vector<mor::CalibrationPoint> history;
        std::vector<std::vector<mor::ReliabilityBin>> perStep;
        int64_t tracedInputs = 0;
        bool fromCheckpoint = false;
        QString traceError;
    };
    const RunData& runData(int which) const;
    bool isBusy() const;
    QCustomPlot* reliabilityPlot() const;
    QCustomPlot* ecePerStepPlot() const;
    QCustomPlot* eceHistoryPlot() const;
    struct Loaded; ///< what a load reads (calibrationview.cpp)

Q_SIGNALS:
    /// A background trace of run `runId` finished (its diagrams are drawn).
    void traced(qint64 runId);

protected:
    void changeEvent(QEvent* event) override;

private:
    void load(int which, qint64 runId);
    void applyLoad(int which, Loaded& loaded);
    void traceInBackground(int which, std::vector<int64_t> ids, bool hasCheckpoint);
    void rebuildStepChoices();
    void redraw();
    void drawReliability();
    void drawEcePerStep();
    void drawHistory();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
