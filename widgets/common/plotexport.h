#pragma once
// Export of the inspect views' plots: a right-click menu on every plot (PNG, SVG, PDF, copy).
#include <QColor>
#include <QSize>
#include <QString>

#include <functional>

class QCustomPlot;
class QPainter;
class QWidget;

namespace common {

/// Writes `plot` to `path`; the format follows the suffix (.png, .svg, .pdf). On failure
/// returns false and sets *error to a message naming the file.
bool exportPlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);

/// Size and resolution of an exported image. width/height 0: the plot's size on screen.
struct PlotExportOptions {
    int width = 0;  ///< PNG: pixels; SVG/PDF: points of the page
    int height = 0;
    int dpi = 192;  ///< PNG: text and lines scale by dpi / 96; written into the file
};
/// exportPlot() at a chosen size and resolution; the live plot is left as it was.
bool exportPlot(QCustomPlot* plot, const QString& path, const PlotExportOptions& options,
                QString* error = nullptr);
/// What exportDrawing() writes: a drawing laid out at `size` (logical pixels).
struct DrawingExport {
    QSize size;
    QSize pixels;    ///< PNG: the image's size (empty: `size` at 2x)
    int dpi = 192;   ///< PNG: written into the file
    QColor background = Qt::transparent;
    QString title;   ///< SVG: the drawing's title
};
/// The one writer of exported images (plots, the Sequence view's tokens): `paint` draws the
/// drawing in logical pixels on a begun painter (a QCPPainter, so a plot can draw with it),
/// `vector` true for SVG and PDF. The format follows the suffix (.png, .svg, .pdf); false with
/// *error naming the file or the format.
bool exportDrawing(const QString& path, const DrawingExport& drawing,
                   const std::function<void(QPainter& painter, bool vector)>& paint,
                   QString* error = nullptr);

/// A file name that says what the plot is: its view, its name and its y axis ("routing_load_
/// share_of_tokens"), without characters file systems refuse.
QString plotExportFileName(const QCustomPlot* plot);
/// Adds "Export image…" and "Copy image" to the plot's context menu.
void installExportMenu(QCustomPlot* plot);
/// installExportMenu() for every QCustomPlot below `root`.
void installExportMenus(QWidget* root);

} // namespace common
