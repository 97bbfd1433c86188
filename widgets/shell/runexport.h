#pragma once
// Export of what a run logged, from the GUI: the probe traces as CSV (one row per input,
// expert and reflection iteration) and the current figure to the clipboard.
#include <QSize>
#include <QString>

class QCustomPlot;
class QWidget;

namespace mor {
class LogReader;
}

namespace shell {

/// Writes every probe trace of run `runId` (all evaluation steps) as CSV through
/// mor::writeTracesCsv (core/include/mor/run_export.h, the same file `mor export --csv`
/// writes): for reflection runs the columns of mor::kTracesCsvHeader, for recursion runs those
/// of mor::kTokenTracesCsvHeader. On failure returns false and sets *error to a message naming
/// the file. Returns the number of data rows in *rows.
bool writeTracesCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                    QString* error = nullptr, int* rows = nullptr);

/// Writes every logged point of every metric of run `runId` as CSV (mor::kMetricsCsvHeader)
/// through mor::writeMetricsCsv, as writeTracesCsv does the traces.
bool writeMetricsCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                     QString* error = nullptr, int* rows = nullptr);

/// The figure a user means by "the current figure" in `view`: the plot under the mouse, else
/// the plot holding the keyboard focus, else the largest visible plot; null when there is none.
QCustomPlot* currentFigure(QWidget* view);
/// Copies the current figure of `view` to the clipboard as an image (the whole view when it
/// has no plot). Returns the image's size in pixels (empty when nothing was copied).
QSize copyCurrentFigure(QWidget* view);

} // namespace shell
