#include "inspect/plotexport.h"

#include <qcustomplot.h>

#include <QClipboard>
#include <QFileDialog>
#include <QGuiApplication>
#include <QMenu>
#include <QPointer>
#include <QMessageBox>
#include <QSvgGenerator>

namespace inspect {

namespace {

/// Everything an export may disturb on the live plot: the axis ranges of every axis rect and
/// the viewport. Restored afterwards, then the plot is laid out again at its own size, so the
/// plot on screen is the same before and after an export.
class LivePlotGuard {
public:
    explicit LivePlotGuard(QCustomPlot* plot) : m_plot(plot), m_viewport(plot->viewport()) {
        for (QCPAxisRect* rect : plot->axisRects()) {
            for (QCPAxis* axis : rect->axes()) {
                m_ranges.append({axis, axis->range()});
            }
        }
    }
    ~LivePlotGuard() {
        for (const auto& [axis, range] : m_ranges) {
            if (axis) {
                axis->setRange(range);
            }
        }
        m_plot->setViewport(m_viewport);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    LivePlotGuard(const LivePlotGuard&) = delete;
    LivePlotGuard& operator=(const LivePlotGuard&) = delete;

private:
    QCustomPlot* m_plot;
    QRect m_viewport;
    QVector<QPair<QPointer<QCPAxis>, QCPRange>> m_ranges;
};

} // namespace

bool exportPlot(QCustomPlot* plot, const QString& path, QString* error) {
    const LivePlotGuard guard(plot);
    const QString suffix = QFileInfo(path).suffix().toLower();
    const int w = plot->width(), h = plot->height();
    bool ok = false;
    if (suffix == "png") {
        ok = plot->savePng(path, w, h, 2.0); // 2x: sharp on slides and in print
    } else if (suffix == "pdf") {
        ok = plot->savePdf(path, w, h);
    } else if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(QSize(w, h));
        generator.setViewBox(QRect(0, 0, w, h));
        generator.setTitle(plot->objectName());
        QCPPainter painter;
        ok = painter.begin(&generator);
        if (ok) {
            plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
        ok = ok && QFileInfo(path).size() > 0;
    } else {
        if (error) {
            *error = QObject::tr("%1: unknown image format \"%2\" (use .png, .svg or .pdf)")
                         .arg(path, suffix);
        }
        return false;
    }
    if (!ok && error) {
        *error = QObject::tr("Could not write %1").arg(path);
    }
    return ok;
}

void installExportMenu(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& pos) {
        QMenu menu(plot);
        menu.addAction(QObject::tr("Export image…"), plot, [plot] {
            const QString name = plot->objectName().isEmpty() ? "plot" : plot->objectName();
            const QString path = QFileDialog::getSaveFileName(
                plot, QObject::tr("Export plot"), name + ".png",
                QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
            QString error;
            if (!path.isEmpty() && !exportPlot(plot, path, &error)) {
                QMessageBox::warning(plot, QObject::tr("Export plot"), error);
            }
        });
        menu.addAction(QObject::tr("Copy image"), plot,
                       [plot] { QGuiApplication::clipboard()->setPixmap(plot->toPixmap()); });
        menu.exec(plot->mapToGlobal(pos));
    });
}

void installExportMenus(QWidget* root) {
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
        installExportMenu(plot);
    }
}

} // namespace inspect
