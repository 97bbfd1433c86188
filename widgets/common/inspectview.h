#pragma once
// Common interface of the views that inspect one run of an open log (stepper, routing,
// conflicts). The main window owns the LogReader and hands it to every view.
#include <QWidget>

#include <memory>

class QThreadPool;

namespace mor {
class LogReader;
}

namespace common {

class InspectView : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    /// Shows run `runId` of `reader` (null reader or runId < 0 clears the view).
    virtual void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) = 0;
    /// Re-reads the log (called when the log changed, e.g. a run grew).
    virtual void refresh() = 0;
    /// Where the view's log reads run (the window's LogSession::viewReadPool(), issue 21): the
    /// data comes back to the GUI thread. A view given none reads on the calling thread.
    virtual void setReadPool(QThreadPool* pool) { Q_UNUSED(pool); }
    /// True while a read asked for (setRun, refresh) is not shown yet.
    virtual bool isReading() const { return false; }

Q_SIGNALS:
    /// The user asked to open an input in the reflection stepper.
    void sampleActivated(qint64 step, qint64 sampleId, bool atIntegration);
    /// The user asked to open token `token` of probe sequence `sequence` (its index in the
    /// step's traces) of a recursion run at recursion `recursion`, in the Sequence tab.
    void tokenActivated(qint64 step, int sequence, int token, int recursion);
};

} // namespace common
