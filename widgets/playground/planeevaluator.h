#pragma once
// Lives on its own thread: opens the run's latest checkpoint with mor::Predictor and answers
// a grid over the plane plus the test points, so the GUI thread never runs the model.
#include "planeframe.h"

#include <QObject>

class PlaneEvaluator : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

public Q_SLOTS:
    /// Emits frameReady when the run has a checkpoint newer than the last frame's (or when
    /// request.force); emits idle otherwise, so the caller knows it may ask again.
    void evaluate(const PlaneRequest& request);

Q_SIGNALS:
    void frameReady(const PlaneFrame& frame);
    void idle();

private:
    qint64 m_lastRun = -1;
    qint64 m_lastStep = -1;
};
