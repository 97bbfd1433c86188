// Export from the GUI: probe traces to CSV (rows and values as logged), metrics to CSV from the
// File menu, the current figure to the clipboard, and one plot to PNG, SVG and PDF (checked by
// the files' magic bytes).
#include "shell/mainwindow.h"
#include "shell/runexport.h"
#include "training/metricplots.h"
#include "training/trainingview.h"

#include "common/plotexport.h"

#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/run_export.h"

#include <QAction>
#include <QClipboard>
#include <QFile>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

namespace {
QStringList readLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return {};
    }
    return QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

mor::SampleTrace makeTrace(int64_t sample, int64_t step) {
    mor::SampleTrace t;
    t.sampleId = sample;
    t.label = sample % 2;
    t.domain = 1;
    t.finalPred = t.label;
    t.correct = true;
    t.routerProbs = {0.6f, 0.4f};
    t.mask = {1, 1};
    t.gates = {0.6f, 0.4f};
    t.fusedProbs = {0.25f, 0.75f};
    t.conflictScore = 0.125f;
    t.conflict = sample == 1;
    t.resolution = t.conflict ? "weighted" : "";
    for (int e = 0; e < 2; ++e) {
        mor::ExpertTrace x;
        x.expert = e;
        x.routerProb = e == 0 ? 0.6f : 0.4f;
        x.gate = x.routerProb;
        x.haltStep = 2;
        x.fusionWeight = 0.5f;
        x.pred = t.label;
        for (int it = 1; it <= 2; ++it) {
            const float c = 0.25f * float(it) + 0.125f * float(e) + 0.0625f * float(step / 10);
            x.steps.push_back(
                {it, {1.f - c, c}, c, 0.5f, it == 2 ? t.label : 1 - t.label, it == 2});
        }
        t.experts.push_back(x);
    }
    t.expertSteps = 4;
    return t;
}
} // namespace

class TstRunExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tracesCsvHasOneRowPerInputExpertAndIteration();
    void tracesCsvToAnUnwritablePathFailsWithTheFileName();
    void exportRunWritesTheSameTracesAsTheGui();
    void exportRunOfARecursionRunWritesTokenRows();
    void metricsCsvHasEveryLoggedPoint();
    void copyFigureCopiesThePlotImage();
    void exportPlotWritesTheRightFormat_data();
    void exportPlotWritesTheRightFormat();
    void exportPlotHasTheChosenSizeAndLeavesTheLivePlot();

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::shared_ptr<const mor::LogReader> m_reader;
    int64_t m_run = -1;
};

