#pragma once
// The stepper's "What if" page (issue 19): the knobs, and the input on screen traced twice on
// the checkpoint of its evaluation step — as the model is and under the intervention — side
// by side. Computed by core's Run::trace (the call `mor trace` makes) off the GUI
// thread.
#include <mor/trace.h>

#include <QWidget>

#include <memory>

namespace mor {
class LogReader;
}

namespace inspect {

class CounterfactualControls;
class TraceComparison;

class CounterfactualView : public QWidget {
    Q_OBJECT
public:
    explicit CounterfactualView(QWidget* parent = nullptr);
    ~CounterfactualView() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId);
    /// The same with the run's config read elsewhere (the stepper's read on a worker).
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId,
                const std::string& configJson);
    /// The input the counterfactual is about: sample `sampleId` on the checkpoint at or before
    /// evaluation step `step` (sampleId < 0: none). Drops a result of another input.
    void setInput(qint64 step, qint64 sampleId);
    /// Computes the original and the counterfactual trace of the input (asynchronously).
    void run();
    bool isBusy() const;

    CounterfactualControls* controls() const;
    TraceComparison* comparison() const;

Q_SIGNALS:
    /// A run() finished (its traces are shown, or its error is).
    void computed();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
