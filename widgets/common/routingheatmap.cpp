#include "common/routingheatmap.h"

#include "common/mapgrid.h"
#include "common/plotstyle.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace common {
namespace {
/// NaN (a column not scored for this row) sorts below every score.
float scoreOrLowest(float p) {
    return std::isnan(p) ? -std::numeric_limits<float>::infinity() : p;
}
/// The row's highest-scoring column, NaN left out (0 when none is scored).
int topColumn(const float* row, int columns) {
    int top = 0;
    for (int c = 1; c < columns; ++c) {
        top = scoreOrLowest(row[c]) > scoreOrLowest(row[top]) ? c : top;
    }
    return top;
}
} // namespace

RoutingHeatmap::RoutingHeatmap(QWidget* parent) : QCustomPlot(parent) {
    setObjectName("routingHeatmap");
    setMinimumSize(260, 260);
    setMouseTracking(true);
    // Only the vertical axis zooms and pans: with many inputs users need to look closer.
    setInteractions(QCP::iRangeZoom | QCP::iRangeDrag);
    axisRect()->setRangeZoom(Qt::Vertical);
    axisRect()->setRangeDrag(Qt::Vertical);
    setNoAntialiasingOnDrag(true);

    xAxis->setLabel(tr("expert"));
    yAxis->setLabel(tr("input"));
    xAxis2->setVisible(false);
    m_map = new QCPColorMap(xAxis, yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(this);
    plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setLabel(tr("routing probability p"));
    m_map->setColorScale(m_scale);
    m_map->setGradient(probabilityGradient());
    // A fixed range: the same colour means the same probability in every snapshot.
    m_map->setDataRange(QCPRange(0.0, 1.0));
    auto* group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);

    addLayer("hover", layer("main"), QCustomPlot::limAbove);
    m_overlay = layer("hover");
    m_overlay->setMode(QCPLayer::lmBuffered);
    m_hoverBox = new QCPItemRect(this);
    m_hoverBox->setLayer(m_overlay);
    m_hoverBox->setPen(QPen(Qt::red, 2));
    m_hoverBox->setBrush(Qt::NoBrush);
    m_hoverBox->setVisible(false);
    // Refill the map for the rows in view after zooming or panning (coalesced per event loop
    // turn: dragging emits many range changes).
    m_refill = new QTimer(this);
    m_refill->setSingleShot(true);
    m_refill->setInterval(0);
    connect(m_refill, &QTimer::timeout, this, [this] {
        fillMap();
        replot(QCustomPlot::rpQueuedReplot);
    });
    connect(yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this] {
        if (rowCount() > kMaxMapRows || !m_fullResolution) {
            m_refill->start();
        }
    });
    clear();
}

void RoutingHeatmap::clear() {
    m_snapshot = {};
    m_meta.clear();
    m_order.clear();
    m_map->data()->clear();
    m_fullResolution = true;
    m_mapFirst = 0;
    m_hoverBox->setVisible(false);
    replot();
}

void RoutingHeatmap::setSnapshot(mor::RoutingSnapshot snapshot, std::vector<RowMeta> meta) {
    m_snapshot = std::move(snapshot);
    m_meta = std::move(meta);
    m_meta.resize(size_t(m_snapshot.nSamples));
    rebuild();
}

void RoutingHeatmap::setColumns(Columns columns) {
    m_columns = columns;
    xAxis->setLabel(columns == Columns::Recursions ? tr("recursion")
                    : columns == Columns::Blocks   ? tr("block")
                    : columns == Columns::Depths   ? tr("depth r")
                                                   : tr("expert"));
    m_scale->setLabel(columns == Columns::Experts  ? tr("routing probability p")
                      : columns == Columns::Depths ? tr("router's P(depth = r)")
                                                   : tr("router score"));
    rebuild();
}

void RoutingHeatmap::setSortKey(SortKey key) {
    if (key != m_sortKey) {
        m_sortKey = key;
        rebuild();
    }
}

