// SPDX-License-Identifier: GPL-3.0-or-later
#include "playground/planeview.h"

#include "common/theme.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QResizeEvent>

#include <algorithm>

namespace playground {

namespace {

QColor mix(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

/// Class colours: the first two as TensorFlow Playground's orange and blue, then the curves'.
QColor classColor(int k) {
    static const QColor first[] = {QColor(0xf5, 0x93, 0x22), QColor(0x08, 0x77, 0xbd)};
    return k < 2 ? first[k] : QColor(common::Theme::curveColor(k + 1));
}

/// Expert colours: the curve colours that are neither class colour (green, purple, brown, pink).
QColor expertColor(int e) {
    static const int curve[] = {2, 4, 5, 6};
    return QColor(common::Theme::curveColor(curve[e % 4] + 10 * (e / 4)));
}

} // namespace

PlaneView::PlaneView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(240, 240);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void PlaneView::setFrame(const PlaneFrame& frame) {
    m_frame = frame;
    rebuildImage();
    update();
}

void PlaneView::setPoints(const QVector<float>& features, const QVector<qint64>& labels) {
    m_features = features;
    m_labels = labels;
    m_pointsDirty = true;
    update();
}

void PlaneView::setUserPoints(const QVector<float>& features, const QVector<qint64>& labels) {
    m_userFeatures = features;
    m_userLabels = labels;
    m_pointsDirty = true;
    update();
}

QPointF PlaneView::planeAt(const QPointF& pos) const {
    const QRectF area = square();
    return {m_bounds.left() + (pos.x() - area.left()) / area.width() * m_bounds.width(),
            m_bounds.bottom() - (pos.y() - area.top()) / area.height() * m_bounds.height()};
}

QPointF PlaneView::widgetAt(const QPointF& plane) const {
    const QRectF area = square();
    return {area.left() + (plane.x() - m_bounds.left()) / m_bounds.width() * area.width(),
            area.top() + (m_bounds.bottom() - plane.y()) / m_bounds.height() * area.height()};
}

void PlaneView::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    int label = -1;
    switch (event->button()) {
    case Qt::LeftButton:
        label = 0;
        break;
    case Qt::RightButton:
        label = 1;
        break;
    case Qt::MiddleButton:
        label = 2;
        break;
    default:
        break;
    }
    if (label < 0 || !square().contains(pos)) {
        QWidget::mousePressEvent(event);
        return;
    }
    event->accept();
    Q_EMIT pointPlaced(planeAt(pos), label);
}

void PlaneView::setMap(Map map) {
    m_map = map;
    rebuildImage();
    update();
}

void PlaneView::setBounds(const QRectF& bounds) {
    m_bounds = bounds;
    m_pointsDirty = true;
    update();
}

void PlaneView::setExpertStep(int expert, int step) {
    m_expert = expert;
    m_step = step;
    rebuildImage();
    update();
}

void PlaneView::rebuildImage() {
    const int n = m_frame.grid;
    m_scaled = QImage(); // scaled again at the next paint
    if (n <= 0) {
        m_image = QImage();
        return;
    }
    const QColor base = palette().color(QPalette::Base);
    m_image = QImage(n, n, QImage::Format_RGB32);
    const int experts = std::max(1, m_frame.numExperts);
    const double chance = 1.0 / std::max(2, m_frame.numClasses);
    for (int i = 0; i < n * n; ++i) {
        QColor color = base;
        switch (m_map) {
        case Map::Decision: {
            const double sure = (m_frame.confidence[i] - chance) / (1.0 - chance);
            color = mix(base, classColor(m_frame.answer[i]), 0.15 + 0.6 * sure);
            break;
        }
        case Map::Routing: {
            double r = 0, g = 0, b = 0, total = 0;
            for (int e = 0; e < m_frame.numExperts; ++e) {
                const double gate = m_frame.gates[i * experts + e];
                const QColor c = expertColor(e);
                r += gate * c.redF();
                g += gate * c.greenF();
                b += gate * c.blueF();
                total += gate;
            }
            if (total > 0) {
                color = mix(base, QColor::fromRgbF(float(r / total), float(g / total),
                                                   float(b / total)), 0.75);
            }
            break;
        }
        case Map::Depth:
            color = mix(base, palette().color(QPalette::Text),
                        m_frame.depth[i] / std::max(1, m_frame.maxDepth));
            break;
        case Map::Conflict:
            color = mix(base, QColor(0xd6, 0x27, 0x28), m_frame.conflict[i]); // 1 bit = full
            break;
        case Map::ExpertStep:
            if (m_expert < m_frame.numExperts && m_step < m_frame.steps) {
                const int at = m_frame.stepIndex(i, m_expert, m_step);
                if (m_frame.stepAnswer[at] >= 0) {
                    const double sure = (m_frame.stepConfidence[at] - chance) / (1.0 - chance);
                    color = mix(base, classColor(m_frame.stepAnswer[at]), 0.15 + 0.6 * sure);
                }
            }
            break;
        }
        m_image.setPixel(i % n, i / n, color.rgb());
    }
}

QRectF PlaneView::square() const {
    const double side = std::min(width(), height()) - 2.0;
    return {(width() - side) / 2.0, (height() - side) / 2.0, side, side};
}

void PlaneView::rebuildPointsLayer() {
    m_pointsDirty = false;
    const qreal dpr = devicePixelRatioF();
    if ((QSizeF(size()) * dpr).toSize().isEmpty()) {
        m_pointsLayer = QPixmap(); // nothing to paint into (a painter on it would warn)
        return;
    }
    m_pointsLayer = QPixmap((QSizeF(size()) * dpr).toSize());
    m_pointsLayer.setDevicePixelRatio(dpr);
    m_pointsLayer.fill(Qt::transparent);
    QPainter p(&m_pointsLayer);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = square();
    const QColor outline = palette().color(QPalette::Base);
    const double radius = std::max(2.0, area.width() / 160.0);
    for (qsizetype i = 0; i < m_labels.size(); ++i) {
        const double x = area.left() + (m_features[2 * i] - m_bounds.left()) /
                                           m_bounds.width() * area.width();
        const double y = area.top() + (m_bounds.bottom() - m_features[2 * i + 1]) /
                                          m_bounds.height() * area.height();
        p.setPen(QPen(outline, 0.8));
        p.setBrush(classColor(static_cast<int>(m_labels[i])));
        p.drawEllipse(QPointF(x, y), radius, radius);
    }
    // The user's points: larger, ringed in the text colour, so they stand out of the data.
    const QColor ring = palette().color(QPalette::Text);
    for (qsizetype i = 0; i < m_userLabels.size(); ++i) {
        const QPointF at = widgetAt({m_userFeatures[2 * i], m_userFeatures[2 * i + 1]});
        p.setPen(QPen(ring, 1.6));
        p.setBrush(classColor(static_cast<int>(m_userLabels[i])));
        p.drawEllipse(at, 2.2 * radius, 2.2 * radius);
    }
}

void PlaneView::resizeEvent(QResizeEvent* event) {
    m_pointsDirty = true;
    m_scaled = QImage();
    QWidget::resizeEvent(event);
}

void PlaneView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QRectF area = square();
    p.fillRect(area, palette().color(QPalette::Base));
    if (!m_image.isNull()) {
        // the frame may cover other bounds than the view (a frame of a previous data set)
        const QRectF& fb = m_frame.bounds;
        const QRectF target(area.left() + (fb.left() - m_bounds.left()) / m_bounds.width() *
                                              area.width(),
                            area.top() + (m_bounds.bottom() - fb.bottom()) /
                                             m_bounds.height() * area.height(),
                            fb.width() / m_bounds.width() * area.width(),
                            fb.height() / m_bounds.height() * area.height());
        // scaled once per new picture (or size), not at every repaint
        const QSize pixels = (target.size() * devicePixelRatioF()).toSize();
        if (m_scaled.size() != pixels && !pixels.isEmpty()) {
            // bilinear, as the painter's smooth transform draws it (QImage::scaled's smooth
            // upscaling left the cells' edges visible)
            m_scaled = QImage(pixels, QImage::Format_RGB32);
            QPainter scale(&m_scaled);
            scale.setRenderHint(QPainter::SmoothPixmapTransform);
            scale.drawImage(QRectF(QPointF(0, 0), QSizeF(pixels)), m_image);
            scale.end();
            m_scaled.setDevicePixelRatio(devicePixelRatioF());
        }
        p.drawImage(target.topLeft(), m_scaled);
    }
    if (m_pointsDirty || m_pointsLayer.deviceIndependentSize() != QSizeF(size())) {
        rebuildPointsLayer();
    }
    p.drawPixmap(0, 0, m_pointsLayer);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(Qt::NoBrush);
    p.drawRect(area);
    ++m_paints;
    if (m_map == Map::Routing && m_frame.numExperts > 0) {
        paintExpertLegend(p, area);
    }
}

void PlaneView::paintExpertLegend(QPainter& p, const QRectF& area) {
    const QFontMetrics metrics(font());
    const int line = metrics.height() + 2;
    QPointF at(area.left() + 8, area.top() + 8);
    for (int e = 0; e < m_frame.numExperts; ++e) {
        const QString text = tr("expert %1").arg(e);
        const QRectF box(at.x(), at.y() + e * line, line + metrics.horizontalAdvance(text) + 8,
                         line);
        p.fillRect(box, palette().color(QPalette::Base));
        p.fillRect(QRectF(box.left() + 3, box.top() + 3, line - 6, line - 6), expertColor(e));
        p.setPen(palette().color(QPalette::Text));
        p.drawText(box.adjusted(line, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
    }
}

void PlaneView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        rebuildImage(); // the map mixes with the theme's base colour
        m_pointsDirty = true; // the points' outline is the base colour
    }
    QWidget::changeEvent(event);
}

} // namespace playground
