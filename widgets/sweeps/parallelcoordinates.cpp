// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/parallelcoordinates.h"

#include "sweeps/sweepformat.h"
#include "common/plotstyle.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace sweeps {

namespace {
constexpr double kSide = 54.0;   // room for tick labels beside the outer axes
constexpr double kGrab = 12.0;   // pixels either side of an axis that start a brush
constexpr int kMaxTicks = 7;

bool numberOf(const QString& text, double* value) {
    if (text == QLatin1String("true") || text == QLatin1String("false")) {
        *value = text == QLatin1String("true") ? 1.0 : 0.0;
        return true;
    }
    bool ok = false;
    *value = text.toDouble(&ok);
    return ok && std::isfinite(*value);
}

} // namespace

ParallelCoordinates::ParallelCoordinates(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("sweepParallelCoordinates"));
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

QSize ParallelCoordinates::minimumSizeHint() const {
    return {320, 200};
}

QSize ParallelCoordinates::sizeHint() const {
    return {600, 300};
}

void ParallelCoordinates::setData(const SweepData& data) {
    // Brushes stay where they were when the same axes come back (a live sweep grows).
    QList<Axis> old = m_axes;
    m_data = data;
    buildAxes();
    for (Axis& axis : m_axes) {
        for (const Axis& before : old) {
            if (before.key == axis.key) {
                axis.brush = before.brush;
            }
        }
    }
    update();
}

void ParallelCoordinates::buildAxes() {
    m_axes.clear();
    m_constants.clear();
    for (int p = 0; p < m_data.paramKeys.size(); ++p) {
        Axis axis;
        axis.key = m_data.paramKeys[p];
        axis.param = p;
        axis.name = axis.key.section(QLatin1Char('.'), -1);
        std::set<double> numbers;
        QStringList texts;
        bool numeric = true;
        bool boolean = true; // true / false: named as the table names them, not 1 / 0
        for (const GroupRow& g : m_data.groups) {
            const QString v = g.params.value(p);
            double x = 0.0;
            if (!texts.contains(v)) {
                texts << v;
            }
            boolean = boolean && (v == QLatin1String("true") || v == QLatin1String("false"));
            if (numberOf(v, &x)) {
                numbers.insert(x);
            } else {
                numeric = false;
            }
        }
        if (m_data.groups.size() >= 2 && texts.size() == 1) {
            m_constants << qMakePair(axis.name, displayValue(texts.front()));
            continue;
        }
        if (numeric && !numbers.empty() && !boolean) {
            axis.min = *numbers.begin();
            axis.max = *numbers.rbegin();
            // Learning rates and the like: equal ratios get equal distances.
            axis.logScale = axis.min > 0.0 && axis.max / axis.min >= 8.0;
            if (int(numbers.size()) <= kMaxTicks) {
                axis.ticks = QList<double>(numbers.begin(), numbers.end());
            }
        } else {
            axis.categorical = true;
            texts.sort();
            axis.categories = texts;
            axis.min = 0.0;
            axis.max = std::max(1, int(texts.size()) - 1);
        }
        m_axes << axis;
    }
    const QString names[ResultCount] = {tr("test accuracy"), tr("expert-steps / input"),
                                        flopsName(m_data.perToken, true), tr("ms / input")};
    for (int r = 0; r < ResultCount; ++r) {
        Axis axis;
        axis.key = QString::fromLatin1(resultMetric(Result(r)));
        axis.name = names[r];
        double lo = INFINITY, hi = -INFINITY;
        for (const RunRow& run : m_data.runs) {
            if (std::isfinite(run.results[r])) {
                lo = std::min(lo, run.results[r]);
                hi = std::max(hi, run.results[r]);
            }
        }
        if (!std::isfinite(lo)) {
            continue; // no run has this metric: no axis for it
        }
        axis.min = lo;
        axis.max = hi;
        m_axes << axis;
    }
    computePositions();
}

double ParallelCoordinates::toPosition(const Axis& axis, double v) const {
    if (!std::isfinite(v)) {
        return NAN;
    }
    if (axis.logScale) {
        return v > 0.0 ? std::log(v / axis.min) / std::log(axis.max / axis.min) : NAN;
    }
    return axis.max > axis.min ? (v - axis.min) / (axis.max - axis.min) : 0.5;
}

void ParallelCoordinates::computePositions() {
    m_positions.clear();
    for (const RunRow& run : m_data.runs) {
        QList<double> row;
        for (int a = 0; a < m_axes.size(); ++a) {
            row << toPosition(m_axes[a], valueOf(a, run));
        }
        m_positions << row;
    }
}