void TstRunExport::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(QStringLiteral("log.sqlite"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    mor::RunInfo info;
    info.name = "export";
    m_run = log->createRun(info);
    for (int64_t step : {10, 20}) {
        log->logMetrics(m_run, step, {{"val/accuracy", 0.5 + step / 100.0}, {"train/loss", 1.0}});
        log->logTraces(m_run, step, {makeTrace(0, step), makeTrace(1, step)});
    }
    log->setStatus(m_run, "finished");
    log->flush();
    m_reader = std::make_shared<const mor::LogReader>(
        mor::LogReader::open(m_path.toStdString()).value());
    QVERIFY2(m_reader, error.c_str());
}

void TstRunExport::tracesCsvHasOneRowPerInputExpertAndIteration() {
    const QString path = m_dir.filePath(QStringLiteral("traces.csv"));
    QString error;
    int rows = 0;
    QVERIFY2(shell::writeTracesCsv(*m_reader, m_run, path, &error, &rows), qPrintable(error));
    // 2 steps x 2 inputs x 2 experts x 2 iterations.
    QCOMPARE(rows, 16);
    const QStringList lines = readLines(path);
    QCOMPARE(lines.size(), 17);
    QVERIFY(lines[0].startsWith(QStringLiteral("step,sample_id,label,domain,final_pred")));
    const QStringList header = lines[0].split(QLatin1Char(','));
    QCOMPARE(header.size(), 22);
    for (const QString& line : lines.mid(1)) {
        QCOMPARE(line.split(QLatin1Char(',')).size(), 22);
    }
    // Step 20, input 1, expert 1, iteration 2: c = 0.5 + 0.125 + 0.125.
    const QString wanted = QStringLiteral("20,1,1,1,1,1,0.125,1,weighted,1,0.40000001,0.40000001,"
                                          "0.5,2,2,0.75,0.5,1,1,0.25;0.75,-1,0");
    QVERIFY2(lines.contains(wanted), qPrintable(lines.join(QLatin1Char('\n'))));
}

void TstRunExport::tracesCsvToAnUnwritablePathFailsWithTheFileName() {
    const QString path = m_dir.filePath(QStringLiteral("no/such/folder/traces.csv"));
    QString error;
    QVERIFY(!shell::writeTracesCsv(*m_reader, m_run, path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
}

void TstRunExport::exportRunWritesTheSameTracesAsTheGui() {
    // `mor export --csv` and File > Export traces write one schema through one function.
    const QString gui = m_dir.filePath(QStringLiteral("gui-traces.csv"));
    QString error;
    QVERIFY2(shell::writeTracesCsv(*m_reader, m_run, gui, &error), qPrintable(error));
    const QString folder = m_dir.filePath(QStringLiteral("cli"));
    const mor::RunExportResult r = mor::exportRun(*m_reader, m_run, folder.toStdString());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.files.size(), size_t(3));
    QCOMPARE(r.traceRows, int64_t(16));
    QCOMPARE(r.metricRows, int64_t(4));
    const QString prefix = folder + QStringLiteral("/run-%1-").arg(m_run);
    QCOMPARE(readLines(prefix + QStringLiteral("traces.csv")), readLines(gui));
    QCOMPARE(readLines(prefix + QStringLiteral("traces.csv")).first(),
             QString::fromLatin1(mor::kTracesCsvHeader));
    const QStringList conflicts = readLines(prefix + QStringLiteral("conflicts.csv"));
    QCOMPARE(conflicts.first(), QString::fromLatin1(mor::kConflictsCsvHeader));
    const QStringList metrics = readLines(prefix + QStringLiteral("metrics.csv"));
    QCOMPARE(metrics.filter(QStringLiteral("val/accuracy,20,0.7,")).size(), 1);
    QVERIFY(!QFile::exists(prefix + QStringLiteral("traces.csv.part")));
    const mor::RunExportResult missing = mor::exportRun(*m_reader, 999, folder.toStdString());
    QVERIFY(!missing.ok);
    QVERIFY2(missing.error.find("run 999") != std::string::npos, missing.error.c_str());
}

void TstRunExport::exportRunOfARecursionRunWritesTokenRows() {
    const std::string path = m_dir.filePath(QStringLiteral("seq.sqlite")).toStdString();
    std::string error;
    int64_t run = -1;
    {
        auto log = mor::ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        mor::RunInfo info;
        info.name = "tokens";
        run = log->createRun(info);
        mor::TokenTrace t;
        t.sampleId = 3;
        t.maxRecursions = 2;
        t.routing = "expert_choice";
        t.tokens.push_back({"1", 2, "+", 1, {0.75f, 0.5f}, {4, 2}, {0.25f, 0.5f}, 2, 0.5f, 0, {}});
        t.tokens.push_back({",", -1, "", 2, {0.5f, 0.f}, {7, 7}, {}, 7, 0.f, -1, {}});
        log->logTokenTraces(run, 10, {t});
        log->flush();
    }
    auto reader = mor::LogReader::open(path);
    QVERIFY2(reader, reader.error().c_str());
    const QString folder = m_dir.filePath(QStringLiteral("seq"));
    const mor::RunExportResult r = mor::exportRun(*reader, run, folder.toStdString());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.files.size(), size_t(2)); // no conflicts file for a recursion run
    QCOMPARE(r.traceRows, int64_t(2));
    const QStringList lines = readLines(folder + QStringLiteral("/run-%1-traces.csv").arg(run));
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QString::fromLatin1(mor::kTokenTracesCsvHeader));
    QCOMPARE(lines[1], QStringLiteral("10,3,0,1,+,2,1,1,0.5,0,0.75;0.5,4;2,0.25;0.5,"));
    QCOMPARE(lines[2], QStringLiteral("10,3,1,\",\",,7,,2,0,-1,0.5;0,7;7,,"));
}

void TstRunExport::metricsCsvHasEveryLoggedPoint() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.selectRun(m_run);
    // The training view reads the run on the session's view pool (issue 21).
    QTRY_VERIFY(window.trainingView()->shownRun() == m_run && !window.trainingView()->isReading());
    const QString path = m_dir.filePath(QStringLiteral("metrics.csv"));
    // Written on the session's view pool (issue 21); the signal tells the end.
    QSignalSpy exported(window.trainingView(), &training::TrainingView::metricsExported);
    QVERIFY(window.trainingView()->exportCsv(path));
    QTRY_COMPARE(exported.count(), 1);
    QCOMPARE(exported.first().at(2).toString(), QString()); // no error
    QCOMPARE(exported.first().at(1).toInt(), 4);            // data rows
    const QStringList lines = readLines(path);
    QCOMPARE(lines.first(), QStringLiteral("key,step,value,wall_ms"));
    QCOMPARE(lines.size(), 1 + 4);
    QVERIFY(std::any_of(lines.begin(), lines.end(), [](const QString& l) {
        return l.startsWith(QStringLiteral("val/accuracy,20,0.7,"));
    }));
    QVERIFY(window.findChild<QAction*>(QStringLiteral("exportMetricsAction")));
    QVERIFY(window.findChild<QAction*>(QStringLiteral("exportTracesAction")));
}