void RoutingHeatmap::rebuild() {
    QElapsedTimer timer;
    timer.start();
    const int rows = int(m_snapshot.nSamples);
    const int experts = int(m_snapshot.nExperts);
    if (rows <= 0 || experts <= 0 || m_snapshot.probs.size() < size_t(rows) * size_t(experts)) {
        m_order.clear();
        m_map->data()->clear();
        replot();
        return;
    }
    const float* probs = m_snapshot.probs.data();
    std::vector<int> topExpert;
    if (m_sortKey == SortKey::TopExpert) {
        topExpert.resize(size_t(rows));
        for (int r = 0; r < rows; ++r) {
            const float* row = probs + size_t(r) * experts;
            topExpert[size_t(r)] = topColumn(row, experts);
        }
    }
    m_order.resize(size_t(rows));
    std::iota(m_order.begin(), m_order.end(), 0);
    auto byKey = [&](auto key) {
        std::stable_sort(m_order.begin(), m_order.end(),
                         [&](int a, int b) { return key(a) < key(b); });
    };
    switch (m_sortKey) {
    case SortKey::Input:
        break;
    case SortKey::Class:
        byKey([&](int r) { return m_meta[size_t(r)].label; });
        break;
    case SortKey::Domain:
        byKey([&](int r) { return m_meta[size_t(r)].domain; });
        break;
    case SortKey::TopExpert:
        // Grouped by top expert, most confident first inside a group: specialisation stands out.
        std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) {
            const int ea = topExpert[size_t(a)], eb = topExpert[size_t(b)];
            if (ea != eb) {
                return ea < eb;
            }
            return scoreOrLowest(probs[size_t(a) * experts + ea]) >
                   scoreOrLowest(probs[size_t(b) * experts + eb]);
        });
        break;
    }

    xAxis->setRange(-0.5, experts - 0.5);
    {
        const QSignalBlocker blocker(yAxis); // fillMap below covers the new range
        yAxis->setRange(-0.5, rows - 0.5);
    }
    fillMap();
    QSharedPointer<QCPAxisTickerText> expertTicks(new QCPAxisTickerText);
    const int every = experts > 32 ? 8 : (experts > 16 ? 4 : 1);
    for (int e = 0; e < experts; e += every) {
        expertTicks->addTick(e, expertLabel(e));
    }
    xAxis->setTicker(expertTicks);
    updateRowTicks();
    m_hoverBox->setVisible(false);
    m_buildMs = double(timer.nsecsElapsed()) / 1e6;
    replot();
}