double ParallelCoordinates::valueOf(int axis, const RunRow& run) const {
    const Axis& a = m_axes[axis];
    if (a.param >= 0) {
        const QString v = run.params.value(a.param);
        if (a.categorical) {
            const int i = int(a.categories.indexOf(v));
            return i < 0 ? NAN : double(i);
        }
        double x = 0.0;
        return numberOf(v, &x) ? x : NAN;
    }
    // Result axes: the axis key names the metric.
    for (int r = 0; r < ResultCount; ++r) {
        if (m_axes[axis].key == QLatin1String(resultMetric(Result(r)))) {
            return run.results[r];
        }
    }
    return NAN;
}

double ParallelCoordinates::position(int axis, qint64 runId) const {
    if (axis < 0 || axis >= m_axes.size()) {
        return NAN;
    }
    for (int r = 0; r < m_data.runs.size(); ++r) {
        if (m_data.runs[r].runId == runId) {
            return m_positions.value(r).value(axis, NAN);
        }
    }
    return NAN;
}

QString ParallelCoordinates::axisName(int axis) const {
    return axis >= 0 && axis < m_axes.size() ? m_axes[axis].name : QString();
}

QList<double> ParallelCoordinates::tickValues(const Axis& axis) const {
    QList<double> ticks = axis.ticks;
    if (axis.categorical) {
        ticks.clear();
        for (int i = 0; i < axis.categories.size(); ++i) {
            ticks << i;
        }
    } else if (ticks.isEmpty()) {
        ticks = {axis.min, axis.max};
    }
    return ticks;
}

QStringList ParallelCoordinates::tickLabels(int axis) const {
    QStringList labels;
    if (axis >= 0 && axis < m_axes.size()) {
        for (double v : tickValues(m_axes[axis])) {
            labels << tickText(m_axes[axis], v);
        }
    }
    return labels;
}

double ParallelCoordinates::tickLabelRoom(int axis) const {
    // German category names such as "Standard" were cut at the margin's width with nine axes
    // at 1280 px; the space up to the next axis is free (the labels sit on plates).
    const double slot = m_axes.size() > 1 ? plotArea().width() / (m_axes.size() - 1) : 200;
    return axis + 1 >= int(m_axes.size()) ? kSide - 6 : std::max(kSide - 6, slot - 10);
}

bool ParallelCoordinates::namesStaggered() const {
    const double slot = m_axes.size() > 1 ? plotArea().width() / (m_axes.size() - 1) : 200;
    return staggerNames(QFontMetricsF(font()), slot);
}

bool ParallelCoordinates::staggerNames(const QFontMetricsF& fm, double slot) const {
    return std::any_of(m_axes.begin(), m_axes.end(), [&](const Axis& axis) {
        return fm.horizontalAdvance(axis.name) > slot - 6;
    });
}

QRectF ParallelCoordinates::plotArea() const {
    const QFontMetricsF fm(font());
    // Axis names in two staggered rows on top, extreme tick labels below.
    const double top = 2.0 * fm.height() + 10.0, bottom = fm.height() + 8.0;
    return QRectF(kSide, top, std::max(10.0, width() - 2.0 * kSide),
                  std::max(10.0, height() - top - bottom));
}

double ParallelCoordinates::axisX(int axis) const {
    const QRectF area = plotArea();
    if (m_axes.size() < 2) {
        return area.center().x();
    }
    return area.left() + area.width() * axis / double(m_axes.size() - 1);
}

double ParallelCoordinates::positionY(double position) const {
    const QRectF area = plotArea();
    return area.bottom() - position * area.height();
}

int ParallelCoordinates::axisAt(const QPointF& pos) const {
    const QRectF area = plotArea().adjusted(0, -6, 0, 6);
    if (pos.y() < area.top() || pos.y() > area.bottom()) {
        return -1;
    }
    for (int a = 0; a < m_axes.size(); ++a) {
        if (std::abs(pos.x() - axisX(a)) <= kGrab) {
            return a;
        }
    }
    return -1;
}

void ParallelCoordinates::setHighlighted(const QList<qint64>& runIds) {
    m_highlighted = QSet<qint64>(runIds.begin(), runIds.end());
    update();
}

void ParallelCoordinates::setBrush(int axis, double low, double high) {
    if (axis < 0 || axis >= m_axes.size()) {
        return;
    }
    m_axes[axis].brush = std::make_pair(std::clamp(std::min(low, high), 0.0, 1.0),
                                        std::clamp(std::max(low, high), 0.0, 1.0));
    update();
}