void TstRunExport::copyFigureCopiesThePlotImage() {
    shell::MainWindow window;
    window.resize(1200, 800);
    QVERIFY(window.openLog(m_path, false));
    window.selectRun(m_run);
    // The training view reads the run on the session's view pool (issue 21).
    QTRY_VERIFY(window.trainingView()->shownRun() == m_run && !window.trainingView()->isReading());
    window.showView(QStringLiteral("training"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QApplication::clipboard()->clear();
    QAction* copy = window.findChild<QAction*>(QStringLiteral("copyFigureAction"));
    QVERIFY(copy);
    QCOMPARE(copy->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    // The mouse is nowhere near: the largest plot of the training view is the figure.
    QCustomPlot* figure = shell::currentFigure(window.tabs()->currentWidget());
    QCOMPARE(figure, window.trainingView()->plots()->plot(training::MetricPlots::Losses));
    copy->trigger();
    const QImage image = QApplication::clipboard()->image();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), figure->toPixmap().size());
}

void TstRunExport::exportPlotWritesTheRightFormat_data() {
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("png") << "png" << QByteArray("\x89PNG\r\n\x1a\n");
    QTest::newRow("svg") << "svg" << QByteArray("<svg");
    QTest::newRow("pdf") << "pdf" << QByteArray("%PDF-");
}

void TstRunExport::exportPlotWritesTheRightFormat() {
    QFETCH(QString, suffix);
    QFETCH(QByteArray, magic);
    training::TrainingView* view = nullptr;
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.selectRun(m_run);
    // The training view reads the run on the session's view pool (issue 21).
    QTRY_VERIFY(window.trainingView()->shownRun() == m_run && !window.trainingView()->isReading());
    view = window.trainingView();
    QCustomPlot* plot = view->plots()->plot(training::MetricPlots::Accuracy);
    plot->resize(400, 300);
    QVERIFY(plot->graphCount() > 0);
    const QString path = m_dir.filePath(QStringLiteral("accuracy.") + suffix);
    QString error;
    QVERIFY2(common::exportPlot(plot, path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(file.size() > 200, qPrintable(QString::number(file.size())));
    const QByteArray head = file.read(512);
    if (suffix == QLatin1String("svg")) {
        QVERIFY2(head.contains(magic), head.constData());
    } else {
        QVERIFY2(head.startsWith(magic), head.left(16).toHex().constData());
    }
    if (suffix == QLatin1String("png")) {
        QImage image;
        QVERIFY(image.load(path));
        QCOMPARE(image.size(), QSize(800, 600)); // written at 2x for slides
    }
    QVERIFY(!common::exportPlot(plot, m_dir.filePath(QStringLiteral("plot.bmpx")), &error));
    QVERIFY2(error.contains(QStringLiteral("bmpx")), qPrintable(error));
}

void TstRunExport::exportPlotHasTheChosenSizeAndLeavesTheLivePlot() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.selectRun(m_run);
    // The training view reads the run on the session's view pool (issue 21).
    QTRY_VERIFY(window.trainingView()->shownRun() == m_run && !window.trainingView()->isReading());
    QCustomPlot* plot = window.trainingView()->plots()->plot(training::MetricPlots::Accuracy);
    plot->resize(400, 300);
    plot->xAxis->setRange(1.5, 2.5); // a zoom the user made: the export must not reset it
    plot->yAxis->setRange(0.25, 0.75);
    plot->replot();
    const QRect viewport = plot->viewport();
    common::PlotExportOptions options;
    options.width = 1234;
    options.height = 567;
    options.dpi = 300;
    const QString path = m_dir.filePath(QStringLiteral("sized.png"));
    QString error;
    QVERIFY2(common::exportPlot(plot, path, options, &error), qPrintable(error));
    QImage image;
    QVERIFY(image.load(path));
    QCOMPARE(image.size(), QSize(1234, 567));
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 300);
    QCOMPARE(plot->xAxis->range().lower, 1.5);
    QCOMPARE(plot->xAxis->range().upper, 2.5);
    QCOMPARE(plot->yAxis->range().lower, 0.25);
    QCOMPARE(plot->yAxis->range().upper, 0.75);
    QCOMPARE(plot->size(), QSize(400, 300));
    QCOMPARE(plot->viewport(), viewport);
    // The suggested file name says which view, plot and metric it is.
    const QString name = common::plotExportFileName(plot);
    QVERIFY2(!name.isEmpty() && !name.contains(QLatin1Char(' ')), qPrintable(name));
}

QTEST_MAIN(TstRunExport)
#include "tst_run_export.moc"
