#include "shell/runexport.h"

#include "mor/log_reader.h"
#include "mor/run_export.h"

#include <QApplication>
#include <QClipboard>
#include <QCursor>
#include <qcustomplot.h>

namespace shell {

bool writeTracesCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                    QString* error, int* rows) {
    // The one CSV writer of core (the same files as `mor export --csv`).
    std::string message;
    int64_t written = 0;
    if (!mor::writeTracesCsv(reader, runId, path.toStdString(), &message, &written)) {
        if (error) {
            *error = QApplication::translate("RunExport", "Cannot export the traces: %1")
                         .arg(QString::fromStdString(message));
        }
        return false;
    }
    if (rows) {
        *rows = int(written);
    }
    return true;
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
