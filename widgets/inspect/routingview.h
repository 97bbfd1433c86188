#pragma once
#include "common/inspectview.h"

namespace inspect {

/// View 4: routing heatmaps (inputs x experts, class x expert), load per expert, evolution.
class RoutingView : public common::InspectView {
    Q_OBJECT
public:
    explicit RoutingView(QWidget* parent = nullptr);
    ~RoutingView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;
    /// Shows the routing snapshot of evaluation step `step` (the evolution slider follows).
    void showStep(qint64 step);
    qint64 shownStep() const;

private:
    /// MoMa groups (issue 23): the group x expert heatmap of the traced inputs of the shown step
    /// (hidden for a run without router.groups).
    void updateGroups();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
