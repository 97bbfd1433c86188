#pragma once
// Shared look of the inspect views' plots: expert colours, fonts, empty-plot setup.
#include <QColor>
#include <QString>
#include <QVector>

#include <initializer_list>

class QCustomPlot;
class QCPBars;
class QCPAxis;
class QCPColorGradient;
class QCPItemText;
class QWidget;

namespace common {

/// A stable, distinguishable colour per expert index (cycles after 10).
QColor expertColor(int expert);
/// Green for right answers, red for wrong ones.
QColor verdictColor(bool correct);

/// A QCustomPlot with the views' common settings (no drag/zoom, readable fonts).
QCustomPlot* makePlot(QWidget* parent, const QString& objectName);
/// Colours a plot from the application palette (background, axes, tick labels, dotted grid)
/// so it follows the light / dark theme; `hideZeroLine` drops the solid line at 0, which
/// reads as a bar edge in bar charts.
void applyPalette(QCustomPlot* plot, std::initializer_list<QCPAxis*> axes,
                  bool hideZeroLine = false);
/// applyPalette() for every axis of every axis rect, the legend, the text elements and the
/// text items of `plot` (items' pens too when they are black or white, i.e. not data colours).
void themePlot(QCustomPlot* plot);
/// Themes every QCustomPlot below `root` now and again whenever the palette changes (light /
/// dark theme), replotting them. Plots created later are themed on their next palette change;
/// call themePlot() on them when they are created.
void followTheme(QWidget* root);
/// Whether the application palette is dark (window darker than its text).
bool darkPalette();
/// Bar chart data with integer keys 0..n-1.
void setBarValues(QCPBars* bars, const QVector<double>& values, double keyOffset = 0.0);
/// Integer ticks labelled with `prefix + index` (e.g. "E0", "E1" or class numbers); at most
/// about `maxLabels` labels, so they never overlap.
void setIndexTicks(QCPAxis* axis, int count, const QString& prefix, int maxLabels = 20);
/// Perceptually uniform, colour-blind safe gradient (viridis stops) for probabilities; NaN (no
/// value) is grey.
QCPColorGradient probabilityGradient();
/// The relative luminance of `c` (WCAG 2: linearised sRGB, 0 black to 1 white).
double relativeLuminance(const QColor& c);
/// WCAG 2's contrast ratio of two colours, 1 (equal luminance) to 21 (black on white).
double contrastRatio(const QColor& a, const QColor& b);
/// Black or white, whichever reads better on a cell of colour `cell` (by its relative
/// luminance): dark text on light cells, light text on dark ones.
QColor textColorOn(const QColor& cell);
/// Makes `text` a label drawn on a heat map cell of colour `cell`: its colour follows the cell
/// (textColorOn), and the theme passes (themePlot, PlotStyler) leave it alone.
void setCellLabelColor(QCPItemText* text, const QColor& cell);
/// Whether `text` was made a cell label by setCellLabelColor().
bool isCellLabel(const QCPItemText* text);
/// Rounded text for a probability-like value.
QString fmt(double value, int decimals = 2);

} // namespace common
