#include "shell/runexport.h"

#include "mor/log_reader.h"
#include "mor/run_export.h"

#include <QApplication>
#include <QClipboard>
#include <QCursor>
#include <qcustomplot.h>

namespace shell {

namespace {
/// Runs one of core's CSV writers (the same files as `mor export --csv`) with Qt's types.
template <typename Writer>
bool writeCsv(Writer writer, const char* what, const mor::LogReader& reader, qint64 runId,
              const QString& path, QString* error, int* rows) {
    std::string message;
    int64_t written = 0;
    if (!writer(reader, runId, path.toStdString(), &message, &written)) {
        if (error) {
            *error = QApplication::translate("RunExport", what)
                         .arg(QString::fromStdString(message));
        }
        return false;
    }
    if (rows) {
        *rows = int(written);
    }
    return true;
}
} // namespace

bool writeTracesCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                    QString* error, int* rows) {
    return writeCsv(&mor::writeTracesCsv,
                    QT_TRANSLATE_NOOP("RunExport", "Cannot export the traces: %1"), reader, runId,
                    path, error, rows);
}

bool writeMetricsCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                     QString* error, int* rows) {
    return writeCsv(&mor::writeMetricsCsv,
                    QT_TRANSLATE_NOOP("RunExport", "Cannot export the metrics: %1"), reader, runId,
                    path, error, rows);
}

QCustomPlot* currentFigure(QWidget* view) {
    if (!view) {
        return nullptr;
    }
    const QList<QCustomPlot*> plots = view->findChildren<QCustomPlot*>();
    for (QCustomPlot* plot : plots) {
        if (plot->isVisible() && plot->rect().contains(plot->mapFromGlobal(QCursor::pos()))) {
            return plot;
        }
    }
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget()) {
        if (auto* plot = qobject_cast<QCustomPlot*>(w); plot && plots.contains(plot)) {
            return plot;
        }
    }
    QCustomPlot* largest = nullptr;
    for (QCustomPlot* plot : plots) {
        if (plot->isVisible() && (!largest || plot->width() * plot->height() >
                                                  largest->width() * largest->height())) {
            largest = plot;
        }
    }
    return largest;
}

QSize copyCurrentFigure(QWidget* view) {
    if (!view) {
        return {};
    }
    QCustomPlot* plot = currentFigure(view);
    const QPixmap pixmap = plot ? plot->toPixmap() : view->grab();
    if (pixmap.isNull()) {
        return {};
    }
    QApplication::clipboard()->setPixmap(pixmap);
    return pixmap.size();
}

} // namespace shell
