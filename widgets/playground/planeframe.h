#pragma once
// One picture of the model on the plane: what the Playground paints, computed off the GUI
// thread by PlaneEvaluator from the run's latest checkpoint.
#include <QMetaType>
#include <QRectF>
#include <QString>
#include <QVector>

namespace playground {

struct PlaneFrame {
    qint64 step = -1;  ///< checkpoint step the frame was computed from
    int grid = 0;      ///< the plane is grid × grid cells, row 0 at the top (largest y)
    QRectF bounds;     ///< plane coordinates covered (x left→right, y bottom→top)
    int numClasses = 0;
    int numExperts = 0;
    int maxDepth = 1;  ///< largest reflection depth of any expert (scale of the depth map)
    QVector<qint8> answer;      ///< fused answer per cell
    QVector<float> confidence;  ///< fused probability of the answer per cell
    QVector<float> gates;       ///< [cell × numExperts] gate of each expert (0 = not used)
    QVector<float> depth;       ///< deepest reflection among the cell's experts
    QVector<float> conflict;    ///< conflict score (Jensen–Shannon divergence, bits)
    double accuracy = -1.0;     ///< on the data set's test split at this checkpoint (-1: none)
    /// With PlaneRequest::steps: every expert's draft at every reflection step, [cell × expert
    /// × step] (step 0 = iteration 1); -1 / 0 where the expert did not run that step there.
    int steps = 0;
    QVector<qint8> stepAnswer;
    QVector<float> stepConfidence;
    int stepIndex(int cell, int expert, int step) const {
        return (cell * numExperts + expert) * steps + step;
    }
};

/// What to evaluate: the run, the grid, and the test points whose accuracy the frame reports.
struct PlaneRequest {
    QString logPath;
    qint64 runId = -1;
    int grid = 64;
    QRectF bounds;
    QVector<float> testFeatures; ///< [n × 2], raw as generated
    QVector<qint64> testLabels;
    bool force = false;          ///< evaluate even when the checkpoint has not changed
    bool steps = false;          ///< also trace every expert's draft per step (slower)
};

} // namespace playground

Q_DECLARE_METATYPE(playground::PlaneFrame)
Q_DECLARE_METATYPE(playground::PlaneRequest)
