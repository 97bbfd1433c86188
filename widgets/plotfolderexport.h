#pragma once
// "Export all plots": every QCustomPlot of a window's views, as PNG, SVG and PDF, into a folder.
#include <QString>
#include <QStringList>

class QTabWidget;

/// Writes each plot of every tab of `tabs` as <tab>-<n>-<plot>.{png,svg,pdf} into `folder`
/// (created if missing). Returns the files written; on failure sets *error (naming the file)
/// and returns what was written before it.
QStringList exportAllPlots(QTabWidget* tabs, const QString& folder, QString* error);
