#pragma once
// Lives on its own thread: opens the run's latest checkpoint with mor::Predictor and answers
// a grid over the plane plus the test points, so the GUI thread never runs the model.
#include "playground/planeframe.h"

#include <QObject>

#include <memory>

namespace mor {
class LogReader;
}

namespace playground {

class PlaneEvaluator : public QObject {
    Q_OBJECT
public:
    explicit PlaneEvaluator(QObject* parent = nullptr);
    ~PlaneEvaluator() override;

public Q_SLOTS:
    /// Emits frameReady when the run has a checkpoint newer than the last frame's (or when
    /// request.force); emits idle otherwise, so the caller knows it may ask again.
    void evaluate(const PlaneRequest& request);

Q_SIGNALS:
    void frameReady(const PlaneFrame& frame);
    void idle();

private:
    /// The newest checkpoint's step of the run (-1 when none): a cheap query, so a poll that
    /// finds nothing new does not reload the model.
    qint64 newestCheckpoint(const PlaneRequest& request);

    std::unique_ptr<mor::LogReader> m_reader;
    QString m_readerPath;
    qint64 m_lastRun = -1;
    qint64 m_lastStep = -1;
};

} // namespace playground
