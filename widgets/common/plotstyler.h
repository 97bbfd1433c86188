#pragma once
// Keeps every QCustomPlot of the application readable when the font changes (presentation
// mode, F5) or the theme does (light / dark): fonts in step with the plot's widget font,
// thicker curves, colours from the palette, and — for plots that ask for it — a minimum
// height that fits their axis labels.
//
// Why it is needed: QCustomPlot copies the widget font into its axes, legends and titles when
// they are created. Such a copy has no explicitly set size, so QPainter paints it at the
// widget's *current* size while QCustomPlot measures margins at the *stored* size. After the
// application font grows, labels are painted larger than the space reserved for them and are
// clipped. The styler gives every font an explicit size taken from the current widget font,
// so measuring and painting agree.
#include <QObject>

class QColor;
class QCPLegend;
class QCustomPlot;

namespace common {

class PlotStyler : public QObject {
    Q_OBJECT
public:
    /// The application-wide styler, installed as an event filter on first use.
    static PlotStyler* instance();

    /// Width factor for curves and scatter marks (1 normally; larger in presentation mode).
    void setLineScale(double scale);
    double lineScale() const { return m_lineScale; }

    /// Colours of one plot from its palette (light / dark theme): background, axes, grid,
    /// tick and axis labels, titles, legend; greys that would not be readable on the theme's
    /// background are replaced, colours that mean something (curves, heat maps) are kept.
    static void applyTheme(QCustomPlot* plot);
    /// QCPLegend::setTextColor for legends with empty cells (a wrapped legend whose items do
    /// not fill its last row): QCustomPlot 2.1 calls item(i)->setTextColor for every cell and
    /// crashes on the empty ones; this colours the items that exist.
    static void setLegendTextColor(QCPLegend* legend, const QColor& color);
    /// Applies fonts, colours and line widths to one plot now (also done before each of its
    /// replots).
    static void restyle(QCustomPlot* plot, double lineScale);
    /// The plot's minimum height grows to what its layout needs (axis labels, tick labels,
    /// titles) and never drops below the minimum it had when this was called. For plots of
    /// fixed height inside scroll areas, which a layout would otherwise squeeze.
    static void setFitHeight(QCustomPlot* plot);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit PlotStyler(QObject* parent);
    void attach(QCustomPlot* plot);
    static void fitHeight(QCustomPlot* plot);

    double m_lineScale = 1.0;
};

} // namespace common
