#pragma once
// Light and dark palettes on the Fusion style, applied application-wide and persisted.
#include <QColor>
#include <QString>

class QApplication;
class QPalette;

namespace common {

namespace Theme {

enum class Kind { Light, Dark };

/// Applies the palette (and the Fusion style) to the whole application.
void apply(Kind kind);
/// The theme stored in QSettings ("ui/theme"), light when unset.
Kind stored();
void store(Kind kind);
Kind current();
/// The edge drawn around check box and radio button indicators on a dark palette (Fusion's
/// own edge, Window.darker(140), is as dark as the box).
QColor indicatorEdge(const QPalette& palette);
/// Colour for the i-th curve of a plot, readable on the current theme.
QString curveColor(int index);

} // namespace Theme

} // namespace common
