#pragma once
// "Export all plots": every QCustomPlot of a window's views, as PNG, SVG and PDF, into a folder.
#include <QString>
#include <QStringList>

#include <functional>

class QTabWidget;

namespace shell {

/// Writes each plot of every tab of `tabs` as <prefix>-<tab>-<n>-<plot title>.{png,svg,pdf}
/// into `folder` (created if missing), e.g. "run-3-training-02-accuracy.png". Plots keep
/// their size and ranges. Returns the files written; on failure sets *error (naming the
/// file) and returns what was written before it.
QStringList exportAllPlots(QTabWidget* tabs, const QString& folder, QString* error,
                           const QString& prefix = QString());
/// The same, one plot per turn of the event loop (the menu action: the window stays
/// responsive); `done(files, error)` is called once at the end (error empty on success).
void exportAllPlotsInSteps(QTabWidget* tabs, const QString& folder, const QString& prefix,
                           std::function<void(QStringList, QString)> done);

} // namespace shell
