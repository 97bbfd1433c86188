#include "runexport.h"

#include "mor/log_reader.h"

#include <QApplication>
#include <QClipboard>
#include <QCursor>
#include <QSaveFile>
#include <QTextStream>
#include <qcustomplot.h>

namespace {
/// A CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
QString field(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
        !text.contains(QLatin1Char('\n'))) {
        return text;
    }
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(double value) {
    return QString::number(value, 'g', 8);
}
} // namespace

bool writeTracesCsv(const mor::LogReader& reader, qint64 runId, const QString& path,
                    QString* error, int* rows) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) {
            *error = QApplication::translate("RunExport", "Cannot write %1: %2")
                         .arg(path, file.errorString());
        }
        return false;
    }
    QTextStream out(&file);
    out << "step,sample_id,label,domain,final_pred,correct,conflict_score,conflict,resolution,"
           "expert,router_p,gate,fusion_weight,halt_step,iteration,critique,halt_p,pred,"
           "draft_correct,probs\n";
    int count = 0;
    for (int64_t step : reader.traceSteps(runId)) {
        for (const mor::SampleTrace& t : reader.traces(runId, step)) {
            const QString input =
                QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9")
                    .arg(step)
                    .arg(t.sampleId)
                    .arg(t.label)
                    .arg(t.domain)
                    .arg(t.finalPred)
                    .arg(t.correct ? 1 : 0)
                    .arg(number(t.conflictScore))
                    .arg(t.conflict ? 1 : 0)
                    .arg(field(QString::fromStdString(t.resolution)));
            for (const mor::ExpertTrace& e : t.experts) {
                const QString expert = QStringLiteral("%1,%2,%3,%4,%5")
                                           .arg(e.expert)
                                           .arg(number(e.routerProb))
                                           .arg(number(e.gate))
                                           .arg(number(e.fusionWeight))
                                           .arg(e.haltStep);
                for (const mor::StepTrace& s : e.steps) {
                    QStringList probs;
                    for (float p : s.probs) {
                        probs << number(p);
                    }
                    out << input << ',' << expert << ',' << s.iteration << ','
                        << number(s.critique) << ',' << number(s.haltProb) << ',' << s.pred << ','
                        << (s.correct ? 1 : 0) << ',' << probs.join(QLatin1Char(';')) << '\n';
                    ++count;
                }
            }
        }
    }
    out.flush();
    if (!reader.lastError().empty() || !file.commit()) {
        if (error) {
            *error = QApplication::translate("RunExport", "Cannot write %1: %2")
                         .arg(path, reader.lastError().empty()
                                        ? file.errorString()
                                        : QString::fromStdString(reader.lastError()));
        }
        return false;
    }
    if (rows) {
        *rows = count;
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
