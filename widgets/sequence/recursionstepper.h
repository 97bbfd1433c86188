#pragma once
// One token's recursions r = 1..depth, one at a time: the router's score at r, whether the
// token continued into r + 1, what the model would have predicted had it stopped after r and
// the target's probability then; a plot of target probability and router score against r.
// First / Back / Next / Last / Play come from the stepper's StepCursorBar.
#include "sequence/sequencestats.h"

#include <mor/token_trace.h>

#include <QWidget>

#include <algorithm>

class QCustomPlot;
class QCPGraph;
class QCPBars;
class QCPItemStraightLine;
class QLabel;

namespace common {
class StepCursorBar;
} // namespace common

namespace sequence {

class RecursionStepper : public QWidget {
    Q_OBJECT
public:
    explicit RecursionStepper(QWidget* parent = nullptr);

    /// Shows token `row` of `trace` at recursion 1 (row out of range clears the panel).
    void setToken(const mor::TokenTrace& trace, int row, const Vocabulary& vocabulary = {});
    void clear();
    /// The token on screen (-1 = none) and its depth.
    int tokenRow() const { return m_row; }
    int depth() const;

    /// Current recursion r (1..depth; 0 when no token is shown).
    int recursion() const;
    void setRecursion(int r);
    common::StepCursorBar* cursor() const { return m_cursor; }
    /// "r = 2 of 3" (or "block 2/4"): where the cursor stands.
    QLabel* positionLabel() const { return m_position; }
    QCustomPlot* plot() const { return m_plot; }

    /// What the panel shows at the current recursion (the trace's values).
    double routerScore() const;
    bool continued() const;
    int64_t prediction() const;
    double targetProbability() const;
    /// Mixture-of-Depths (issue 23): the cursor walks every block 1..N instead of the token's
    /// recursions; whether the token went through the block under the cursor (1), skipped it (0)
    /// or the log did not record it (-1). -1 for other routings.
    int blockUsedAtCursor() const;
    bool isBlocksMode() const;
    /// The run's model.recursion.depth_every (depthEveryOf): a Mixture-of-Depths block without a
    /// router gets no score bar and "no router" instead of the stored 1. Applies to the next
    /// setToken().
    void setDepthEvery(int depthEvery) { m_depthEvery = std::max(1, depthEvery); }
    int depthEvery() const { return m_depthEvery; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void showRecursion();
    void showBlock(int r, int64_t pred, const QString& verdict);
    void restyle();
    const mor::TokenStep* token() const;

    mor::TokenTrace m_trace;
    Vocabulary m_vocabulary;
    int m_row = -1;
    int m_depthEvery = 1;
    QLabel* m_title;
    QLabel* m_position; ///< "r = 1 of 3" on its own line (the narrow pane cut it in the bar)
    QLabel* m_values;
    QLabel* m_note;
    common::StepCursorBar* m_cursor;
    QCustomPlot* m_plot;
    QCPGraph* m_probGraph;
    QCPBars* m_scoreBars;
    QCPBars* m_skippedBars; ///< Mixture-of-Depths: router score at the blocks the token skipped
    QCPItemStraightLine* m_marker;
};

} // namespace sequence
