// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The pruning panel's sweep plot: test accuracy (%) against the sparsity (%) of the expert
// weights (or the depth cap, for depth pruning), one point per pruned child run, right after
// pruning and after fine-tuning, with the parent's accuracy as a dashed reference line.
#include <QVector>
#include <QWidget>

class QCustomPlot;

namespace shell {

class PrunePlot : public QWidget {
    Q_OBJECT
public:
    struct Point {
        double x = 0.0;           ///< sparsity in % (or the depth cap)
        double pruned = 0.0;      ///< test accuracy in % right after pruning
        double after = 0.0;       ///< test accuracy in % of the child run (after fine-tuning)
        qint64 runId = 0;
    };
    explicit PrunePlot(QWidget* parent = nullptr);

    /// depthAxis: x is the maximum reflection depth, not a sparsity.
    void setPoints(const QVector<Point>& points, double parentAccuracy, bool fineTuned,
                   bool depthAxis);
    QCustomPlot* plot() const { return m_plot; }
    const QVector<Point>& points() const { return m_points; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();

    QCustomPlot* m_plot;
    QVector<Point> m_points;
    double m_parentAccuracy = 0.0;
    bool m_fineTuned = false, m_depthAxis = false;
};

} // namespace shell
