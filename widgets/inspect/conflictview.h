#pragma once
#include "common/inspectview.h"

namespace inspect {

/// View 5: the integration conflicts of a run: table, histogram, rate, accuracy vs score.
class ConflictView : public common::InspectView {
    Q_OBJECT
public:
    explicit ConflictView(QWidget* parent = nullptr);
    ~ConflictView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;

private:
    void updatePlots();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
