#pragma once
// Load per expert: the fraction of inputs routed to it (mean of the routing mask), the mean
// router probability, the ideal share, and warnings for dead experts and imbalance.
#include "common/routingheatmap.h"

#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <QStringList>

namespace inspect {

struct LoadSummary {
    std::vector<double> load;     ///< fraction of inputs routed to each expert
    std::vector<double> meanProb; ///< mean router probability per expert (NaN: none scored)
    double ideal = 0.0;           ///< perfectly balanced load: (experts per input) / E
    QStringList warnings;         ///< dead experts, imbalance
};

/// Computes loads and warnings from one routing snapshot.
LoadSummary summarizeLoad(const mor::RoutingSnapshot& snapshot);
/// The same for a recursion run's tokens (common::RoutingHeatmap::Columns::Recursions): per
/// recursion the fraction of tokens that went through it and the mean router score of the
/// tokens the router scored there (NaN scores, not scored, left out); no ideal share (each recursion takes fewer
/// tokens by design); a warning for a recursion no token went through.
/// `blocks`: the columns are a Mixture-of-Depths run's blocks ("b1", ...).
LoadSummary summarizeRecursionLoad(const mor::RoutingSnapshot& snapshot, bool blocks = false);

class RoutingLoadPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit RoutingLoadPlot(QWidget* parent = nullptr);
    void setSummary(const LoadSummary& summary);
    /// Columns are recursions or blocks ("r1", "b1", ...): "Tokens per recursion" (block),
    /// no ideal line.
    void setColumns(common::RoutingHeatmap::Columns columns);
    /// While routing snapshots play, the y axis stays at [0, 1.05] (shares of inputs and mean
    /// probabilities never leave [0, 1]) instead of following each snapshot's largest bar.
    void setFixedRange(bool fixed);
    bool hasFixedRange() const { return m_fixed; }

private:
    void updateRange();
    bool m_fixed = false;
    common::RoutingHeatmap::Columns m_columns = common::RoutingHeatmap::Columns::Experts;
    QCPTextElement* m_title = nullptr;
    double m_top = 0.05;
    QCPBars* m_load;
    QCPGraph* m_prob;
    QCPItemStraightLine* m_ideal;
    QCPItemText* m_idealLabel;
};

} // namespace inspect
