#pragma once
// Load per expert: the fraction of inputs routed to it (mean of the routing mask), the mean
// router probability, the ideal share, and warnings for dead experts and imbalance.
#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <QStringList>

namespace inspect {

struct LoadSummary {
    std::vector<double> load;     ///< fraction of inputs routed to each expert
    std::vector<double> meanProb; ///< mean router probability per expert
    double ideal = 0.0;           ///< perfectly balanced load: (experts per input) / E
    QStringList warnings;         ///< dead experts, imbalance
};

/// Computes loads and warnings from one routing snapshot.
LoadSummary summarizeLoad(const mor::RoutingSnapshot& snapshot);

class RoutingLoadPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit RoutingLoadPlot(QWidget* parent = nullptr);
    void setSummary(const LoadSummary& summary);
    /// While routing snapshots play, the y axis stays at [0, 1.05] (shares of inputs and mean
    /// probabilities never leave [0, 1]) instead of following each snapshot's largest bar.
    void setFixedRange(bool fixed);
    bool hasFixedRange() const { return m_fixed; }

private:
    void updateRange();
    bool m_fixed = false;
    double m_top = 0.05;
    QCPBars* m_load;
    QCPGraph* m_prob;
    QCPItemStraightLine* m_ideal;
    QCPItemText* m_idealLabel;
};

} // namespace inspect
