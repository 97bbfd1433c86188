#pragma once
// Legend of the recursion-depth colour scale: one swatch per depth 1..maxDepth.
#include <QWidget>

namespace sequence {

class DepthLegend : public QWidget {
    Q_OBJECT
public:
    explicit DepthLegend(QWidget* parent = nullptr);
    void setMaxDepth(int maxDepth);
    int maxDepth() const { return m_maxDepth; }
    /// Mixture-of-Depths (issue 23): the scale counts blocks used, and a key explains the block
    /// marks under the tokens (filled = used, hollow = skipped).
    void setBlocksMode(bool blocks);
    bool blocksMode() const { return m_blocks; }
    /// The legend's title as drawn.
    QString title() const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString markKey() const;
    int m_maxDepth = 0;
    bool m_blocks = false;
};

} // namespace sequence
