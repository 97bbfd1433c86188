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
    /// Group values (class or domain labels) in row order, and the mean p of a cell.
    const std::vector<int64_t>& groups() const { return m_groups; }
    double meanAt(int groupIndex, int expert) const;
    /// Nested experts (issue 23): width per expert under its label (empty = plain labels).
    void setExpertWidths(std::vector<int> widths) { m_widths = std::move(widths); }

private:
    std::vector<int64_t> m_groups;
    std::vector<double> m_means; ///< [group x expert]
    int m_experts = 0;
    QCPColorMap* m_map;
    std::vector<QCPItemText*> m_labels;
    std::vector<int> m_widths;
};

} // namespace inspect
