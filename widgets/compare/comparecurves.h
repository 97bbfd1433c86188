#pragma once
// The Compare view's plot: one metric of several runs overlaid. Each run keeps its colour
// (from its id); EMA smoothing draws the smoothed curve over a faint raw one; seed groups are
// drawn as a mean curve inside its 95% confidence band. The x axis is the step, wall time, or the
// compute spent (FLOPs or expert-steps). Drag to pan, wheel to zoom; hovering shows every curve's
// value at the nearest x.
#include <QColor>
#include <QWidget>

class QCustomPlot;
class QMouseEvent;

namespace compare {

class CompareCurves : public QWidget {
    Q_OBJECT
public:
    enum class XAxis { Step, WallTime, Flops, ExpertSteps };
    /// One run's points of the metric.
    struct Series {
        qint64 runId = -1;
        QString label;
        QColor color;
        QVector<double> steps, seconds, values; ///< seconds: wall time since the first point
        /// Compute spent by each point (compare::cumulativeCost); empty when the run has no
        /// measurement of it (it is then left out on that axis).
        QVector<double> flops, expertSteps;
    };

    explicit CompareCurves(QWidget* parent = nullptr);

    /// `groups` lists indexes into `series`; each group of two or more runs is drawn as one
    /// mean curve with a band when grouping is on.
    void setSeries(const QList<Series>& series, const QList<QList<int>>& groups);
    void setMetricName(const QString& key);
    void setSmoothing(double weight);
    void setXAxis(XAxis axis);
    void setLogScale(bool on);
    void setGrouped(bool on);
    /// Fits the axes to the data (after zooming or panning); new data refits again.
    void resetView();

    QCustomPlot* plot() const { return m_plot; }
    /// Curves drawn as a legend shows them (runs, or groups when grouped).
    int curveCount() const;
    /// The hover text at plot x coordinate `x` (step or seconds).
    QString valuesAt(double x) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Shown {
        QString label;
        QColor color;
        QVector<double> x, raw, smooth, low, high; ///< low/high (95% CI) only for groups
    };
    void rebuild();
    void restyle();
    /// Elides the legend's run names in the middle to the width of a legend column (ends cut
    /// off otherwise: sweep runs' names are long, and "seed=2 (#57)" tells them apart).
    void fitLegendNames();
    void onMouseMove(QMouseEvent* event);
    QString xLabel() const;
    QString xText(double x) const;

    QCustomPlot* m_plot;
    QList<Series> m_series;
    QList<QList<int>> m_groups;
    QList<Shown> m_shown;
    QString m_metric;
    double m_smoothing = 0.6;
    XAxis m_xAxis = XAxis::Step;
    bool m_logScale = false;
    bool m_grouped = false;
    bool m_userMoved = false; ///< panned or zoomed since the last resetView()
};

} // namespace compare
