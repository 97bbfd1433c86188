#include "sequence/tokenflowwidget.h"

#include "sequence/sequencestats.h"
#include "sequence/tokendepthmodel.h"

#include <QAbstractItemModel>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>

namespace sequence {
namespace {
constexpr int kMargin = 6;  // around the flow
constexpr int kGap = 3;     // between boxes
constexpr int kPadding = 4; // text inside a box
constexpr int kStrip = 11;  // Mixture-of-Depths: the row of block marks under the text

QVariantList flowBlockMask(const QModelIndex& index) {
    return index.data(TokenDepthModel::BlockMaskRole).toList();
}
} // namespace

TokenFlowWidget::TokenFlowWidget(QWidget* parent) : QAbstractScrollArea(parent) {
    setObjectName(QStringLiteral("tokenFlow"));
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
}

QFont TokenFlowWidget::tokenFont() const {
    // Larger than the inherited font and monospaced; derived on use, so it follows the
    // application font (presentation mode).
    QFont f = font();
    f.setStyleHint(QFont::TypeWriter);
    f.setFamily(QStringLiteral("monospace"));
    f.setPointSizeF(f.pointSizeF() * 1.4);
    return f;
}

void TokenFlowWidget::setModel(QAbstractItemModel* model) {
    if (m_model) {
        disconnect(m_model, nullptr, this, nullptr);
    }
    m_model = model;
    if (m_model) {
        connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
            m_current = -1;
            relayout();
        });
        connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { relayout(); });
        connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { relayout(); });
        connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { relayout(); });
    }
    m_current = -1;
    relayout();
}

void TokenFlowWidget::relayout() {
    m_rects.clear();
    const int rows = m_model ? m_model->rowCount() : 0;
    const QFontMetrics fm(tokenFont());
    const int width = std::max(viewport()->width(), 60);
    m_blockMarks = 0;
    for (int row = 0; row < rows; ++row) {
        m_blockMarks = std::max(m_blockMarks, int(flowBlockMask(m_model->index(row, 0)).size()));
    }
    const int h = fm.height() + 2 * kPadding + (m_blockMarks > 0 ? kStrip : 0);
    const int minW = std::max(fm.horizontalAdvance(QLatin1Char('M')) + 2 * kPadding,
                              m_blockMarks * 9 + 2 * kPadding);
    int x = kMargin, y = kMargin;
    for (int row = 0; row < rows; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        const QString text = index.data(Qt::DisplayRole).toString();
        const int w = std::max(minW, fm.horizontalAdvance(text) + 2 * kPadding);
        if (x > kMargin && x + w > width - kMargin) {
            x = kMargin;
            y += h + kGap;
        }
        m_rects.push_back(QRect(x, y, w, h));
        x += w + kGap;
        if (index.data(TokenDepthModel::IsNewlineRole).toBool()) {
            x = kMargin;
            y += h + kGap;
        }
    }
    // The last token's target continues the text (an addition's last answer digit).
    const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
    m_trailing = tokens ? trailingTarget(tokens->trace()) : QString();
    m_trailingRect = QRect();
    if (!m_trailing.isEmpty()) {
        const int w = std::max(minW, fm.horizontalAdvance(m_trailing) + 2 * kPadding);
        if (x > kMargin && x + w > width - kMargin) {
            x = kMargin;
            y += h + kGap;
        }
        m_trailingRect = QRect(x, y, w, h);
    }
    const AnswerText answer =
        tokens ? answerOf(tokens->trace(), tokens->vocabulary()) : AnswerText();
    m_answer = answer.count > 0 ? tr("Answer: %1, the model's: %2 (%3 of %4 right)")
                                      .arg(answer.expected, answer.predicted)
                                      .arg(answer.right)
                                      .arg(answer.count)
                                : QString();
    int bottom = rows > 0 ? std::max(m_rects.back().bottom(), m_trailingRect.bottom()) : 0;
    m_answerRect = QRect();
    if (!m_answer.isEmpty()) {
        const QFontMetrics plain(font());
        m_answerRect = QRect(kMargin, bottom + kGap + 2, width - 2 * kMargin,
                             plain.boundingRect(QRect(0, 0, width - 2 * kMargin, 10000),
                                                Qt::TextWordWrap, m_answer)
                                 .height());
        bottom = m_answerRect.bottom();
    }
    m_contentHeight = rows > 0 ? bottom + kMargin + 1 : 0;
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(h + kGap);
    verticalScrollBar()->setRange(0, std::max(0, m_contentHeight - viewport()->height()));
    viewport()->update();
}

QRect TokenFlowWidget::tokenRect(int row) const {
    if (row < 0 || row >= m_rects.size()) {
        return {};
    }
    return m_rects[row].translated(0, -verticalScrollBar()->value());
}

QRect TokenFlowWidget::trailingRect() const {
    return m_trailingRect.translated(0, -verticalScrollBar()->value());
}

int TokenFlowWidget::tokenAt(const QPoint& viewportPos) const {
    const QPoint p = viewportPos + QPoint(0, verticalScrollBar()->value());
    for (int i = 0; i < m_rects.size(); ++i) {
        if (m_rects[i].contains(p)) {
            return i;
        }
    }
    return -1;
}

