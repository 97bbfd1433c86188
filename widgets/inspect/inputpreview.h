#pragma once
// Draws one raw input: a 28x28 (or any square >= 8x8 image-sized) vector as a grayscale picture,
// 0/1 vectors as a row of bits, other vectors as a bar strip around zero.
#include <QWidget>

#include <vector>

namespace inspect {

class InputPreview : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Empty, Bars, Bits, Image };

    explicit InputPreview(QWidget* parent = nullptr);
    void setInput(const std::vector<float>& values);
    /// Marks the features a reflection step reads (experts with read_features); empty = none.
    void setHighlighted(const std::vector<int>& features);
    const std::vector<int>& highlighted() const { return m_highlighted; }
    Kind kind() const { return m_kind; }
    const std::vector<float>& values() const { return m_values; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintBars(QPainter& painter, const QRectF& area) const;
    void paintBits(QPainter& painter, const QRectF& area) const;
    void paintImage(QPainter& painter, const QRectF& area) const;
    void paintHighlight(QPainter& painter, const QRectF& area) const;

    std::vector<float> m_values;
    std::vector<int> m_highlighted;
    Kind m_kind = Kind::Empty;
    int m_side = 0; ///< image side length
};

} // namespace inspect
