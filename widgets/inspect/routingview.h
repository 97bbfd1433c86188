#pragma once
#include "common/inspectview.h"
#include "common/routingheatmap.h"

class QThreadPool;

namespace inspect {

/// View 4: routing heatmaps (inputs x experts, class x expert), load per expert, evolution.
/// For a recursion run (token traces, no routing snapshots): tokens x recursions of the
/// router's scores, depth (or difficulty class) x recursion, tokens per recursion.
class RoutingView : public common::InspectView {
    Q_OBJECT
public:
    explicit RoutingView(QWidget* parent = nullptr);
    ~RoutingView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;
    /// The log reads of setRun(), refresh() and showStep() run there (issue 21); none: inline.
    void setReadPool(QThreadPool* pool) override;
    /// Shows the routing snapshot of evaluation step `step` (the evolution slider follows).
    void showStep(qint64 step);
    qint64 shownStep() const;
    /// The run whose data is shown (-1: none); setRun() changes it once its data was read.
    qint64 shownRun() const;
    /// True while a read asked for has not been shown yet.
    bool isReading() const override;

    struct StepRead; ///< plain data of a read (routingview.cpp)
    struct RunRead;

protected:
    void changeEvent(QEvent* event) override;

private:
    /// Columns are experts, or (a recursion run) recursions: labels, plots and combo texts.
    void setRecursionMode(bool recursion);
    void setColumns(common::RoutingHeatmap::Columns columns);
    void retranslateModes();
    /// Shows a snapshot read by readStep() (the GUI-thread half of showStep()).
    void applyStep(StepRead& read);
    /// MoMa groups (issue 23): the group x expert heatmap of the traced inputs of the shown step
    /// (hidden for a run without router.groups), from the traces read with the snapshot.
    void updateGroups();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
