#pragma once
// Export of the inspect views' plots: a right-click menu on every plot (PNG, SVG, PDF, copy).
#include <QString>

class QCustomPlot;
class QWidget;

namespace inspect {

/// Writes `plot` to `path`; the format follows the suffix (.png, .svg, .pdf). On failure
/// returns false and sets *error to a message naming the file.
bool exportPlot(QCustomPlot* plot, const QString& path, QString* error = nullptr);
/// Adds "Export image…" and "Copy image" to the plot's context menu.
void installExportMenu(QCustomPlot* plot);
/// installExportMenu() for every QCustomPlot below `root`.
void installExportMenus(QWidget* root);

} // namespace inspect
