#include "sequence/tokenflowwidget.h"

#include "common/plotexport.h"
#include "sequence/recursionladder.h"
#include "sequence/sequencestats.h"
#include "sequence/tokendepthmodel.h"

#include <QAbstractItemModel>
#include <QClipboard>
#include <QFileDialog>
#include <QGuiApplication>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace sequence {
namespace {
constexpr int kMargin = 6;  // around the flow
constexpr int kGap = 3;     // between boxes
constexpr int kPadding = 4; // text inside a box
constexpr int kStrip = 11;  // Mixture-of-Depths: the row of block marks under the text
constexpr int kBar = 3;     // the ladder's bar of target probability at a cell's foot

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
    viewport()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(viewport(), &QWidget::customContextMenuRequested, this,
            &TokenFlowWidget::showContextMenu);
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

QFont TokenFlowWidget::ladderFont() const {
    // The tokens' monospaced face, a little smaller: the cells read as the tokens' answers.
    QFont f = tokenFont();
    f.setPointSizeF(f.pointSizeF() * 0.85);
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
    const QFontMetrics plain(font());
    const int width = std::max(viewport()->width(), 60);
    m_blockMarks = 0;
    for (int row = 0; row < rows; ++row) {
        m_blockMarks = std::max(m_blockMarks, int(flowBlockMask(m_model->index(row, 0)).size()));
    }
    const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
    m_ladderRows = m_ladderShown && m_blockMarks == 0 && tokens && rows > 0
                       ? sequence::ladderRows(tokens->trace())
                       : 0;
    m_cellHeight = QFontMetrics(ladderFont()).height() + 2 + kBar + 1;
    // The gutter names the ladder's rows ("r1", "r2", ...) at the start of every line.
    const int gutter =
        m_ladderRows > 0
            ? plain.horizontalAdvance(QStringLiteral("r%1").arg(m_ladderRows)) + 2 * kPadding
            : 0;
    const int left = kMargin + gutter;
    const int h = fm.height() + 2 * kPadding + (m_blockMarks > 0 ? kStrip : 0);
    const int line = h + (m_ladderRows > 0 ? kGap + m_ladderRows * (m_cellHeight + 1) : 0);
    const int minW = std::max(fm.horizontalAdvance(QLatin1Char('M')) + 2 * kPadding,
                              m_blockMarks * 9 + 2 * kPadding);
    m_lineTops.clear();
    int x = left, y = kMargin;
    const auto place = [&](int w) {
        if (x > left && x + w > width - kMargin) {
            x = left;
            y += line + kGap;
        }
        if (m_lineTops.isEmpty() || m_lineTops.back() != y) {
            m_lineTops.push_back(y);
        }
        const QRect box(x, y, w, h);
        x += w + kGap;
        return box;
    };
    // A token is as wide as its widest ladder cell's text ("\\n" under "a"), up to ten
    // characters: longer predictions are elided in the cell and whole in its tooltip.
    const QFontMetrics cellMetrics(ladderFont());
    const int cellTextMax = 10 * cellMetrics.horizontalAdvance(QLatin1Char('M'));
    const auto ladderWidth = [&](int row) {
        int w = 0;
        for (int r = 1; r <= m_ladderRows; ++r) {
            const LadderCell cell =
                ladderCell(tokens->trace().tokens[size_t(row)], r, tokens->vocabulary());
            if (cell.exists) { // the text box: 1 px of frame and 1 px of air each side
                w = std::max(w, std::min(cellTextMax, cellMetrics.horizontalAdvance(cell.text)) + 4);
            }
        }
        return w;
    };
    for (int row = 0; row < rows; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        const QString text = index.data(Qt::DisplayRole).toString();
        const bool laddered = m_ladderRows > 0 && size_t(row) < tokens->trace().tokens.size();
        m_rects.push_back(place(std::max({minW, fm.horizontalAdvance(text) + 2 * kPadding,
                                          laddered ? ladderWidth(row) : 0})));
        if (index.data(TokenDepthModel::IsNewlineRole).toBool()) {
            x = left;
            y += line + kGap;
        }
    }
    // The last token's target continues the text (an addition's last answer digit).
    m_trailing = tokens ? trailingTarget(tokens->trace()) : QString();
    m_trailingRect = QRect();
    if (!m_trailing.isEmpty()) {
        m_trailingRect = place(std::max(minW, fm.horizontalAdvance(m_trailing) + 2 * kPadding));
    }
    const AnswerText answer =
        tokens ? answerOf(tokens->trace(), tokens->vocabulary()) : AnswerText();
    m_answer = answer.count > 0 ? tr("Answer: %1, the model's: %2 (%3 of %4 right)")
                                      .arg(answer.expected, answer.predicted)
                                      .arg(answer.right)
                                      .arg(answer.count)
                                : QString();
    int bottom = m_lineTops.isEmpty() ? 0 : m_lineTops.back() + line - 1;
    m_answerRect = QRect();
    if (!m_answer.isEmpty()) {
        m_answerRect = QRect(
            kMargin, bottom + kGap + 2, width - 2 * kMargin,
            plain.boundingRect(QRect(0, 0, width - 2 * kMargin, 10000), Qt::TextWordWrap, m_answer)
                .height());
        bottom = m_answerRect.bottom();
    }
    m_contentHeight = rows > 0 ? bottom + kMargin + 1 : 0;
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(line + kGap);
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

void TokenFlowWidget::setLadderShown(bool shown) {
    if (shown != m_ladderShown) {
        m_ladderShown = shown;
        relayout();
        ensureVisible(m_current);
    }
}

bool TokenFlowWidget::hasLadder() const {
    const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
    return tokens && m_blockMarks == 0 && sequence::ladderRows(tokens->trace()) > 0;
}

QRect TokenFlowWidget::ladderCellRect(int row, int r) const {
    return cellContentRect(row, r).translated(0, -verticalScrollBar()->value());
}

QRect TokenFlowWidget::cellContentRect(int row, int r) const {
    const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
    if (!tokens || row < 0 || row >= m_rects.size() || r < 1 || r > m_ladderRows ||
        size_t(row) >= tokens->trace().tokens.size() ||
        !ladderCell(tokens->trace().tokens[size_t(row)], r, tokens->vocabulary()).exists) {
        return {};
    }
    const QRect box = m_rects[row];
    return QRect(box.left(), box.bottom() + 1 + kGap + (r - 1) * (m_cellHeight + 1), box.width(),
                 m_cellHeight);
}

QPair<int, int> TokenFlowWidget::ladderCellAt(const QPoint& viewportPos) const {
    for (int row = 0; row < m_rects.size() && m_ladderRows > 0; ++row) {
        for (int r = 1; r <= m_ladderRows; ++r) {
            if (ladderCellRect(row, r).contains(viewportPos)) {
                return {row, r};
            }
        }
    }
    return {-1, 0};
}

void TokenFlowWidget::setCurrentRecursion(int r) {
    if (r != m_currentRecursion) {
        m_currentRecursion = r;
        viewport()->update();
    }
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
    QRect r = m_rects[row];
    if (m_ladderRows > 0) {
        r.setBottom(r.bottom() + kGap + m_ladderRows * (m_cellHeight + 1));
    }
    QScrollBar* bar = verticalScrollBar();
    if (r.top() < bar->value()) {
        bar->setValue(r.top() - kMargin);
    } else if (r.bottom() > bar->value() + viewport()->height()) {
        bar->setValue(r.bottom() - viewport()->height() + kMargin);
    }
}

void TokenFlowWidget::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    const int offset = verticalScrollBar()->value();
    paintContent(p, offset, viewport()->rect().translated(0, offset), true);
}

void TokenFlowWidget::paintContent(QPainter& p, int offset, const QRect& visible,
                                   bool selection) const {
    p.setRenderHint(QPainter::Antialiasing);
    p.setFont(tokenFont());
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
        if (selection && row == m_current) {
            p.setPen(QPen(palette().color(QPalette::Highlight), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(box.adjusted(-1.5, -1.5, 1.5, 1.5), 4, 4);
        }
        if (m_ladderRows > 0) {
            paintLadder(p, row, offset, selection);
            p.setFont(tokenFont());
        }
    }
    if (m_ladderRows > 0) {
        paintGutter(p, visible, offset);
        p.setFont(tokenFont());
    }
    if (!m_trailing.isEmpty()) {
        // Not an input token: no depth colour, a dashed frame.
        const QRectF box =
            QRectF(m_trailingRect.translated(0, -offset)).adjusted(0.5, 0.5, -0.5, -0.5);
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

void TokenFlowWidget::paintLadder(QPainter& p, int row, int offset, bool selection) const {
    const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
    if (!tokens || size_t(row) >= tokens->trace().tokens.size()) {
        return;
    }
    const mor::TokenStep& t = tokens->trace().tokens[size_t(row)];
    p.setFont(ladderFont());
    const QFontMetrics fm(ladderFont());
    QColor faint = palette().color(QPalette::Text);
    faint.setAlphaF(0.45f);
    for (int r = 1; r <= m_ladderRows; ++r) {
        const QRect rect = cellContentRect(row, r).translated(0, -offset);
        if (rect.isEmpty()) {
            continue;
        }
        const LadderCell cell = ladderCell(t, r, tokens->vocabulary());
        const QRectF box = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5);
        // The cell the token leaves with is framed in its verdict's dark shade; a position
        // without a target (a question's digits) is only outlined, its text faint.
        const bool scored = cell.verdict >= 0;
        p.setPen(!scored   ? QPen(faint, 1, Qt::DotLine)
                 : cell.last ? QPen(ladderBar(cell.verdict), 2)
                             : QPen(palette().color(QPalette::Mid)));
        p.setBrush(scored ? QBrush(ladderFill(cell.verdict)) : QBrush(Qt::NoBrush));
        p.drawRect(box);
        p.setPen(scored ? QColor(Qt::black) : faint); // the fills are light in either theme
        const QRectF textBox = box.adjusted(1, 0, -1, -kBar);
        p.drawText(textBox, Qt::AlignCenter,
                   fm.elidedText(cell.text, Qt::ElideRight, int(textBox.width())));
        if (cell.verdict >= 0) {
            p.setPen(Qt::NoPen);
            p.setBrush(ladderBar(cell.verdict));
            p.drawRect(QRectF(box.left() + 1.5, box.bottom() - kBar - 0.5,
                              std::clamp(cell.targetProb, 0.0, 1.0) * (box.width() - 3), kBar));
        }
        if (selection && row == m_current && r == m_currentRecursion) {
            p.setPen(QPen(palette().color(QPalette::Highlight), 3));
            p.setBrush(Qt::NoBrush);
            p.drawRect(box.adjusted(-1.5, -1.5, 1.5, 1.5));
        }
    }
}

void TokenFlowWidget::paintGutter(QPainter& p, const QRect& visible, int offset) const {
    p.setFont(font());
    QColor ink = palette().color(QPalette::Text);
    ink.setAlphaF(0.6f);
    p.setPen(ink);
    const int boxHeight = m_rects.isEmpty() ? 0 : m_rects.front().height();
    for (const int top : m_lineTops) {
        for (int r = 1; r <= m_ladderRows; ++r) {
            const QRect label(0, top + boxHeight + kGap + (r - 1) * (m_cellHeight + 1),
                              kMargin +
                                  QFontMetrics(font()).horizontalAdvance(
                                      QStringLiteral("r%1").arg(m_ladderRows)) +
                                  kPadding,
                              m_cellHeight);
            if (label.intersects(visible)) {
                p.drawText(label.translated(0, -offset), Qt::AlignRight | Qt::AlignVCenter,
                           QStringLiteral("r%1").arg(r));
            }
        }
    }
}

QImage TokenFlowWidget::toImage(double scale) const {
    const QSize size(std::max(1, viewport()->width()), std::max(1, m_contentHeight));
    QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter p(&image);
    p.scale(scale, scale);
    paintContent(p, 0, QRect(QPoint(0, 0), size), false);
    p.end();
    const int perMeter = int(std::lround(96.0 * scale / 0.0254));
    image.setDotsPerMeterX(perMeter);
    image.setDotsPerMeterY(perMeter);
    return image;
}

bool TokenFlowWidget::exportImage(const QString& path, QString* error) const {
    common::DrawingExport drawing;
    drawing.size = QSize(std::max(1, viewport()->width()), std::max(1, m_contentHeight));
    drawing.background = palette().color(QPalette::Base);
    drawing.title = tr("Tokens and their recursions");
    const QRect whole(QPoint(0, 0), drawing.size);
    return common::exportDrawing(
        path, drawing, [this, whole](QPainter& p, bool) { paintContent(p, 0, whole, false); },
        error);
}

void TokenFlowWidget::showContextMenu(const QPoint& pos) {
    QMenu menu(this);
    menu.addAction(tr("Export image…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export tokens"), QStringLiteral("sequence_tokens.png"),
            tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
        QString error;
        if (!path.isEmpty() && !exportImage(path, &error)) {
            QMessageBox::warning(this, tr("Export tokens"), error);
        }
    });
    menu.addAction(tr("Copy image"), this,
                   [this] { QGuiApplication::clipboard()->setImage(toImage(2.0)); });
    menu.exec(viewport()->mapToGlobal(pos));
}

void TokenFlowWidget::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    relayout();
    // The lines wrap anew: keep the selected token (and its ladder) in view. A selection made
    // before the window had its size was scrolled to for that size.
    ensureVisible(m_current);
}

void TokenFlowWidget::scrollContentsBy(int, int) {
    viewport()->update();
}

void TokenFlowWidget::mousePressEvent(QMouseEvent* event) {
    const QPoint at = event->position().toPoint();
    const int row = tokenAt(at);
    if (row >= 0) {
        setCurrentToken(row);
    } else if (const auto [cellRow, r] = ladderCellAt(at); cellRow >= 0) {
        setCurrentToken(cellRow);
        Q_EMIT recursionPicked(r);
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
    case Qt::Key_Up:
    case Qt::Key_Down:
        // Within the current token's ladder: Up to the recursion before, Down to the next.
        if (m_ladderRows > 0 && m_current >= 0) {
            const int step = event->key() == Qt::Key_Up ? -1 : 1;
            if (!ladderCellRect(m_current, m_currentRecursion + step).isEmpty()) {
                Q_EMIT recursionPicked(m_currentRecursion + step);
            }
            return;
        }
        QAbstractScrollArea::keyPressEvent(event);
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
        } else if (const auto [cellRow, r] = ladderCellAt(help->pos()); cellRow >= 0) {
            const auto* tokens = qobject_cast<const TokenDepthModel*>(m_model.data());
            QToolTip::showText(
                help->globalPos(),
                ladderTooltip(tokens->trace().tokens[size_t(cellRow)], r, tokens->vocabulary()),
                viewport(), ladderCellRect(cellRow, r));
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