void RoutingHeatmap::fillMap() {
    const int rows = rowCount();
    const int experts = expertCount();
    if (rows == 0 || experts == 0) {
        return;
    }
    // Display row r sits at value coordinate rows-1-r, so row 0 is at the top without reversing
    // the axis (a reversed axis makes QCPColorMap mirror its whole image on every draw).
    const QCPRange visible = yAxis->range();
    const int first = std::clamp(int(std::floor(rows - 1 - visible.upper)), 0, rows - 1);
    const int last = std::clamp(int(std::ceil(rows - 1 - visible.lower)), first, rows - 1);
    const int span = last - first + 1;
    // Level of detail: never more map rows than kMaxMapRows (far more than screen pixels);
    // each map row then holds the mean of the inputs it covers. Zooming in refills at full
    // resolution for the visible rows only, so the map image stays small and quick to draw.
    const int mapRows = std::min(span, kMaxMapRows);
    m_mapFirst = first;
    m_mapStride = double(span) / mapRows;
    m_mapRows = mapRows;
    m_fullResolution = mapRows == span;
    const float* probs = m_snapshot.probs.data();
    if (m_fullResolution) {
        MapGrid grid(m_map->data(), experts, 0, experts - 1, mapRows, rows - 1 - last,
                     rows - 1 - first);
        for (int i = 0; i < mapRows; ++i) {
            const int r = first + i;
            const float* row = probs + size_t(m_order[size_t(r)]) * experts;
            const int valueIndex = mapRows - 1 - i;
            for (int e = 0; e < experts; ++e) {
                grid.set(e, valueIndex, row[e]);
            }
        }
        return;
    }
    // Bin centres: row first + (i + 0.5) * stride - 0.5, mapped to value coordinates.
    const double top = rows - 1 - (first + 0.5 * m_mapStride - 0.5);
    const double bottom = rows - 1 - (first + (mapRows - 0.5) * m_mapStride - 0.5);
    MapGrid grid(m_map->data(), experts, 0, experts - 1, mapRows, bottom, top);
    std::vector<double> sum(static_cast<size_t>(experts), 0.0);
    std::vector<int> count(static_cast<size_t>(experts), 0); // NaN (not scored) is left out
    for (int i = 0; i < mapRows; ++i) {
        const int begin = first + int(i * m_mapStride);
        const int end = std::min(first + int((i + 1) * m_mapStride), last + 1);
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(count.begin(), count.end(), 0);
        for (int r = begin; r < end; ++r) {
            const float* row = probs + size_t(m_order[size_t(r)]) * experts;
            for (int e = 0; e < experts; ++e) {
                if (!std::isnan(row[e])) {
                    sum[size_t(e)] += row[e];
                    ++count[size_t(e)];
                }
            }
        }
        const int valueIndex = mapRows - 1 - i;
        for (int e = 0; e < experts; ++e) {
            const int n = count[size_t(e)];
            grid.set(e, valueIndex,
                     n > 0 ? sum[size_t(e)] / n : std::numeric_limits<double>::quiet_NaN());
        }
    }
}

void RoutingHeatmap::updateRowTicks() {
    for (QCPItemStraightLine* line : m_groupLines) {
        removeItem(line);
    }
    m_groupLines.clear();
    const int rows = rowCount();
    if (m_sortKey == SortKey::Input) {
        yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        yAxis->setTickLabels(false);
        yAxis->setTicks(false);
        yAxis->setLabel(!m_inputTitled ? QString()
                        : m_columns != Columns::Experts
                            ? tr("token (%1, in sequence order)").arg(rows)
                            : tr("input (%1, in log order)").arg(rows));
        return;
    }
    // Group boundaries as lines, group names at the group centres.
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    const bool recursions = m_columns != Columns::Experts; // recursions or blocks
    const QString prefix =
        m_sortKey == SortKey::Class
            ? (m_columns == Columns::Blocks    ? tr("%1 block(s) used")
               : m_columns == Columns::Experts ? tr("class %1")
                                               : tr("depth %1"))
        : m_sortKey == SortKey::Domain         ? tr("domain %1")
        : m_columns == Columns::Recursions     ? tr("top r%1")
        : m_columns == Columns::Depths         ? tr("most probable depth %1")
        : m_columns == Columns::Blocks         ? tr("top b%1")
                                               : tr("top E%1");
    const auto groupName = [&](int64_t group) {
        const auto name = m_domainNames.find(group);
        return m_sortKey == SortKey::Domain && name != m_domainNames.end() ? name->second
               : m_sortKey == SortKey::TopExpert && recursions ? prefix.arg(group + 1)
                                                               : prefix.arg(group);
    };
    auto groupOf = [this](int r) -> int64_t {
        const int s = m_order[size_t(r)];
        if (m_sortKey == SortKey::Class) {
            return m_meta[size_t(s)].label;
        }
        if (m_sortKey == SortKey::Domain) {
            return m_meta[size_t(s)].domain;
        }
        const float* row = m_snapshot.probs.data() + size_t(s) * m_snapshot.nExperts;
        return topColumn(row, int(m_snapshot.nExperts));
    };
    int start = 0;
    for (int r = 1; r <= rows; ++r) {
        if (r == rows || groupOf(r) != groupOf(start)) {
            const double centre = rows - 1 - (start + r - 1) / 2.0;
            // Only groups tall enough for a label at the full view get one (no overlaps).
            if (r - start >= rows / 50.0) {
                ticks->addTick(centre, groupName(groupOf(start)));
            }
            if (r < rows && m_groupLines.size() < 200) {
                auto* line = new QCPItemStraightLine(this);
                line->setPen(QPen(Qt::white, 1.5));
                const double y = rows - r - 0.5;
                line->point1->setCoords(0, y);
                line->point2->setCoords(1, y);
                m_groupLines.push_back(line);
            }
            start = r;
        }
    }
    yAxis->setTicker(ticks);
    yAxis->setTicks(true);
    yAxis->setTickLabels(true);
    yAxis->setLabel(!m_inputTitled ? QString()
                    : recursions   ? tr("token (%1)").arg(rows)
                                   : tr("input (%1)").arg(rows));
}

