#pragma once
#include "common/inspectview.h"

class QThreadPool;

namespace inspect {

class CalibrationView;
class CounterfactualSummary;
class CounterfactualView;

/// View 3: every reflection iteration of one input, with a step cursor.
class ReflectionStepperView : public common::InspectView {
    Q_OBJECT
public:
    explicit ReflectionStepperView(QWidget* parent = nullptr);
    ~ReflectionStepperView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;
    void setReadPool(QThreadPool* pool) override;
    bool isReading() const override;
    /// The run whose traces are shown (-1: none); setRun() changes it once they were read.
    qint64 shownRun() const;
    /// Opens input `sampleId` at evaluation step `step` (cursor on the integration when asked).
    void showSample(qint64 step, qint64 sampleId, bool atIntegration = false);

    /// Step cursor: positions 0..stepCount()-1 are reflection iterations t = 1..T (T = the
    /// deepest selected expert); the last position, stepCount()-1, is the integration.
    int currentStep() const;
    int stepCount() const;
    void setCurrentStep(int position);
    bool isAtIntegration() const;
    /// The input and evaluation step on screen (-1 when none).
    qint64 currentSampleId() const;
    qint64 evaluationStep() const;
    /// The "What if" and "Run summary" pages (issue 19).
    inspect::CounterfactualView* counterfactualView() const;
    inspect::CounterfactualSummary* counterfactualSummary() const;
    /// The "Calibration" page.
    inspect::CalibrationView* calibrationView() const;
    /// Shows page `index` (0 reflection, 1 what if, 2 run summary, 3 calibration).
    void setPage(int index);

    struct Read; ///< plain data of a read (reflectionstepperview.cpp)

private:
    void applyRead(Read& read);
    /// Traces a non-probe input by re-running the checkpoint (off the GUI thread).
    void traceByCheckpoint(qint64 step, qint64 sampleId, bool atIntegration);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
