#include "sequence/depthlegend.h"

#include "sequence/tokenstyle.h"

#include <QPainter>

namespace sequence {

DepthLegend::DepthLegend(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("depthLegend"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void DepthLegend::setMaxDepth(int maxDepth) {
    m_maxDepth = maxDepth;
    updateGeometry();
    update();
}

void DepthLegend::setBlocksMode(bool blocks) {
    m_blocks = blocks;
    updateGeometry();
    update();
}

QString DepthLegend::title() const {
    return m_blocks ? tr("Blocks used") : tr("Recursion depth");
}

QString DepthLegend::markKey() const {
    return m_blocks ? tr("■ block used   □ block skipped") : QString();
}

QSize DepthLegend::sizeHint() const {
    const QFontMetrics fm(font());
    const QString key = markKey();
    return {fm.horizontalAdvance(title()) + 12 + m_maxDepth * (fm.height() * 2 + 6) +
                (key.isEmpty() ? 0 : fm.horizontalAdvance(key) + 16),
            fm.height() + 10};
}

QSize DepthLegend::minimumSizeHint() const {
    return sizeHint(); // a clipped legend would hide the deepest colours
}

void DepthLegend::paintEvent(QPaintEvent*) {
    if (m_maxDepth <= 0) {
        return;
    }
    QPainter p(this);
    const QFontMetrics fm(font());
    const QString title = this->title();
    const int h = fm.height() + 6;
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, 2, fm.horizontalAdvance(title) + 4, h), Qt::AlignVCenter, title);
    int x = fm.horizontalAdvance(title) + 12;
    const int w = std::max(fm.height() * 2, fm.horizontalAdvance(QString::number(m_maxDepth)) + 8);
    for (int d = 1; d <= m_maxDepth; ++d) {
        const QColor c = depthColor(d, m_maxDepth);
        const QRect box(x, 2, w, h);
        p.setPen(palette().color(QPalette::Mid));
        p.setBrush(c);
        p.drawRect(box);
        p.setPen(textColorOn(c));
        p.drawText(box, Qt::AlignCenter, QString::number(d));
        x += w + 2;
    }
    const QString key = markKey();
    if (!key.isEmpty()) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(x + 12, 2, fm.horizontalAdvance(key) + 4, h), Qt::AlignVCenter, key);
    }
}

} // namespace sequence
