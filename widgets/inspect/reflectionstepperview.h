#pragma once
#include "inspect/inspectview.h"

/// View 3: every reflection iteration of one input, with a step cursor.
class ReflectionStepperView : public InspectView {
    Q_OBJECT
public:
    explicit ReflectionStepperView(QWidget* parent = nullptr);
    ~ReflectionStepperView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;
    /// Opens input `sampleId` at evaluation step `step` (cursor on the integration when asked).
    void showSample(qint64 step, qint64 sampleId, bool atIntegration = false);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
