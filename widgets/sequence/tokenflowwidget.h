#pragma once
// Draws the tokens of a TokenDepthModel as coloured boxes that wrap like text (a new line
// after every newline token); click or arrow keys select a token, hovering shows its tooltip.
#include <QAbstractScrollArea>
#include <QPointer>
#include <QRect>
#include <QVector>

class QAbstractItemModel;

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

public Q_SLOTS:
    void setCurrentToken(int row);

Q_SIGNALS:
    /// The selection moved to token `row` (by click, keys or setCurrentToken).
    void currentTokenChanged(int row);

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

    QPointer<QAbstractItemModel> m_model;
    QVector<QRect> m_rects; ///< content coordinates
    QString m_trailing;     ///< the last token's target (see trailingText())
    QRect m_trailingRect;   ///< content coordinates
    QString m_answer;       ///< the answer line (see answerText())
    QRect m_answerRect;     ///< content coordinates
    int m_contentHeight = 0;
    int m_current = -1;
    int m_blockMarks = 0; ///< Mixture-of-Depths: blocks marked under each token (0 = none)
};

} // namespace sequence
