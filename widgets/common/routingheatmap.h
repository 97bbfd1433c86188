#pragma once
// Heatmap inputs x experts of routing probability. One QCPColorMap filled in a single pass
// (no per-cell items), so 100,000 x 64 stays responsive; hover shows a tooltip and a cell
// outline on a separately buffered layer, so hovering never re-renders the map itself.
#include <mor/log_reader.h>

#include <qcustomplot.h>

#include <map>
#include <string>
#include <vector>

namespace common {

/// What the heatmap knows about the input of each snapshot row.
struct RowMeta {
    int64_t label = -1;
    int64_t domain = 0;
    std::string preview;
};

class RoutingHeatmap : public QCustomPlot {
    Q_OBJECT
public:
    enum class SortKey { Input, Class, Domain, TopExpert };

    /// One cell under the mouse: display row, expert, the input and the probability.
    struct Cell {
        int row = -1;
        int expert = -1;
        int64_t sampleId = -1;
        double value = 0.0;
        bool valid() const { return row >= 0 && expert >= 0; }
    };

    explicit RoutingHeatmap(QWidget* parent = nullptr);

    /// `meta` is aligned with snapshot.sampleIds (may be empty: no labels known).
    void setSnapshot(mor::RoutingSnapshot snapshot, std::vector<RowMeta> meta);
    void setSortKey(SortKey key);
    /// Nested experts (issue 23): the width of each expert, written under its column label
    /// ("E1" / "24 u"); empty = plain labels. Applies from the next setSnapshot().
    void setExpertWidths(std::vector<int> widths) { m_widths = std::move(widths); }
    /// The label of expert column `expert` ("E0"; "r1" for recursion columns).
    QString expertLabel(int expert) const;
    /// What the rows and columns are: inputs routed to experts, or the tokens of a
    /// Mixture-of-Recursions run and the router's score for each recursion (rows' class = the
    /// token's depth, domain = its difficulty class, mask = went through the recursion), or of a
    /// Mixture-of-Depths run and the router's score for each block (class = blocks used), or
    /// of a token-choice Mixture-of-Recursions run and the router's probability for each depth,
    /// P(depth = r), which it chose before recursion 1 (class = depth, mask = went through
    /// recursion r).
    enum class Columns { Experts, Recursions, Blocks, Depths };
    /// A recursion or block column's name, counted from 1 ("r1", "b1"); an expert's from 0
    /// ("E0"). The one naming rule of the heatmap, the load plot and its warnings.
    static QString columnName(Columns columns, int index);
    void setColumns(Columns columns);
    Columns columns() const { return m_columns; }
    /// Names of the domain groups (a recursion run's difficulty classes) for the row labels,
    /// instead of "domain N". Applies from the next setSnapshot().
    void setDomainNames(std::map<int64_t, QString> names) { m_domainNames = std::move(names); }
    SortKey sortKey() const { return m_sortKey; }
    void clear();
    /// The colour scale beside the map (shown by default). Maps side by side on the same
    /// fixed scale show it once: left out, it leaves no empty column.
    void setColorScaleShown(bool shown);
    bool colorScaleShown() const;
    /// The input axis's title "input (N)" (shown by default); off where the caller names the
    /// count itself, so no rotated title stands between two maps.
    void setInputAxisTitled(bool titled);

    const mor::RoutingSnapshot& snapshot() const { return m_snapshot; }
    int rowCount() const { return int(m_order.size()); }
    int expertCount() const { return int(m_snapshot.nExperts); }
    /// Input shown in display row `row` (top row = 0), -1 when out of range.
    int64_t sampleIdAtRow(int row) const;
    /// Logged probability of a cell (read from the colour map while it holds that row at full
    /// resolution, else from the snapshot).
    double valueAt(int row, int expert) const;
    /// The colour actually drawn for a cell: equal to valueAt() at full resolution, the mean of
    /// the binned rows when more rows are in view than kMaxMapRows.
    double shownValueAt(int row, int expert) const;
    /// True when the colour map holds one map row per input in view.
    bool isFullResolution() const { return m_fullResolution; }
    /// Most map rows the colour map ever holds (level of detail for huge snapshots).
    static constexpr int kMaxMapRows = 4096;
    /// Cell under a widget pixel, and the pixel at a cell's centre (for tests and tooltips).
    Cell cellAt(const QPoint& pixel) const;
    QPoint pixelOf(int row, int expert) const;
    QCPColorMap* colorMap() const { return m_map; }
    /// Milliseconds the last rebuild of the colour-map data took.
    double lastBuildMs() const { return m_buildMs; }

Q_SIGNALS:
    void cellClicked(qint64 sampleId, int expert);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void rebuild();
    void fillMap();
    void updateRowTicks();
    QString tooltipFor(const Cell& cell) const;

    mor::RoutingSnapshot m_snapshot;
    std::vector<RowMeta> m_meta;
    std::vector<int> m_order; ///< display row -> snapshot row
    SortKey m_sortKey = SortKey::Input;
    Columns m_columns = Columns::Experts;
    std::map<int64_t, QString> m_domainNames;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QCPLayer* m_overlay;
    QCPItemRect* m_hoverBox;
    QPoint m_pressPos;
    double m_buildMs = 0.0;
    int m_mapFirst = 0;
    int m_mapRows =
        0; ///< rows the colour map holds        ///< first display row held by the colour map
    double m_mapStride = 1.0; ///< display rows per map row
    bool m_fullResolution = true;
    QTimer* m_refill = nullptr;
    std::vector<QCPItemStraightLine*> m_groupLines;
    std::vector<int> m_widths; ///< nested experts: width per expert (empty: none)
    bool m_inputTitled = true;
};

} // namespace common