void RoutingHeatmap::setColorScaleShown(bool shown) {
    if (shown == colorScaleShown()) {
        return;
    }
    // Out of the layout (a hidden element would keep its column), still the map's scale.
    if (shown) {
        plotLayout()->addElement(0, 1, m_scale);
    } else {
        plotLayout()->take(m_scale);
        plotLayout()->simplify();
    }
    m_scale->setVisible(shown);
    replot(QCustomPlot::rpQueuedReplot);
}

bool RoutingHeatmap::colorScaleShown() const {
    return m_scale->layout() == plotLayout();
}

void RoutingHeatmap::setInputAxisTitled(bool titled) {
    m_inputTitled = titled;
    if (!titled) {
        yAxis->setLabel(QString());
    } else if (rowCount() > 0) {
        updateRowTicks();
    }
    replot(QCustomPlot::rpQueuedReplot);
}

int64_t RoutingHeatmap::sampleIdAtRow(int row) const {
    if (row < 0 || row >= rowCount()) {
        return -1;
    }
    const int s = m_order[size_t(row)];
    return s < int(m_snapshot.sampleIds.size()) ? m_snapshot.sampleIds[size_t(s)] : s;
}

double RoutingHeatmap::valueAt(int row, int expert) const {
    if (row < 0 || row >= rowCount() || expert < 0 || expert >= expertCount()) {
        return 0.0;
    }
    const int index = row - m_mapFirst;
    if (m_fullResolution && index >= 0 && index < m_mapRows) {
        // What the colour map holds for this cell.
        return MapGrid::cell(m_map->data(), expertCount(), m_mapRows, expert,
                             m_mapRows - 1 - index);
    }
    return m_snapshot.probs[size_t(m_order[size_t(row)]) * m_snapshot.nExperts + size_t(expert)];
}

double RoutingHeatmap::shownValueAt(int row, int expert) const {
    if (m_fullResolution || row < m_mapFirst) {
        return valueAt(row, expert);
    }
    const int bin = std::min(int((row - m_mapFirst) / m_mapStride), m_mapRows - 1);
    return MapGrid::cell(m_map->data(), expertCount(), m_mapRows, expert, m_mapRows - 1 - bin);
}

RoutingHeatmap::Cell RoutingHeatmap::cellAt(const QPoint& pixel) const {
    Cell cell;
    if (rowCount() == 0 || !axisRect()->rect().contains(pixel)) {
        return cell;
    }
    const int expert = int(std::lround(xAxis->pixelToCoord(pixel.x())));
    const int valueIndex = int(std::lround(yAxis->pixelToCoord(pixel.y())));
    const int row = rowCount() - 1 - valueIndex;
    if (expert < 0 || expert >= expertCount() || row < 0 || row >= rowCount()) {
        return cell;
    }
    cell.row = row;
    cell.expert = expert;
    cell.sampleId = sampleIdAtRow(row);
    cell.value = valueAt(row, expert);
    return cell;
}

QPoint RoutingHeatmap::pixelOf(int row, int expert) const {
    return QPoint(int(std::lround(xAxis->coordToPixel(expert))),
                  int(std::lround(yAxis->coordToPixel(rowCount() - 1 - row))));
}

