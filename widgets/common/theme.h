#pragma once
// Light and dark palettes on the Fusion style, applied application-wide and persisted.
#include <QString>

class QApplication;

namespace common {

namespace Theme {

enum class Kind { Light, Dark };

/// Applies the palette (and the Fusion style) to the whole application.
void apply(Kind kind);
/// The theme stored in QSettings ("ui/theme"), light when unset.
Kind stored();
void store(Kind kind);
Kind current();
/// Colour for the i-th curve of a plot, readable on the current theme.
QString curveColor(int index);

} // namespace Theme

} // namespace common
