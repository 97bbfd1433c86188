#pragma once
// The sequence view (Mixture-of-Recursions models): the text of a probe sequence with every
// token coloured by how many recursions it received, a recursion stepper for the clicked token,
// and depth histograms per token class (and across evaluation steps). Any text the user types is
// traced through the run's checkpoint off the GUI thread by the engine EngineAccess holds, so
// this library stays free of torch.
#include "common/inspectview.h"
#include "sequence/generatepanel.h"

#include <mor/token_trace.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sequence {

class DepthPlots;
class RecursionStepper;
class TokenDepthModel;
class TokenFlowWidget;

class SequenceView : public common::InspectView {
    Q_OBJECT
public:
    /// Traces `text` through the checkpoint of run `runId` at evaluation step `step` of the log
    /// at `logPath`. Returns the trace (one element) or nothing with *error set. Runs on a
    /// worker thread.
    using TextTracer = std::function<std::vector<mor::TokenTrace>(
        const std::string& logPath, int64_t runId, int64_t step, const std::string& text,
        std::string* error)>;

    explicit SequenceView(QWidget* parent = nullptr);
    ~SequenceView() override;

    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    /// Re-reads the log; while the view is hidden only the list of traced steps.
    void refresh() override;
    /// Shows traces held in memory instead of a log's (evaluation step -> probe traces).
    void setTraces(const std::map<int64_t, std::vector<mor::TokenTrace>>& byStep);
    /// True when the run on screen has token traces (the main window shows the tab then).
    bool hasTokenTraces() const;

    /// Replaces the tracer (a new view traces through EngineAccess's engine when one is
    /// installed, else has none).
    void setTextTracer(TextTracer tracer);
    /// Traces `text` at the current evaluation step (what the Trace button does); the result is
    /// added to the sequence list and shown. False when no tracer or run is set.
    bool traceText(const QString& text);

    /// Replaces the generator (a new view generates through EngineAccess's engine when one is
    /// installed, else has none).
    void setTextGenerator(sequence::GeneratePanel::TextGenerator generator);
    /// Continues `prompt` with the run's checkpoint of the current step, off the GUI thread
    /// (what the Generate button does with the typed text); generatePanel() signals the end.
    bool generateText(const QString& prompt);
    sequence::GeneratePanel* generatePanel() const;

    /// Reads of the log run on `pool` (the log session's view pool) and are shown when they come
    /// back; a newer setRun() supersedes an older read. Without a pool the view reads on the
    /// calling thread (a view built on its own, outside a window).
    void setReadPool(QThreadPool* pool) override;
    /// True from a read of the log until what it read is shown (or a newer read dropped it).
    bool isReading() const;
    /// The run whose traces are on screen (-1: none; it trails setRun() while a read is under
    /// way or while the log does not answer).
    qint64 shownRun() const;

    /// Shows probe sequence `index` (position in the step's traces) at evaluation step `step`.
    bool showSequence(qint64 step, int index);
    qint64 evaluationStep() const;
    /// The trace on screen (null when none).
    const mor::TokenTrace* currentTrace() const;
    /// Selects a token (opens it in the recursion stepper).
    void selectToken(int row);
    /// Opens token `row` of probe sequence `index` at evaluation step `step` at recursion `r`
    /// (the Routing tab's click); while the step's traces are being read, once they are shown.
    void showToken(qint64 step, int index, int row, int r);

    sequence::TokenDepthModel* tokenModel() const;
    sequence::TokenFlowWidget* tokenFlow() const;
    sequence::RecursionStepper* recursionStepper() const;
    sequence::DepthPlots* depthPlots() const;

Q_SIGNALS:
    /// Token traces appeared for the run or went away.
    void tokenTracesAvailable(bool available);
    /// A typed text was traced (ok) or tracing failed (message shown in the view).
    void textTraced(bool ok);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void read(bool reset);
    void reload();
    void onStepChosen();
    void onSequenceChosen();
    void fillSequenceCombo(int select);
    void updatePlots();
    void updateTracingControls();
    void retranslate();
    void showPendingToken();
    /// "25 token(s), mean depth 1.48, 5 of 8 predicted right" (sequencesummary.cpp).
    static QString summaryOf(const mor::TokenTrace& trace);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace sequence
