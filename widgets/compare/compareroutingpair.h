#pragma once
// Compare > Routing: the last routing snapshots of two runs side by side, rows sorted by
// class, on the one fixed 0–1 colour scale the heatmaps share.
#include <QList>
#include <QWidget>

#include <map>

class QLabel;

namespace common {
class RoutingHeatmap;
} // namespace common

namespace compare {

struct RoutingPairRead;
struct RoutingShown;

class CompareRoutingPair : public QWidget {
    Q_OBJECT
public:
    explicit CompareRoutingPair(QWidget* parent = nullptr);
    /// Shows what readRoutingPair() read: the first two runs of a list that have a routing
    /// snapshot (a side read as unchanged keeps its heatmap).
    void setPair(RoutingPairRead pair);
    /// The runs and steps shown (what readRoutingPair() need not read again).
    RoutingShown shown() const;
    common::RoutingHeatmap* heatmap(int side) const { return m_maps[side]; }
    qint64 shownRun(int side) const { return m_runs[side]; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();

    common::RoutingHeatmap* m_maps[2];
    QLabel* m_titles[2];
    QLabel* m_note;
    qint64 m_runs[2] = {-1, -1};
    int64_t m_steps[2] = {-1, -1};
    QString m_names[2];
};

} // namespace compare
