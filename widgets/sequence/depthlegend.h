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
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int m_maxDepth = 0;
};

} // namespace sequence
