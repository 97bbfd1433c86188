#pragma once
// MoMa expert groups (router.groups, issue 23): a heatmap group x expert of the traced inputs —
// cell (g, e) = how many traced inputs of group g selected expert e — with the count written in
// every cell, so routing that stays inside its group is a block diagonal. A caption names where
// the traces come from and how many did not record their group.
#include "inspect/tracefeatures.h"

#include <qcustomplot.h>

namespace inspect {

class GroupExpertHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    explicit GroupExpertHeatmap(QWidget* parent = nullptr);

    /// Counts the traces (mor::SampleTrace::group and mask) and draws them; `source` says where
    /// the traces come from (e.g. "probe inputs of step 300 from the log").
    void setTraces(const std::vector<mor::SampleTrace>& traces, const RunFeatures& features,
                   int experts, const QString& source);
    /// Only a caption (no traces yet, tracing, or an error).
    void setMessage(const QString& message);
    const GroupExpertCounts& counts() const { return m_counts; }
    /// The value the colour map holds for cell (group, expert) (what is drawn).
    double shownValueAt(int group, int expert) const;
    /// The number written in a cell ("" when none).
    QString cellText(int group, int expert) const;
    QString caption() const;

private:
    void clearLabels();

    GroupExpertCounts m_counts;
    QCPColorMap* m_map;
    QCPTextElement* m_title;
    QCPTextElement* m_caption;
    std::vector<QCPItemText*> m_labels; ///< [group x expert] when drawn
};

} // namespace inspect