void ParallelCoordinates::clearBrushes() {
    for (Axis& axis : m_axes) {
        axis.brush.reset();
    }
    update();
}

QList<qint64> ParallelCoordinates::brushedRuns() const {
    QList<qint64> runs;
    for (int r = 0; r < m_data.runs.size(); ++r) {
        const RunRow& run = m_data.runs[r];
        bool inside = true;
        for (int a = 0; a < m_axes.size() && inside; ++a) {
            if (const auto& b = m_axes[a].brush) {
                const double t = m_positions[r][a];
                // Half a pixel of slack, so a brush drawn over a category line catches it.
                inside = std::isfinite(t) && t >= b->first - 1e-9 && t <= b->second + 1e-9;
            }
        }
        if (inside) {
            runs << run.runId;
        }
    }
    return runs;
}

QString ParallelCoordinates::tickText(const Axis& axis, double value) const {
    if (axis.categorical) {
        const int i = int(std::lround(value));
        // A configuration that does not set the parameter shows "default" (it was unlabelled).
        return displayValue(axis.categories.value(i));
    }
    // Parameters as written in the sweep; results with three significant digits.
    return axis.key.startsWith(QLatin1String("test/")) ? formatNumber(value)
                                                       : QString::number(value, 'g', 4);
}

QColor ParallelCoordinates::scoreColor(double share, const QColor& background) {
    // Viridis without its darkest end, and without its lightest (yellow) on a light
    // background. On a dark one it starts where its colours stand out at least 3:1 (WCAG's
    // ratio for graphics): from 0.1 the low scores' dark purple vanished there.
    QCPColorGradient gradient = common::probabilityGradient(); // color() is not const
    const QCPRange unit(0.0, 1.0);
    const bool dark = common::relativeLuminance(background) < 0.18;
    const double high = dark ? 1.0 : 0.85;
    double low = 0.1;
    while (dark && low < high - 0.3 &&
           common::contrastRatio(QColor(gradient.color(low, unit)), background) < 3.0) {
        low += 0.05;
    }
    return QColor(gradient.color(low + (high - low) * std::clamp(share, 0.0, 1.0), unit));
}

void ParallelCoordinates::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QColor fg = pal.color(QPalette::WindowText);
    const QFontMetricsF fm(font());
    if (m_axes.isEmpty() || m_data.runs.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No finished runs in this sweep yet."));
        return;
    }
    const QRectF area = plotArea();
    // Colour by test accuracy (scoreColor).
    double accLo = INFINITY, accHi = -INFINITY;
    for (const RunRow& run : m_data.runs) {
        if (std::isfinite(run.results[Accuracy])) {
            accLo = std::min(accLo, run.results[Accuracy]);
            accHi = std::max(accHi, run.results[Accuracy]);
        }
    }
    const QColor background = pal.color(QPalette::Base);
    const bool anyHighlight = !m_highlighted.isEmpty();
    auto drawRun = [&](int r, bool strong) {
        const RunRow& run = m_data.runs[r];
        QPainterPath path;
        bool started = false;
        for (int a = 0; a < m_axes.size(); ++a) {
            const double t = m_positions[r][a];
            if (!std::isfinite(t)) {
                started = false;
                continue;
            }
            const QPointF pt(axisX(a), positionY(t));
            if (started) {
                path.lineTo(pt);
            } else {
                path.moveTo(pt);
                started = true;
            }
        }
        const double acc = run.results[Accuracy];
        const double u = std::isfinite(acc) && accHi > accLo ? (acc - accLo) / (accHi - accLo)
                                                            : 0.5;
        QColor c = scoreColor(u, background);
        if (!strong) {
            c.setAlpha(anyHighlight ? 45 : 150);
        }
        p.setPen(QPen(c, strong ? 2.6 : 1.3));
        p.drawPath(path);
    };
    for (int r = 0; r < m_data.runs.size(); ++r) {
        if (!m_highlighted.contains(m_data.runs[r].runId)) {
            drawRun(r, false);
        }
    }
    for (int r = 0; r < m_data.runs.size(); ++r) {
        if (m_highlighted.contains(m_data.runs[r].runId)) {
            drawRun(r, true);
        }
    }
    // Axes, brushes, names and ticks on top of the lines.
    QColor plate = pal.color(QPalette::Base);
    plate.setAlpha(200);
    QColor brushFill = pal.color(QPalette::Highlight);
    brushFill.setAlpha(70);
    for (int a = 0; a < m_axes.size(); ++a) {
        const Axis& axis = m_axes[a];
        const double x = axisX(a);
        if (axis.brush) {
            const QRectF r(x - 7, positionY(axis.brush->second), 14,
                           positionY(axis.brush->first) - positionY(axis.brush->second));
            p.setPen(QPen(pal.color(QPalette::Highlight), 1));
            p.setBrush(brushFill);
            p.drawRect(r.adjusted(0, -1, 0, 1));
            p.setBrush(Qt::NoBrush);
        }
        p.setPen(QPen(fg, 1.4));
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        // Names in one row when each fits between its neighbours; else they alternate between
        // two rows, so neighbours get twice the width.
        const double slot = m_axes.size() > 1 ? area.width() / (m_axes.size() - 1) : 200;
        const bool stagger = staggerNames(fm, slot);
        const double room = std::max(30.0, (stagger ? 2.0 : 1.0) * slot - 6);
        const QString name = fm.elidedText(axis.name, Qt::ElideMiddle, room);
        const double nameWidth = fm.horizontalAdvance(name);
        const double nameX = std::clamp(x - nameWidth / 2.0, 2.0, width() - nameWidth - 2.0);
        const double nameY = stagger && a % 2 == 1 ? fm.height() + fm.ascent() + 4.0
                                                   : fm.ascent() + 2.0;
        p.drawText(QPointF(nameX, nameY), name);
        const QList<double> ticks = tickValues(axis);
        const double tickRoom = tickLabelRoom(a);
        QColor tickColor = fg;
        tickColor.setAlpha(200);
        for (double v : ticks) {
            const double t = toPosition(axis, v);
            const double y = positionY(t);
            p.setPen(QPen(fg, 1));
            p.drawLine(QPointF(x - 3, y), QPointF(x + 3, y));
            const QString text = fm.elidedText(tickText(axis, v), Qt::ElideRight, tickRoom);
            const double w = fm.horizontalAdvance(text);
            // Right of the axis (the margin holds the last axis' labels), on a plate of the
            // background so the lines under it do not hide it.
            const double tx = x + 5;
            const double ty = y + fm.ascent() / 2.0 - 1;
            p.setPen(Qt::NoPen);
            p.setBrush(plate);
            p.drawRoundedRect(QRectF(tx - 1, ty - fm.ascent(), w + 2, fm.height()), 2, 2);
            p.setBrush(Qt::NoBrush);
            p.setPen(tickColor);
            p.drawText(QPointF(tx, ty), text);
        }
    }
}

