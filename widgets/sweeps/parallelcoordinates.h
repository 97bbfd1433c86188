// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Parallel coordinates of a sweep: one vertical axis per swept parameter and per result, one
// line per finished run, coloured by its test accuracy. A parameter with the same value in
// every configuration gets no axis (constantParameters() names it; the Sweeps tab says so above
// the plot). Drag along an axis to brush a range (a click on the axis clears it): the runs
// inside every brush are emitted, and the Sweeps tab selects them in the run browser. Runs
// selected in the browser are drawn highlighted.
#include "sweeps/sweepdata.h"

#include <QColor>
#include <QList>
#include <QPair>
#include <QSet>
#include <QWidget>

class QFontMetricsF;

#include <optional>

namespace sweeps {

class ParallelCoordinates : public QWidget {
    Q_OBJECT
public:
    explicit ParallelCoordinates(QWidget* parent = nullptr);

    void setData(const SweepData& data);
    /// Runs drawn strong (the others faint); empty: every run normal.
    void setHighlighted(const QList<qint64>& runIds);
    QList<qint64> highlighted() const { return m_highlighted.values(); }

    int axisCount() const { return int(m_axes.size()); }
    /// Parameters with one value in every configuration of a sweep of several: (name, value as
    /// the table writes it), in the sweep's parameter order. They get no axis: a line through a
    /// single point tells nothing and took room the varied axes' labels needed.
    QList<QPair<QString, QString>> constantParameters() const { return m_constants; }
    QString axisName(int axis) const;
    /// The run's position on an axis, 0 (bottom) to 1 (top); NaN without a value.
    double position(int axis, qint64 runId) const;
    /// Brushes [low, high] in axis positions (0 bottom, 1 top), as a drag does.
    void setBrush(int axis, double low, double high);
    void clearBrushes();
    /// Runs inside every brush (all runs when there is none).
    QList<qint64> brushedRuns() const;
    /// Centre x of an axis in widget pixels, and the y of a position (tests, screenshots).
    double axisX(int axis) const;
    double positionY(double position) const;
    /// The tick labels of an axis, bottom to top (true / false for a boolean parameter).
    QStringList tickLabels(int axis) const;
    /// The width a tick label of the axis may take right of it before it is elided: up to the
    /// next axis, the last axis within the margin.
    double tickLabelRoom(int axis) const;
    /// Whether the axis names alternate between two rows (not all fit in one).
    bool namesStaggered() const;
    /// The colour of a run's line whose test accuracy lies at `share` (0 the sweep's lowest,
    /// 1 its highest) on a `background`: viridis, from where it stands out against it.
    static QColor scoreColor(double share, const QColor& background);

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

Q_SIGNALS:
    /// The brushes changed by the mouse; the runs inside all of them (empty: no brush left).
    void brushed(const QList<qint64>& runIds);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Axis {
        QString name, key;      ///< short name; dotted path or metric key (tooltip)
        int param = -1;         ///< index in SweepData::paramKeys (-1: a result axis)
        bool categorical = false;
        bool logScale = false;  ///< positive numbers spanning a decade or more
        QStringList categories; ///< for a categorical axis, bottom to top
        double min = 0.0, max = 1.0;
        QList<double> ticks;    ///< numeric axes with few distinct values: each value
        std::optional<std::pair<double, double>> brush;
    };
    void buildAxes();
    /// Fills m_positions (run x axis), so painting and brushing never search.
    void computePositions();
    double toPosition(const Axis& axis, double value) const;
    double valueOf(int axis, const RunRow& run) const;
    QRectF plotArea() const;
    int axisAt(const QPointF& pos) const;
    QString tickText(const Axis& axis, double value) const;
    /// Each value of a parameter with few values, else the two ends.
    QList<double> tickValues(const Axis& axis) const;
    bool staggerNames(const QFontMetricsF& fm, double slot) const;

    SweepData m_data;
    QList<Axis> m_axes;
    QList<QPair<QString, QString>> m_constants;
    QList<QList<double>> m_positions; ///< per run (m_data.runs order), per axis; NaN: none
    QSet<qint64> m_highlighted;
    int m_dragAxis = -1;
    double m_dragStart = 0.0;
    bool m_dragMoved = false;
};

} // namespace sweeps
