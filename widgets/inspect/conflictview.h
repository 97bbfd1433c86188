#pragma once
#include "common/inspectview.h"

class QThreadPool;

namespace inspect {

/// View 5: the integration conflicts of a run: table, histogram, rate, accuracy vs score.
class ConflictView : public common::InspectView {
    Q_OBJECT
public:
    explicit ConflictView(QWidget* parent = nullptr);
    ~ConflictView() override;
    void setRun(std::shared_ptr<const mor::LogReader> reader, qint64 runId) override;
    void refresh() override;
    void setReadPool(QThreadPool* pool) override;
    bool isReading() const override;
    /// The run whose conflicts are shown (-1: none); setRun() changes it once they were read.
    qint64 shownRun() const;

    struct Read; ///< plain data of a read (conflictview.cpp)

private:
    void applyRead(Read& read);
    void updatePlots();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace inspect
