#pragma once
// Draws the tokens of a TokenDepthModel as coloured boxes that wrap like text (a new line
// after every newline token); click or arrow keys select a token, hovering shows its tooltip.
// Under each token of a Mixture-of-Recursions trace, its recursion ladder (recursionladder.h):
// one cell per recursion with the prediction after it; clicking a cell or Up/Down picks r.
#include <QAbstractScrollArea>
#include <QPair>
#include <QPointer>
#include <QRect>
#include <QVector>

class QAbstractItemModel;
class QImage;
class QPainter;

namespace sequence {

class TokenFlowWidget : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit TokenFlowWidget(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model);
    QAbstractItemModel* model() const { return m_model; }

    /// The selected token (-1 = none).
    int currentToken() const { return m_current; }
    /// Box of token `row` in viewport coordinates (empty when out of range).
    QRect tokenRect(int row) const;
    /// Mixture-of-Depths: blocks marked under each token (filled = used, hollow = skipped);
    /// 0 for other routings.
    int blockMarks() const { return m_blockMarks; }
    /// Token under a viewport position (-1 = none).
    int tokenAt(const QPoint& viewportPos) const;
    /// Next-token traces (addition, text): the last token's target in a dashed box after the
    /// tokens (the last digit of an addition's answer, which the model predicts but never reads).
    QString trailingText() const { return m_trailing; }
    /// Box of the trailing target in viewport coordinates (empty when there is none).
    QRect trailingRect() const;
    /// A question and its answer (addition): "Answer: … , the model's: …" under the tokens.
    QString answerText() const { return m_answer; }

    /// Whether the recursion ladder is wanted (on by default); it is drawn when the trace has
    /// one (ladderRows() > 0).
    void setLadderShown(bool shown);
    bool isLadderShown() const { return m_ladderShown; }
    /// Whether the trace on screen has a ladder to show (whatever setLadderShown says).
    bool hasLadder() const;
    /// Rows of the ladder drawn (0 = none).
    int ladderRows() const { return m_ladderRows; }
    /// Cell of token `row` at recursion `r` in viewport coordinates (empty when the token did
    /// not reach r or no ladder is drawn).
    QRect ladderCellRect(int row, int r) const;
    /// The cell under a viewport position: {token row, r}, or {-1, 0}.
    QPair<int, int> ladderCellAt(const QPoint& viewportPos) const;
    /// The recursion marked in the current token's ladder (the stepper's; 0 = none).
    int currentRecursion() const { return m_currentRecursion; }

    /// The whole flow (every line, the ladder and the answer; no selection marks) as an image,
    /// at the view's width: .png (at 2x), .svg or .pdf by the suffix. The right-click menu's
    /// "Export image…" and "Copy image". False with *error naming the file or the format.
    bool exportImage(const QString& path, QString* error = nullptr) const;
    /// The whole flow as a bitmap at `scale` (what "Copy image" puts on the clipboard).
    QImage toImage(double scale = 2.0) const;
    /// Height of the whole flow in pixels (content coordinates).
    int contentHeight() const { return m_contentHeight; }

public Q_SLOTS:
    void setCurrentToken(int row);
    void setCurrentRecursion(int r);

    /// The ladder cells' font: the tokens' face, a little smaller.
    QFont ladderFont() const;

Q_SIGNALS:
    /// The selection moved to token `row` (by click, keys or setCurrentToken).
    void currentTokenChanged(int row);
    /// A ladder cell was clicked, or Up/Down moved within the current token's ladder: show
    /// recursion `r` of the current token.
    void recursionPicked(int r);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    QSize sizeHint() const override;

private:
    QFont tokenFont() const;
    void relayout();
    void ensureVisible(int row);
    /// Paints the content rows in `visible` (content coordinates) shifted up by `offset`; the
    /// selection marks only with `selection` (on screen, not in an export).
    void paintContent(QPainter& p, int offset, const QRect& visible, bool selection) const;
    void paintLadder(QPainter& p, int row, int offset, bool selection) const;
    void paintGutter(QPainter& p, const QRect& visible, int offset) const;
    QRect cellContentRect(int row, int r) const;
    void showContextMenu(const QPoint& pos);

    QPointer<QAbstractItemModel> m_model;
    QVector<QRect> m_rects; ///< content coordinates
    QString m_trailing;     ///< the last token's target (see trailingText())
    QRect m_trailingRect;   ///< content coordinates
    QString m_answer;       ///< the answer line (see answerText())
    QRect m_answerRect;     ///< content coordinates
    int m_contentHeight = 0;
    int m_current = -1;
    int m_blockMarks = 0; ///< Mixture-of-Depths: blocks marked under each token (0 = none)
    bool m_ladderShown = true;
    int m_ladderRows = 0;
    int m_cellHeight = 0;
    int m_currentRecursion = 0;
    QVector<int> m_lineTops; ///< content y of each line's token boxes (the ladder's gutter)
};

} // namespace sequence
