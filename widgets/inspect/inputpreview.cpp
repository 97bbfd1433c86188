#include "inspect/inputpreview.h"

#include <QImage>
#include <QPainter>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace inspect {

InputPreview::InputPreview(QWidget* parent) : QWidget(parent) {
    setMinimumSize(120, 56);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void InputPreview::setInput(const std::vector<float>& values) {
    m_values = values;
    m_side = 0;
    const int n = int(values.size());
    const int side = int(std::lround(std::sqrt(double(n))));
    const bool allBits = n > 0 && std::all_of(values.begin(), values.end(),
                                              [](float v) { return v == 0.f || v == 1.f; });
    if (n == 0) {
        m_kind = Kind::Empty;
    } else if (side * side == n && (n == 784 || side >= 16)) {
        m_kind = Kind::Image;
        m_side = side;
    } else if (allBits) {
        m_kind = Kind::Bits;
    } else {
        m_kind = Kind::Bars;
    }
    setMinimumHeight(m_kind == Kind::Image ? 96 : 56);
    updateGeometry();
    update();
}

void InputPreview::setHighlighted(const std::vector<int>& features) {
    if (features == m_highlighted) {
        return;
    }
    m_highlighted = features;
    QStringList names;
    for (int f : features) {
        if (f >= 0 && f < int(m_values.size())) {
            names << tr("feature %1 = %2").arg(f).arg(double(m_values[size_t(f)]));
        }
    }
    setToolTip(names.isEmpty() ? QString()
                               : tr("Read at this reflection step: %1").arg(names.join(", ")));
    update();
}

QSize InputPreview::sizeHint() const {
    return m_kind == Kind::Image ? QSize(110, 110) : QSize(260, 64);
}

void InputPreview::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QRectF area = QRectF(rect()).adjusted(2, 2, -2, -2);
    painter.fillRect(rect(), palette().base());
    switch (m_kind) {
    case Kind::Empty:
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(area, Qt::AlignCenter, tr("no input stored"));
        break;
    case Kind::Bars:
        paintBars(painter, area);
        break;
    case Kind::Bits:
        paintBits(painter, area);
        break;
    case Kind::Image:
        paintImage(painter, area);
        break;
    }
    if (m_kind == Kind::Bars || m_kind == Kind::Bits) {
        paintHighlight(painter, area);
    }
}

void InputPreview::paintHighlight(QPainter& painter, const QRectF& area) const {
    if (m_highlighted.empty() || m_values.empty()) {
        return;
    }
    // The same cell geometry as paintBars / paintBits.
    const double n = double(m_values.size());
    const double w = m_kind == Kind::Bits ? std::min(area.width() / n, 28.0) : area.width() / n;
    const QColor accent = palette().color(QPalette::Highlight);
    QColor fill = accent;
    fill.setAlpha(60);
    painter.setPen(QPen(accent, 2));
    painter.setBrush(fill);
    for (int f : m_highlighted) {
        if (f < 0 || f >= int(m_values.size())) {
            continue;
        }
        painter.drawRect(QRectF(area.left() + f * w, area.top(), w, area.height()));
    }
}

void InputPreview::paintBars(QPainter& painter, const QRectF& area) const {
    float maxAbs = 1e-6f;
    for (float v : m_values) {
        maxAbs = std::max(maxAbs, std::abs(v));
    }
    const double w = area.width() / double(m_values.size());
    const double mid = area.center().y();
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawLine(QPointF(area.left(), mid), QPointF(area.right(), mid));
    for (size_t i = 0; i < m_values.size(); ++i) {
        const double h = double(m_values[i]) / maxAbs * (area.height() / 2.0);
        const QRectF bar(area.left() + i * w + w * 0.1, h >= 0 ? mid - h : mid, w * 0.8,
                         std::abs(h));
        painter.fillRect(bar,
                         m_values[i] >= 0 ? QColor(0x4e, 0x79, 0xa7) : QColor(0xe1, 0x57, 0x59));
    }
}

void InputPreview::paintBits(QPainter& painter, const QRectF& area) const {
    const double w = std::min(area.width() / double(m_values.size()), 28.0);
    const double h = std::min(area.height(), 28.0);
    const double top = area.center().y() - h / 2.0;
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    for (size_t i = 0; i < m_values.size(); ++i) {
        const QRectF cell(area.left() + i * w + 1, top, w - 2, h);
        painter.setBrush(m_values[i] > 0.5f ? QColor(40, 40, 40) : QColor(245, 245, 245));
        painter.drawRect(cell);
        if (w >= 12) {
            painter.setPen(m_values[i] > 0.5f ? Qt::white : Qt::black);
            painter.drawText(cell, Qt::AlignCenter, m_values[i] > 0.5f ? "1" : "0");
            painter.setPen(QPen(palette().color(QPalette::Mid), 1));
        }
    }
}

void InputPreview::paintImage(QPainter& painter, const QRectF& area) const {
    const auto [lo, hi] = std::minmax_element(m_values.begin(), m_values.end());
    const float range = std::max(*hi - *lo, 1e-6f);
    QImage image(m_side, m_side, QImage::Format_Grayscale8);
    for (int y = 0; y < m_side; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < m_side; ++x) {
            line[x] = uchar(std::lround(255.f * (m_values[size_t(y * m_side + x)] - *lo) / range));
        }
    }
    const double side = std::min(area.width(), area.height());
    const QRectF target(area.left(), area.top(), side, side);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(target, image);
}

} // namespace inspect