void TokenFlowWidget::setCurrentToken(int row) {
    const int rows = m_model ? m_model->rowCount() : 0;
    if (row < -1 || row >= rows) {
        row = -1;
    }
    if (row == m_current) {
        return;
    }
    m_current = row;
    ensureVisible(row);
    viewport()->update();
    Q_EMIT currentTokenChanged(row);
}

void TokenFlowWidget::ensureVisible(int row) {
    if (row < 0 || row >= m_rects.size()) {
        return;
    }
    const QRect r = m_rects[row];
    QScrollBar* bar = verticalScrollBar();
    if (r.top() < bar->value()) {
        bar->setValue(r.top() - kMargin);
    } else if (r.bottom() > bar->value() + viewport()->height()) {
        bar->setValue(r.bottom() - viewport()->height() + kMargin);
    }
}

void TokenFlowWidget::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(tokenFont());
    const int offset = verticalScrollBar()->value();
    const QRect visible = viewport()->rect().translated(0, offset);
    const QColor frame = palette().color(QPalette::Mid);
    for (int row = 0; row < m_rects.size(); ++row) {
        if (!m_rects[row].intersects(visible)) {
            continue;
        }
        const QModelIndex index = m_model->index(row, 0);
        const QRectF box =
            QRectF(m_rects[row].translated(0, -offset)).adjusted(0.5, 0.5, -0.5, -0.5);
        p.setPen(QPen(frame, 1));
        p.setBrush(index.data(Qt::BackgroundRole).value<QColor>());
        p.drawRoundedRect(box, 3, 3);
        const QColor ink = index.data(Qt::ForegroundRole).value<QColor>();
        p.setPen(ink);
        p.drawText(box.adjusted(0, 0, 0, m_blockMarks > 0 ? -kStrip : 0), Qt::AlignCenter,
                   index.data(Qt::DisplayRole).toString());
        // Mixture-of-Depths: one mark per block, filled = went through it, hollow = skipped.
        const QVariantList used = flowBlockMask(index);
        if (!used.isEmpty()) {
            const double step = std::min(9.0, (box.width() - 2 * kPadding) / used.size());
            const double side = std::max(2.0, step - 2.0);
            double x = box.center().x() - step * used.size() / 2.0 + 1.0;
            const double y = box.bottom() - kStrip + (kStrip - side) / 2.0 - 1.0;
            for (const QVariant& b : used) {
                p.setPen(QPen(ink, 1));
                p.setBrush(b.toBool() ? QBrush(ink) : QBrush(Qt::NoBrush));
                p.drawRect(QRectF(x, y, side, side));
                x += step;
            }
        }
        if (row == m_current) {
            p.setPen(QPen(palette().color(QPalette::Highlight), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(box.adjusted(-1.5, -1.5, 1.5, 1.5), 4, 4);
        }
    }
    if (!m_trailing.isEmpty()) {
        // Not an input token: no depth colour, a dashed frame.
        const QRectF box = QRectF(trailingRect()).adjusted(0.5, 0.5, -0.5, -0.5);
        p.setPen(QPen(palette().color(QPalette::Text), 1, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(box, 3, 3);
        p.drawText(box.adjusted(0, 0, 0, m_blockMarks > 0 ? -kStrip : 0), Qt::AlignCenter,
                   m_trailing);
    }
    if (!m_answer.isEmpty()) {
        p.setFont(font());
        p.setPen(palette().color(QPalette::Text));
        p.drawText(m_answerRect.translated(0, -offset), Qt::TextWordWrap, m_answer);
    }
}

void TokenFlowWidget::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void TokenFlowWidget::scrollContentsBy(int, int) {
    viewport()->update();
}

void TokenFlowWidget::mousePressEvent(QMouseEvent* event) {
    const int row = tokenAt(event->position().toPoint());
    if (row >= 0) {
        setCurrentToken(row);
    }
    QAbstractScrollArea::mousePressEvent(event);
}

void TokenFlowWidget::keyPressEvent(QKeyEvent* event) {
    const int rows = m_model ? m_model->rowCount() : 0;
    switch (event->key()) {
    case Qt::Key_Left:
        setCurrentToken(std::max(0, m_current - 1));
        return;
    case Qt::Key_Right:
        setCurrentToken(std::min(rows - 1, m_current + 1));
        return;
    case Qt::Key_Home:
        setCurrentToken(rows > 0 ? 0 : -1);
        return;
    case Qt::Key_End:
        setCurrentToken(rows - 1);
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

bool TokenFlowWidget::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_model) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = tokenAt(help->pos());
        if (row < 0 && trailingRect().contains(help->pos())) {
            QToolTip::showText(help->globalPos(),
                               tr("Target of the last token: the model predicts it, but never "
                                  "reads it as input"),
                               viewport(), trailingRect());
        } else if (row >= 0) {
            QToolTip::showText(help->globalPos(),
                               m_model->index(row, 0).data(Qt::ToolTipRole).toString(), viewport(),
                               tokenRect(row));
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void TokenFlowWidget::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        relayout();
    }
    QAbstractScrollArea::changeEvent(event);
}

QSize TokenFlowWidget::sizeHint() const {
    return {480, 220};
}

} // namespace sequence
