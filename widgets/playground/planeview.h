#pragma once
// Paints the plane: one PlaneFrame as a map (fused decision, routing regions, halting depth or
// conflicts) under the data points. Painting only; the frame is computed elsewhere.
#include "playground/planeframe.h"

#include <QImage>
#include <QPixmap>
#include <QWidget>

class QPainter;

namespace playground {

class PlaneView : public QWidget {
    Q_OBJECT
public:
    /// ExpertStep: the draft of one expert at one reflection step (setExpertStep); blank where
    /// that expert did not run that step (not selected there, or already halted).
    enum class Map { Decision, Routing, Depth, Conflict, ExpertStep };

    explicit PlaneView(QWidget* parent = nullptr);

    void setFrame(const PlaneFrame& frame);
    /// The data points: features [n × 2] and their classes.
    void setPoints(const QVector<float>& features, const QVector<qint64>& labels);
    /// The points the user placed (drawn larger, with a ring): features [n × 2], classes.
    void setUserPoints(const QVector<float>& features, const QVector<qint64>& labels);
    /// Plane coordinates of a widget position.
    QPointF planeAt(const QPointF& widgetPos) const;
    /// Widget position of plane coordinates.
    QPointF widgetAt(const QPointF& planePos) const;
    /// Number of paints so far (for the repaint-rate benchmark).
    qint64 paintCount() const { return m_paints; }

    void setMap(Map map);
    void setBounds(const QRectF& bounds);
    /// Expert and step (0-based: 0 = iteration 1) the ExpertStep map shows.
    void setExpertStep(int expert, int step);
    const PlaneFrame& frame() const { return m_frame; }
    /// The map as an image (grid × grid), as painted.
    QImage mapImage() const { return m_image; }

    QSize sizeHint() const override { return {480, 480}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

Q_SIGNALS:
    /// The user clicked a point onto the plane: left button class 0, right button class 1,
    /// middle button class 2 (plane coordinates).
    void pointPlaced(QPointF position, int label);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuildImage();
    /// The data and user points drawn once into m_pointsLayer (widget size, transparent), so a
    /// repaint while training blits two pictures instead of drawing ~2000 antialiased circles.
    void rebuildPointsLayer();
    void paintExpertLegend(QPainter& painter, const QRectF& area);
    QRectF square() const;

    PlaneFrame m_frame;
    QImage m_image;
    QImage m_scaled;            ///< m_image scaled (smoothly) to the square it is painted in
    QPixmap m_pointsLayer;
    bool m_pointsDirty = true;  ///< points, bounds, size or palette changed since the layer
    QVector<float> m_features;
    QVector<qint64> m_labels;
    QVector<float> m_userFeatures;
    QVector<qint64> m_userLabels;
    qint64 m_paints = 0;
    QRectF m_bounds{-1.6, -1.6, 3.2, 3.2};
    Map m_map = Map::Decision;
    int m_expert = 0;
    int m_step = 0;
};

} // namespace playground