void ParallelCoordinates::mousePressEvent(QMouseEvent* event) {
    m_dragAxis = event->button() == Qt::LeftButton ? axisAt(event->position()) : -1;
    if (m_dragAxis >= 0) {
        const QRectF area = plotArea();
        m_dragStart = std::clamp((area.bottom() - event->position().y()) / area.height(), 0.0,
                                 1.0);
        m_dragMoved = false;
    }
}

void ParallelCoordinates::mouseMoveEvent(QMouseEvent* event) {
    const QRectF area = plotArea();
    const double t = std::clamp((area.bottom() - event->position().y()) / area.height(), 0.0, 1.0);
    if (m_dragAxis >= 0 && (event->buttons() & Qt::LeftButton)) {
        if (std::abs(t - m_dragStart) * area.height() >= 3.0) {
            m_dragMoved = true;
        }
        if (m_dragMoved) {
            setBrush(m_dragAxis, m_dragStart, t);
        }
        return;
    }
    const int axis = axisAt(event->position());
    setCursor(axis >= 0 ? Qt::SizeVerCursor : Qt::ArrowCursor);
    if (axis >= 0) {
        QToolTip::showText(event->globalPosition().toPoint(),
                           tr("%1\nDrag along the axis to select runs; click it to clear.")
                               .arg(m_axes[axis].key),
                           this);
    } else {
        QToolTip::hideText();
    }
}

void ParallelCoordinates::mouseReleaseEvent(QMouseEvent*) {
    if (m_dragAxis < 0) {
        return;
    }
    if (!m_dragMoved) {
        m_axes[m_dragAxis].brush.reset();
        update();
    }
    m_dragAxis = -1;
    const bool any = std::any_of(m_axes.begin(), m_axes.end(),
                                 [](const Axis& a) { return a.brush.has_value(); });
    Q_EMIT brushed(any ? brushedRuns() : QList<qint64>{});
}

void ParallelCoordinates::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        setData(SweepData(m_data)); // the result axes' names (brushes kept)
    }
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange ||
        event->type() == QEvent::LanguageChange) {
        update();
    }
    QWidget::changeEvent(event);
}

} // namespace sweeps
