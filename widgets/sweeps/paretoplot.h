// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Accuracy against compute per configuration of a sweep: each configuration a point at its
// means with its 95% intervals as error bars in both directions, the Pareto front (nothing
// cheaper is as accurate) joined by a line. Compute is FLOPs, expert-steps or time per input.
#include "sweeps/sweepdata.h"

#include <QWidget>

class QCustomPlot;
class QCPItemText;
class QMouseEvent;

namespace sweeps {

class ParetoPlot : public QWidget {
    Q_OBJECT
public:
    explicit ParetoPlot(QWidget* parent = nullptr);

    void setData(const SweepData& data);
    /// The compute axis: ExpertSteps, Flops or LatencyMs.
    void setCost(Result cost);
    Result cost() const { return m_cost; }
    /// Configurations on the front (indexes into SweepData::groups), cheapest first.
    QList<int> front() const { return m_front; }
    /// Configurations drawn strong (the rest faint); empty: all normal.
    void setHighlightedGroups(const QList<int>& groups);
    QCustomPlot* plot() const { return m_plot; }
    /// The note shown in place of points when none has a value on the compute axis.
    QString emptyText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuild();
    void restyle();
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPItemText* m_empty = nullptr;
    SweepData m_data;
    Result m_cost = Flops;
    QList<int> m_front;
    QList<int> m_highlighted;
};

} // namespace sweeps
