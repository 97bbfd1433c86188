#include "shell/plotfolderexport.h"

#include "common/plotexport.h"

#include <QDir>
#include <QPointer>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTimer>
#include <qcustomplot.h>

#include <memory>

namespace shell {

namespace {
QString slug(QString text) {
    text = text.toLower().remove(QLatin1Char('&'));
    text.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    return text.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
}

/// What a plot shows, for its file name: its title when it has one, else its object name.
QString plotName(QCustomPlot* plot) {
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
            if (!slug(title->text()).isEmpty()) {
                return slug(title->text());
            }
        }
    }
    return slug(plot->objectName());
}
} // namespace

namespace {
struct PlotJob {
    QPointer<QCustomPlot> plot;
    QString base; ///< file name without suffix
};

/// Every plot of the visible tabs, with its file name (computed before anything is drawn).
QList<PlotJob> plotJobs(QTabWidget* tabs, const QString& prefix) {
    QList<PlotJob> jobs;
    const QString lead = prefix.isEmpty() ? QString() : slug(prefix) + QLatin1Char('-');
    for (int t = 0; t < tabs->count(); ++t) {
        if (!tabs->isTabVisible(t)) { // e.g. the Sequence tab of a run without token traces
            continue;
        }
        const QString tab = slug(tabs->tabText(t));
        int n = 0;
        for (QCustomPlot* plot : tabs->widget(t)->findChildren<QCustomPlot*>()) {
            ++n;
            const QString name = plotName(plot);
            jobs.append({plot, QStringLiteral("%1%2-%3%4")
                                   .arg(lead, tab)
                                   .arg(n, 2, 10, QLatin1Char('0'))
                                   .arg(name.isEmpty() ? QString() : QLatin1Char('-') + name)});
        }
    }
    return jobs;
}

/// One plot as PNG, SVG and PDF. Plots on tabs never shown have no real size yet: they get a
/// readable one for the files and their own back afterwards (the live view stays as it was).
bool exportJob(const PlotJob& job, const QDir& dir, QStringList* written, QString* error) {
    QCustomPlot* plot = job.plot;
    if (!plot) {
        return true; // gone meanwhile (a view rebuilt its plots)
    }
    const QSize before = plot->size();
    const bool resized = plot->width() < 200 || plot->height() < 150;
    if (resized) {
        plot->resize(900, 600);
    }
    plot->replot();
    bool ok = true;
    for (const char* suffix : {"png", "svg", "pdf"}) {
        const QString path = dir.filePath(job.base + QLatin1Char('.') + QLatin1String(suffix));
        if (!common::exportPlot(plot, path, error)) {
            ok = false;
            break;
        }
        *written << path;
    }
    if (resized) {
        plot->resize(before);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    return ok;
}

bool makeFolder(const QString& folder, QString* error) {
    if (QDir().mkpath(folder)) {
        return true;
    }
    if (error) {
        *error = QObject::tr("Cannot create the folder %1").arg(folder);
    }
    return false;
}
} // namespace

QStringList exportAllPlots(QTabWidget* tabs, const QString& folder, QString* error,
                           const QString& prefix) {
    QStringList written;
    if (!makeFolder(folder, error)) {
        return written;
    }
    const QDir dir(folder);
    for (const PlotJob& job : plotJobs(tabs, prefix)) {
        if (!exportJob(job, dir, &written, error)) {
            break;
        }
    }
    return written;
}

void exportAllPlotsInSteps(QTabWidget* tabs, const QString& folder, const QString& prefix,
                           std::function<void(QStringList, QString)> done) {
    struct State {
        QList<PlotJob> jobs;
        QDir dir;
        QStringList written;
        int next = 0;
    };
    QString error;
    if (!makeFolder(folder, &error)) {
        done({}, error);
        return;
    }
    auto state = std::make_shared<State>(State{plotJobs(tabs, prefix), QDir(folder), {}, 0});
    // One plot per turn of the event loop: the window stays responsive while dozens of
    // plots are drawn three times each.
    auto step = std::make_shared<std::function<void()>>();
    *step = [state, step, done, tabs = QPointer<QTabWidget>(tabs)] {
        QString failure;
        if (!tabs || state->next >= state->jobs.size() ||
            !exportJob(state->jobs[state->next++], state->dir, &state->written, &failure) ||
            state->next >= state->jobs.size()) {
            done(state->written, failure);
            *step = nullptr; // breaks the self-reference
            return;
        }
        QTimer::singleShot(0, tabs.data(), *step);
    };
    QTimer::singleShot(0, tabs, *step);
}

} // namespace shell