QString RoutingHeatmap::tooltipFor(const Cell& cell) const {
    const int s = m_order[size_t(cell.row)];
    const RowMeta& meta = m_meta[size_t(s)];
    const bool ran = size_t(s) * m_snapshot.nExperts + cell.expert < m_snapshot.mask.size() &&
                     m_snapshot.mask[size_t(s) * m_snapshot.nExperts + cell.expert] != 0;
    if (m_columns != Columns::Experts) { // the preview names the token, its depth and target
        const bool scored = !std::isnan(cell.value);
        const QString column = m_columns == Columns::Blocks ? tr("block %1") : tr("recursion %1");
        const QString went = ran ? tr("went through it") : tr("did not go through it");
        const QString value =
            !scored ? (m_columns == Columns::Blocks
                           ? tr("no router (every token goes through this block)")
                           : tr("not scored (the token had left before)"))
            : m_columns == Columns::Depths
                ? tr("router's P(depth = %1) %2, %3")
                      .arg(cell.expert + 1)
                      .arg(cell.value, 0, 'f', 3)
                      .arg(went)
                : tr("router score %1, %2").arg(cell.value, 0, 'f', 3).arg(went);
        return QString::fromStdString(meta.preview) + QLatin1Char('\n') +
               column.arg(cell.expert + 1) + QStringLiteral(": ") + value +
               tr("\nclick: open in the Sequence tab");
    }
    QString text = tr("input #%1 (class %2, domain %3)\nexpert E%4: p = %5%6")
                       .arg(cell.sampleId)
                       .arg(meta.label)
                       .arg(meta.domain)
                       .arg(cell.expert)
                       .arg(cell.value, 0, 'f', 3)
                       .arg(ran ? tr(", selected") : QString());
    if (!meta.preview.empty()) {
        text += "\n" + QString::fromStdString(meta.preview).left(80);
    }
    return text + tr("\nclick: open in the stepper");
}

void RoutingHeatmap::mousePressEvent(QMouseEvent* event) {
    m_pressPos = event->pos();
    QCustomPlot::mousePressEvent(event);
}

void RoutingHeatmap::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton) {
        return; // dragging
    }
    const Cell cell = cellAt(event->pos());
    if (!cell.valid()) {
        m_hoverBox->setVisible(false);
        m_overlay->replot();
        QToolTip::hideText();
        return;
    }
    const double y = rowCount() - 1 - cell.row;
    m_hoverBox->topLeft->setCoords(cell.expert - 0.5, y + 0.5);
    m_hoverBox->bottomRight->setCoords(cell.expert + 0.5, y - 0.5);
    m_hoverBox->setVisible(true);
    m_overlay->replot(); // redraws only the hover layer's buffer
    QToolTip::showText(event->globalPosition().toPoint(), tooltipFor(cell), this);
}

void RoutingHeatmap::mouseReleaseEvent(QMouseEvent* event) {
    QCustomPlot::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton || (event->pos() - m_pressPos).manhattanLength() > 3) {
        return;
    }
    const Cell cell = cellAt(event->pos());
    if (cell.valid()) {
        Q_EMIT cellClicked(cell.sampleId, cell.expert);
    }
}

void RoutingHeatmap::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    if (m_hoverBox->visible()) {
        m_hoverBox->setVisible(false);
        m_overlay->replot();
    }
}

QString RoutingHeatmap::columnName(Columns columns, int index) {
    return columns == Columns::Blocks    ? QStringLiteral("b%1").arg(index + 1)
           : columns == Columns::Experts ? QStringLiteral("E%1").arg(index)
                                         : QStringLiteral("r%1").arg(index + 1);
}

QString RoutingHeatmap::expertLabel(int expert) const {
    if (m_columns != Columns::Experts) {
        return columnName(m_columns, expert);
    }
    const bool nested =
        expert >= 0 && size_t(expert) < m_widths.size() && m_widths[size_t(expert)] > 0;
    return nested ? tr("E%1\n%2 u").arg(expert).arg(m_widths[size_t(expert)])
                  : QStringLiteral("E%1").arg(expert);
}

} // namespace common
