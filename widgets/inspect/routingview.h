#pragma once
#include "inspect/inspectview.h"

/// View 4: routing heatmaps (inputs x experts, class x expert), load per expert, evolution.
class RoutingView : public InspectView {
    Q_OBJECT
public:
    explicit RoutingView(QWidget* parent = nullptr);
    ~RoutingView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};
