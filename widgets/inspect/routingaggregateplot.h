#pragma once
// Class (or domain) x expert heatmap of the mean routing probability: which expert each kind
// of input goes to.
#include "common/routingheatmap.h"

namespace inspect {

class RoutingAggregatePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit RoutingAggregatePlot(QWidget* parent = nullptr);

    void setData(const mor::RoutingSnapshot& snapshot, const std::vector<common::RowMeta>& meta,
                 bool byDomain);
    /// Group values (class or domain labels) in row order, and the mean p of a cell (NaN, drawn
    /// grey with "–", for a recursion or block at which the router scored none of the group).
    const std::vector<int64_t>& groups() const { return m_groups; }
    double meanAt(int groupIndex, int expert) const;
    /// Nested experts (issue 23): width per expert under its label (empty = plain labels).
    void setExpertWidths(std::vector<int> widths) { m_widths = std::move(widths); }
    /// Columns are recursions or blocks ("r1", "b1", ...; a recursion run's tokens grouped by
    /// depth, or blocks used, or difficulty class): a cell is the mean router score of the
    /// group's tokens the router scored there (a score of 0 is a token it did not score).
    /// `domainNames` names the difficulty classes. Applies from the next setData().
    void setColumns(common::RoutingHeatmap::Columns columns,
                    std::map<int64_t, QString> domainNames = {});

private:
    std::vector<int64_t> m_groups;
    std::vector<double> m_means; ///< [group x expert]
    int m_experts = 0;
    QCPColorMap* m_map;
    std::vector<QCPItemText*> m_labels;
    std::vector<int> m_widths;
    common::RoutingHeatmap::Columns m_columns = common::RoutingHeatmap::Columns::Experts;
    std::map<int64_t, QString> m_domainNames;
    QCPTextElement* m_title = nullptr;
};

} // namespace inspect
