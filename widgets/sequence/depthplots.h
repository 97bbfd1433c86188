#pragma once
// The sequence view's plots: mean recursion depth per token class, the depth distribution per
// class (stacked, in the depth colours) and mean depth against evaluation step.
#include "sequence/sequencestats.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;

namespace sequence {

/// The axis rect at least as tall as the vertical y-axis title is long, so the title is never
/// cut at both ends in a short plot (fit-height plots then grow to it).
void fitAxisRectToYLabel(QCustomPlot* plot);

class DepthPlots : public QWidget {
    Q_OBJECT
public:
    explicit DepthPlots(QWidget* parent = nullptr);

    /// Per-class statistics of the current evaluation step; `byDifficulty` names the axis.
    void setClassDepths(const std::vector<ClassDepth>& classes, int maxDepth, bool byDifficulty);
    /// Mean depth per evaluation step, overall and per class (perClass[c][i] for steps[i];
    /// NaN where the class has no tokens). The plot hides when fewer than two steps are logged.
    void setDepthByStep(const std::vector<int64_t>& steps, const std::vector<double>& overall,
                        const std::vector<std::vector<double>>& perClass,
                        const QStringList& classNames);
    void clear();
    /// Mixture-of-Depths (issue 23): a token's depth counts the blocks it went through; the
    /// titles, axes and legend say "blocks used". Call before setClassDepths().
    void setBlocksMode(bool blocks);
    bool blocksMode() const { return m_blocks; }

    QCustomPlot* meanDepthPlot() const { return m_mean; }
    QCustomPlot* distributionPlot() const { return m_distribution; }
    QCustomPlot* byStepPlot() const { return m_byStep; }
    /// The bars of the mean-depth plot (key i = class i).
    QCPBars* meanDepthBars() const { return m_meanBars; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();
    void setClassTicks(QCustomPlot* plot, const QStringList& names);

    QCustomPlot* m_mean;
    QCustomPlot* m_distribution;
    QCustomPlot* m_byStep;
    QCPBars* m_meanBars;
    bool m_byDifficulty = false;
    bool m_blocks = false;
};

} // namespace sequence
