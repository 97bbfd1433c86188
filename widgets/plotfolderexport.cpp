#include "plotfolderexport.h"

#include "inspect/plotexport.h"

#include <QDir>
#include <QRegularExpression>
#include <QTabWidget>
#include <qcustomplot.h>

namespace {
QString slug(QString text) {
    text = text.toLower().remove(QLatin1Char('&'));
    text.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    return text.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
}
} // namespace

QStringList exportAllPlots(QTabWidget* tabs, const QString& folder, QString* error) {
    QStringList written;
    if (!QDir().mkpath(folder)) {
        if (error) {
            *error = QObject::tr("Cannot create the folder %1").arg(folder);
        }
        return written;
    }
    const QDir dir(folder);
    for (int t = 0; t < tabs->count(); ++t) {
        if (!tabs->isTabVisible(t)) { // e.g. the Sequence tab of a run without token traces
            continue;
        }
        const QString tab = slug(tabs->tabText(t));
        const auto plots = tabs->widget(t)->findChildren<QCustomPlot*>();
        int n = 0;
        for (QCustomPlot* plot : plots) {
            ++n;
            // Plots on tabs never shown have no real size yet: give them a readable one.
            if (plot->width() < 200 || plot->height() < 150) {
                plot->resize(900, 600);
            }
            plot->replot();
            const QString base = QStringLiteral("%1-%2%3")
                                     .arg(tab)
                                     .arg(n, 2, 10, QLatin1Char('0'))
                                     .arg(plot->objectName().isEmpty()
                                              ? QString()
                                              : QLatin1Char('-') + slug(plot->objectName()));
            for (const char* suffix : {"png", "svg", "pdf"}) {
                const QString path = dir.filePath(base + QLatin1Char('.') + QLatin1String(suffix));
                if (!inspect::exportPlot(plot, path, error)) {
                    return written;
                }
                written << path;
            }
        }
    }
    return written;
}
