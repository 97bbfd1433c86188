#include "common/plotexport.h"

#include <qcustomplot.h>

#include <QClipboard>
#include <QFileDialog>
#include <QGuiApplication>
#include <QMenu>
#include <QPointer>
#include <QMessageBox>
#include <QSvgGenerator>
#include <QPageSize>
#include <QPdfWriter>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QRegularExpression>
#include <QSpinBox>

#include <algorithm>
#include <memory>
#include <cmath>

namespace common {

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
    return exportPlot(plot, path, PlotExportOptions{}, error); // PNG at 2x: sharp on slides
}

QString plotExportFileName(const QCustomPlot* plot) {
    QStringList parts;
    for (const QWidget* w = plot->parentWidget(); w; w = w->parentWidget()) {
        if (w->objectName().endsWith(QLatin1String("View"))) {
            parts << w->objectName().chopped(4);
            break;
        }
    }
    parts << (plot->objectName().isEmpty() ? QStringLiteral("plot") : plot->objectName());
    if (plot->yAxis && !plot->yAxis->label().isEmpty()) {
        parts << plot->yAxis->label();
    }
    QString name = parts.join(QLatin1Char('_')).toLower();
    name.replace(QRegularExpression(QStringLiteral("[^\\w.-]+")), QStringLiteral("_"));
    return name.left(80);
}

bool exportDrawing(const QString& path, const DrawingExport& drawing,
                   const std::function<void(QPainter& painter, bool vector)>& paint,
                   QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QSize size(std::max(1, drawing.size.width()), std::max(1, drawing.size.height()));
    bool ok = false;
    if (suffix == "png") {
        const QSize pixels = drawing.pixels.isEmpty() ? size * 2 : drawing.pixels;
        QImage image(pixels, QImage::Format_ARGB32);
        image.fill(drawing.background);
        QCPPainter painter;
        ok = painter.begin(&image);
        if (ok) {
            painter.scale(double(pixels.width()) / size.width(),
                          double(pixels.height()) / size.height());
            paint(painter, false);
            painter.end();
            const int perMeter = int(std::lround(std::clamp(drawing.dpi, 24, 1200) / 0.0254));
            image.setDotsPerMeterX(perMeter);
            image.setDotsPerMeterY(perMeter);
            ok = image.save(path, "PNG");
        }
    } else if (suffix == "svg" || suffix == "pdf") {
        QSvgGenerator svg;
        std::unique_ptr<QPdfWriter> pdf;
        QPaintDevice* device = &svg;
        if (suffix == "svg") {
            svg.setFileName(path);
            svg.setSize(size);
            svg.setViewBox(QRect(QPoint(0, 0), size));
            svg.setTitle(drawing.title);
            svg.setResolution(96); // text the size it has on screen (at 72 dpi it was 3/4)
        } else {
            pdf = std::make_unique<QPdfWriter>(path);
            // At the screen's 96 dpi a font's points take the share of the page they take on
            // screen (at the writer's default 1200 dpi the window's scale made text huge).
            pdf->setResolution(96);
            pdf->setPageMargins(QMarginsF(0, 0, 0, 0));
            pdf->setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
            pdf->setTitle(drawing.title);
            device = pdf.get();
        }
        QCPPainter painter;
        ok = painter.begin(device);
        if (ok) {
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            painter.setWindow(QRect(QPoint(0, 0), size)); // logical pixels onto the page
            if (drawing.background.alpha() > 0) {
                painter.fillRect(QRect(QPoint(0, 0), size), drawing.background);
            }
            paint(painter, true);
            ok = painter.end();
        }
        pdf.reset(); // writes the file
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

bool exportPlot(QCustomPlot* plot, const QString& path, const PlotExportOptions& options,
                QString* error) {
    const LivePlotGuard guard(plot);
    const bool png =
        QFileInfo(path).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0;
    const double scale = png ? std::clamp(options.dpi, 24, 1200) / 96.0 : 1.0;
    const int pw = options.width > 0 ? options.width : int(plot->width() * scale);
    const int ph = options.height > 0 ? options.height : int(plot->height() * scale);
    // The plot is laid out at the chosen size over the scale, so text stays readable.
    DrawingExport drawing;
    drawing.size = QSize(std::max(1, int(std::lround(pw / scale))),
                         std::max(1, int(std::lround(ph / scale))));
    drawing.pixels = QSize(pw, ph);
    drawing.dpi = options.dpi;
    drawing.title = plot->objectName();
    // The plot paints its own background brush.
    return exportDrawing(path, drawing,
                         [plot, &drawing](QPainter& painter, bool) {
                             plot->toPainter(static_cast<QCPPainter*>(&painter),
                                             drawing.size.width(), drawing.size.height());
                         },
                         error);
}

/// The size and DPI dialog of "Export image…"; false when cancelled.
static bool askPlotExportOptions(QCustomPlot* plot, PlotExportOptions* options) {
    QDialog dialog(plot);
    dialog.setWindowTitle(QObject::tr("Export plot"));
    auto* form = new QFormLayout(&dialog);
    auto spin = [&dialog](int low, int high, int value) {
        auto* box = new QSpinBox(&dialog);
        box->setRange(low, high);
        box->setValue(value);
        return box;
    };
    auto* width = spin(16, 20000, plot->width() * 2);
    auto* height = spin(16, 20000, plot->height() * 2);
    auto* dpi = spin(24, 1200, 192);
    width->setObjectName(QStringLiteral("exportWidth"));
    height->setObjectName(QStringLiteral("exportHeight"));
    dpi->setObjectName(QStringLiteral("exportDpi"));
    width->setSuffix(QObject::tr(" px"));
    height->setSuffix(QObject::tr(" px"));
    form->addRow(QObject::tr("Width"), width);
    form->addRow(QObject::tr("Height"), height);
    form->addRow(QObject::tr("Resolution (DPI)"), dpi);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) {
        return false;
    }
    options->width = width->value();
    options->height = height->value();
    options->dpi = dpi->value();
    return true;
}

void installExportMenu(QCustomPlot* plot) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& pos) {
        QMenu menu(plot);
        menu.addAction(QObject::tr("Export image…"), plot, [plot] {
            const QString path = QFileDialog::getSaveFileName(
                plot, QObject::tr("Export plot"), plotExportFileName(plot) + ".png",
                QObject::tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"));
            if (path.isEmpty()) {
                return;
            }
            PlotExportOptions options;
            if (QFileInfo(path).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0 &&
                !askPlotExportOptions(plot, &options)) {
                return;
            }
            QString error;
            if (!exportPlot(plot, path, options, &error)) {
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

} // namespace common
