// SPDX-License-Identifier: GPL-3.0-or-later
// Three runs of one demo must be tellable apart: the browser shows id, created time to the
// second and seed. The context menu offers Resume and Load into Setup, and they act: the run's
// config lands in the setup view; Resume is offered only for a run that ended early. Prune…
// and Retrain… open their panels (recursion runs and Retrain… in tst_runbrowser_menu_family.cpp).
#include "common/theme.h"
#include "setup/setupview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"
#include "shell/prunedialog.h"
#include "shell/prunejob.h"
#include "shell/pruneplot.h"
#include "shell/runauditdialog.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"
#include "training/trainingcontroller.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"
#include "mor/pruning.h"
#include "mor/trainer.h"
#include "mor/run_audit.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <qcustomplot.h>
#include <QFile>
#include <QLabel>
#include <QTreeWidget>
#include <QMenu>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

// Recursion runs in the prune panel and Compare, and Retrain… (tst_runbrowser_menu_family.cpp).
namespace runbrowser_menu_family_test {
void prunePanelAndCompareShowRecursionMeasures(const QString& logPath);
void retrainDialogComparesParentAndChild(const QString& logPath);
} // namespace runbrowser_menu_family_test

class TstRunBrowserMenu : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void idCreatedAndSeedColumnsTellRunsApart();
    void contextMenuOffersResumeAndLoad_data();
    void contextMenuOffersResumeAndLoad();
    void loadIntoSetupPutsTheRunsConfigInTheSetup();
    void resumeNamesTheRunToContinue();
    void auditTrailShowsHashesAndVerifies();
    void prunePanelWritesTheChildWithCoresMeasures();
    void pruneSweepPlotsAccuracyAgainstSparsity();
    void prunePanelCancelsAFineTuning();
    void prunePanelShowsCoresRefusal();
    void prunePanelAndCompareShowRecursionMeasures() {
        runbrowser_menu_family_test::prunePanelAndCompareShowRecursionMeasures(m_path);
    }
    void retrainDialogComparesParentAndChild() {
        runbrowser_menu_family_test::retrainDialogComparesParentAndChild(m_path);
    }

private:
    /// A small reflection run trained into m_path (parity, 2 epochs); its id.
    qint64 trainTinyRun();
    shell::PruneDialog* openPruneDialog(shell::RunBrowser& browser, qint64 run);
    /// Grabs `widget` light and dark into MOR_SCREENSHOT_DIR (for looking at it by eye).
    static void shoot(QWidget* widget, const QString& name);
    QAction* action(QMenu* menu, const char* name) {
        return menu ? menu->findChild<QAction*>(QString::fromLatin1(name)) : nullptr;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    QList<qint64> m_ids;
};

void TstRunBrowserMenu::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_runbrowser_menu"));
}

void TstRunBrowserMenu::init() {
    QSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("log.sqlite"));
    std::string error;
    auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
    QVERIFY2(log, error.c_str());
    m_ids.clear();
    // The same demo three times, with seeds 7, 8, 9; the last one was stopped.
    const char* statuses[] = {"finished", "finished", "stopped"};
    for (int i = 0; i < 3; ++i) {
        mor::ExperimentConfig config;
        config.name = "same demo";
        config.train.seed = 7 + i;
        config.train.epochs = 11 + i;
        mor::RunInfo info;
        info.name = "same demo";
        info.seed = 7 + i;
        info.configJson = mor::toJson(config);
        const int64_t id = log->createRun(info);
        log->setStatus(id, statuses[i]);
        m_ids << id;
    }
    log->flush();
}

void TstRunBrowserMenu::idCreatedAndSeedColumnsTellRunsApart() {
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    shell::RunTableModel* model = browser.model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(
        model->headerData(shell::RunTableModel::Id, Qt::Horizontal, Qt::DisplayRole).toString(),
        QStringLiteral("Id"));
    QCOMPARE(
        model->headerData(shell::RunTableModel::Seed, Qt::Horizontal, Qt::DisplayRole).toString(),
        QStringLiteral("Seed"));
    QSet<QString> rows;
    for (int r = 0; r < 3; ++r) {
        const qint64 id = model->runId(r);
        QCOMPARE(model->index(r, shell::RunTableModel::Id).data().toLongLong(), id);
        QCOMPARE(model->index(r, shell::RunTableModel::Seed).data().toLongLong(),
                 7 + m_ids.indexOf(id));
        // Created, to the second: "2026-12-02 05:21:07".
        const QString created = model->index(r, shell::RunTableModel::Created).data().toString();
        QVERIFY2(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$)"))
                     .match(created)
                     .hasMatch(),
                 qPrintable(created));
        QStringList cells;
        for (int c = 0; c < shell::RunTableModel::ColumnCount; ++c) {
            if (c != shell::RunTableModel::Created && c != shell::RunTableModel::Duration) {
                cells << model->index(r, c).data().toString();
            }
        }
        rows.insert(cells.join(QLatin1Char('|')));
    }
    QCOMPARE(rows.size(), 3); // no two rows look the same
}

void TstRunBrowserMenu::contextMenuOffersResumeAndLoad_data() {
    QTest::addColumn<int>("index");
    QTest::addColumn<bool>("resumable");
    QTest::newRow("finished run") << 0 << false;
    QTest::newRow("stopped run") << 2 << true;
}

void TstRunBrowserMenu::contextMenuOffersResumeAndLoad() {
    QFETCH(int, index);
    QFETCH(bool, resumable);
    shell::LogSession session;
    QString error;
    QVERIFY2(session.open(m_path, &error), qPrintable(error));
    shell::RunBrowser browser(&session);
    QVERIFY(!browser.createContextMenu(&browser)); // nothing selected: no menu
    const qint64 id = m_ids[index];
    browser.selectRun(id);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QVERIFY(menu);
    QAction* resume = action(menu.get(), "resumeRun");
    QAction* load = action(menu.get(), "loadIntoSetup");
    QVERIFY(resume && load);
    QCOMPARE(resume->text(), QStringLiteral("Res&ume"));
    QCOMPARE(load->text(), QStringLiteral("&Load into Setup"));
    QCOMPARE(resume->isEnabled(), resumable);
    QVERIFY(load->isEnabled());
    for (const char* other : {"renameRun", "editTags", "editNotes", "deleteRuns"}) {
        QVERIFY2(action(menu.get(), other), other);
    }
    QSignalSpy resumed(&browser, &shell::RunBrowser::resumeRequested);
    QSignalSpy loaded(&browser, &shell::RunBrowser::loadIntoSetupRequested);
    resume->trigger();
    load->trigger();
    QCOMPARE(resumed.count(), resumable ? 1 : 0); // a disabled action does nothing
    if (resumable) {
        QCOMPARE(resumed.first().first().toLongLong(), id);
    }
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(loaded.first().first().toLongLong(), id);
}

void TstRunBrowserMenu::loadIntoSetupPutsTheRunsConfigInTheSetup() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    window.showView(QStringLiteral("training"));
    const qint64 id = m_ids[1];
    window.selectRun(id);
    std::unique_ptr<QMenu> menu(window.runBrowser()->createContextMenu(&window));
    QVERIFY(menu);
    const int undoBefore = window.setupView()->undoStack()->count();
    action(menu.get(), "loadIntoSetup")->trigger();
    QCOMPARE(window.tabs()->currentWidget(), static_cast<QWidget*>(window.setupView()));
    QCOMPARE(window.setupView()->config().train.seed, int64_t(8));
    QCOMPARE(window.setupView()->config().train.epochs, int64_t(12));
    QCOMPARE(window.setupView()->undoStack()->count(), undoBefore + 1); // one undoable step
    QVERIFY(window.statusBar()->currentMessage().contains(QString::number(id)));
}

void TstRunBrowserMenu::resumeNamesTheRunToContinue() {
    shell::MainWindow window;
    QVERIFY(window.openLog(m_path, false));
    const qint64 id = m_ids[2];
    window.selectRun(id);
    std::unique_ptr<QMenu> menu(window.runBrowser()->createContextMenu(&window));
    QVERIFY(menu);
    QSignalSpy finished(window.controller(), &training::TrainingController::finished);
    action(menu.get(), "resumeRun")->trigger();
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("Resuming run %1").arg(id)), qPrintable(message));
    QVERIFY(window.controller()->isRunning());
    QCOMPARE(window.tabs()->currentIndex(), int(shell::MainWindow::Training));
    // The resumed training is the logged run itself (mor::resumeExperiment), not a new one:
    // stop it and check which run finished.
    window.controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QCOMPARE(finished.at(0).at(0).toLongLong(), id);
}

// Audit trail…: the dialog lists who/where/how and the data file's SHA-256; Verify says the
// run reproduces, and after the data file changes that it does not, naming the file.
void TstRunBrowserMenu::auditTrailShowsHashesAndVerifies() {
    const QString csv = m_dir->filePath(QStringLiteral("audit.csv"));
    const auto writeCsv = [&csv](const QByteArray& bytes) {
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    };
    writeCsv("a,label\n1,0\n2,1\n");
    const std::string config =
        R"({"data":{"kind":"csv","path":")" + csv.toStdString() + R"("}})";
    std::string error;
    qint64 run = 0;
    {
        auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
        QVERIFY2(log, error.c_str());
        run = log->createRun(mor::RunInfo{"audited", config, "csv", "cpu", 3, {}});
        mor::RunAudit audit = mor::collectRunAudit(config, "cpu", "1.13.0", {"pruned-from:1"});
        audit.runId = run;
        QVERIFY2(mor::recordRunAudit(m_path.toStdString(), audit, &error), error.c_str());
    }
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    browser.selectRun(run);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QAction* show = action(menu.get(), "showAudit");
    QVERIFY(show);
    show->trigger();
    auto* dialog = browser.findChild<shell::RunAuditDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    const auto cell = [dialog](const QString& text) {
        return dialog->auditTree()
            ->findItems(text, Qt::MatchExactly | Qt::MatchRecursive, 1)
            .size();
    };
    const std::string sha = mor::sha256Hex("a,label\n1,0\n2,1\n");
    QCOMPARE(cell(QString::fromStdString(sha)), 1);
    QCOMPARE(cell(csv), 1);
    QCOMPARE(cell(QStringLiteral("cpu")), 1);
    QCOMPARE(cell(QStringLiteral("1 (pruned)")), 1);
    QSignalSpy verified(dialog, &shell::RunAuditDialog::verified);
    dialog->verify();
    QVERIFY(verified.wait(5000));
    QCOMPARE(verified.takeFirst().first().toBool(), true);
    QCOMPARE(dialog->checkTree()->topLevelItemCount(), 2); // config + the CSV file
    writeCsv("a,label\n1,1\n2,1\n");
    dialog->verify();
    QVERIFY(verified.wait(5000));
    QCOMPARE(verified.takeFirst().first().toBool(), false);
    const auto changed =
        dialog->checkTree()->findItems(QStringLiteral("changed"), Qt::MatchExactly, 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0]->text(0), QStringLiteral("data.path"));
    QVERIFY(changed[0]->text(2).contains(csv));
    QVERIFY(dialog->verdictLabel()->text().contains(QStringLiteral("NOT")));
    if (qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) { // for looking at it by eye
        dialog->grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") + "/run-audit.png");
    }
}

qint64 TstRunBrowserMenu::trainTinyRun() {
    mor::ExperimentConfig c;
    c.name = "tiny";
    c.data.kind = mor::DataKind::Parity;
    c.data.length = 6;
    c.data.samples = 600;
    c.data.probeSize = 8;
    c.model.encoder.hidden = 16;
    c.model.router.hidden = 16;
    c.model.router.topK = 1;
    c.model.experts.assign(2, mor::ExpertConfig{});
    for (auto& e : c.model.experts) {
        e.width = 16;
        e.maxDepth = 3;
    }
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 5;
    c.train.threads = 1;
    mor::RunOptions options;
    options.logPath = m_path.toStdString();
    const mor::RunOutcome out = mor::trainExperiment(c, options, nullptr);
    return out.status == "finished" ? out.runId : -1;
}

shell::PruneDialog* TstRunBrowserMenu::openPruneDialog(shell::RunBrowser& browser, qint64 run) {
    browser.selectRun(run);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QAction* prune = action(menu.get(), "pruneRun");
    if (!prune || !prune->isEnabled()) {
        return nullptr;
    }
    prune->trigger();
    return browser.findChild<shell::PruneDialog*>();
}

void TstRunBrowserMenu::shoot(QWidget* widget, const QString& name) {
    if (!qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) {
        return;
    }
    for (const auto kind : {common::Theme::Kind::Light, common::Theme::Kind::Dark}) {
        common::Theme::apply(kind);
        QTest::qWait(100); // the palette reaches every child
        widget->grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") + QLatin1Char('/') + name +
                            (kind == common::Theme::Kind::Dark ? "-dark.png" : "-light.png"));
    }
    common::Theme::apply(common::Theme::Kind::Light);
}

// Prune…: magnitude 0.5 of a trained run from the context menu; the child run appears in the
// browser and the panel shows the measures that mor::pruneRun reports for the same prune.
void TstRunBrowserMenu::prunePanelWritesTheChildWithCoresMeasures() {
    const qint64 parent = trainTinyRun();
    QVERIFY(parent > 0);
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    shell::PruneDialog* dialog = openPruneDialog(browser, parent);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->methodBox()->setCurrentIndex(dialog->methodBox()->findData(QStringLiteral("magnitude")));
    dialog->amountBox()->setValue(0.5);
    QSignalSpy done(dialog, &shell::PruneDialog::done);
    QVERIFY(dialog->start());
    QVERIFY(dialog->isRunning());
    QVERIFY(!dialog->pruneButton()->isEnabled());
    QVERIFY(dialog->cancelButton()->isEnabled());
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().first().toBool(), false);
    QCOMPARE(int(dialog->outcomes().size()), 1);
    QVERIFY2(dialog->lastError().isEmpty(), qPrintable(dialog->lastError()));
    const mor::PruneOutcome panel = dialog->outcomes().front();
    QVERIFY(panel.runId > parent);
    QTRY_VERIFY(browser.model()->rowOf(panel.runId) >= 0); // the child is in the browser

    // The same prune through core directly: the same measures (deterministic evaluation).
    mor::PruneOptions options;
    options.logPath = m_path.toStdString();
    options.runId = parent;
    options.method = "magnitude";
    options.amount = 0.5;
    const auto coreResult = mor::pruneRun(options);
    QVERIFY2(coreResult, coreResult.error().c_str());
    const mor::PruneOutcome& core = *coreResult;
    const std::pair<const mor::PruneMeasure*, const mor::PruneMeasure*> pairs[] = {
        {&panel.before, &core.before}, {&panel.after, &core.after}};
    for (const auto& [p, c] : pairs) {
        QCOMPARE(p->testAccuracy, c->testAccuracy);
        QCOMPARE(p->parameters, c->parameters);
        QCOMPARE(p->nonzeroParameters, c->nonzeroParameters);
        QCOMPARE(p->flopsPerInput, c->flopsPerInput);
        QCOMPARE(p->sparseFlopsPerInput, c->sparseFlopsPerInput);
        QCOMPARE(p->expertStepsPerInput, c->expertStepsPerInput);
    }
    QCOMPARE(panel.prunedEntries, core.prunedEntries);
    // What the table shows is that, and what the child run's log holds.
    const QLocale locale;
    QTableWidget* table = dialog->resultTable();
    QCOMPARE(table->item(shell::PruneDialog::TestAccuracy, shell::PruneDialog::Before)->text(),
             locale.toString(100.0 * core.before.testAccuracy, 'f', 2) + QStringLiteral(" %"));
    QCOMPARE(table->item(shell::PruneDialog::TestAccuracy, shell::PruneDialog::After)->text(),
             locale.toString(100.0 * core.after.testAccuracy, 'f', 2) + QStringLiteral(" %"));
    QCOMPARE(table->item(shell::PruneDialog::NonzeroParameters, shell::PruneDialog::After)->text(),
             locale.toString(double(core.after.nonzeroParameters), 'f', 0));
    QCOMPARE(table->item(shell::PruneDialog::SparseFlops, shell::PruneDialog::After)->text(),
             locale.toString(core.after.sparseFlopsPerInput, 'f', 0));
    std::string error;
    auto reader = mor::LogReader::open(m_path.toStdString());
    QVERIFY2(reader, reader.error().c_str());
    const auto metrics = reader->lastMetrics(panel.runId);
    QCOMPARE(metrics.at("prune/after/test_accuracy"), panel.after.testAccuracy);
    QCOMPARE(metrics.at("prune/after/nonzero_parameters"), double(panel.after.nonzeroParameters));
    qInfo("parent #%lld test accuracy %.4f -> child #%lld %.4f; nonzero %lld -> %lld; sparse "
          "FLOPs %.0f -> %.0f; expert-steps %.3f -> %.3f",
          qint64(parent), core.before.testAccuracy, qint64(panel.runId), core.after.testAccuracy,
          qint64(core.before.nonzeroParameters), qint64(core.after.nonzeroParameters),
          core.before.sparseFlopsPerInput, core.after.sparseFlopsPerInput,
          core.before.expertStepsPerInput, core.after.expertStepsPerInput);
    shoot(dialog, QStringLiteral("prune-panel"));
}

// A sweep of amounts: one child run per amount, plotted as test accuracy against sparsity.
void TstRunBrowserMenu::pruneSweepPlotsAccuracyAgainstSparsity() {
    const qint64 parent = trainTinyRun();
    QVERIFY(parent > 0);
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    shell::PruneDialog* dialog = openPruneDialog(browser, parent);
    QVERIFY(dialog);
    dialog->sweepBox()->setChecked(true);
    QVERIFY(!dialog->amountBox()->isEnabled());
    dialog->sweepAmountsEdit()->setText(QStringLiteral("0, 0.5, 0.8, 0.9"));
    QSignalSpy done(dialog, &shell::PruneDialog::done);
    QVERIFY(dialog->start());
    QVERIFY(done.wait(120000));
    QCOMPARE(int(dialog->outcomes().size()), 4);
    QCustomPlot* plot = dialog->sweepPlot()->plot();
    QVERIFY(!dialog->sweepPlot()->isHidden());
    QCPGraph* accuracy = plot->graph(0);
    QCOMPARE(accuracy->dataCount(), 4);
    const double amounts[] = {0, 0.5, 0.8, 0.9};
    for (int i = 0; i < 4; ++i) {
        const mor::PruneOutcome& o = dialog->outcomes()[size_t(i)];
        QTRY_VERIFY(browser.model()->rowOf(o.runId) >= 0);
        // Magnitude pruning zeroes floor(amount x candidates) entries.
        QCOMPARE(o.prunedEntries, qint64(std::floor(amounts[i] * double(o.candidates) + 1e-9)));
        const double sparsity = 100.0 * double(o.prunedEntries) / double(o.candidates);
        QCOMPARE(accuracy->data()->at(i)->key, sparsity);
        QCOMPARE(accuracy->data()->at(i)->value, 100.0 * o.pruned.testAccuracy);
        qInfo("amount %.1f: sparsity %.2f %%, test accuracy %.2f %% (run #%lld)", amounts[i],
              sparsity, 100.0 * o.pruned.testAccuracy, qint64(o.runId));
    }
    QCOMPARE(dialog->outcomes()[0].pruned.testAccuracy, dialog->outcomes()[0].before.testAccuracy);
    QCOMPARE(dialog->sweepTable()->rowCount(), 4);
    QVERIFY(plot->xAxis->label().contains(QStringLiteral("sparsity")));
    QVERIFY(plot->xAxis->label().contains(QStringLiteral("%")));
    QVERIFY(plot->yAxis->label().contains(QStringLiteral("test accuracy (%)")));
    shoot(dialog, QStringLiteral("prune-sweep"));
}

// Cancel during a long fine-tuning: the job ends early and says so; the panel is usable again.
void TstRunBrowserMenu::prunePanelCancelsAFineTuning() {
    const qint64 parent = trainTinyRun();
    QVERIFY(parent > 0);
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    shell::PruneDialog* dialog = openPruneDialog(browser, parent);
    QVERIFY(dialog);
    dialog->finetuneBox()->setValue(200000); // thousands of epochs: only Cancel ends it soon
    QSignalSpy progress(dialog->job(), &shell::PruneJob::progress);
    QSignalSpy done(dialog, &shell::PruneDialog::done);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(dialog->start());
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(progress.begin(), progress.end(),
                                         [](const QList<QVariant>& args) {
                                             return args.at(1).toString().startsWith(
                                                 QStringLiteral("Fine-tuning"));
                                         }),
                             60000);
    dialog->cancelButton()->click();
    QVERIFY(!dialog->cancelButton()->isEnabled());
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY(clock.elapsed() < 60000);
    QVERIFY(dialog->pruneButton()->isEnabled());
    QCOMPARE(int(dialog->outcomes().size()), 0);
    QVERIFY2(dialog->lastError().contains(QStringLiteral("stopped")),
             qPrintable(dialog->lastError()));
}

// Dead experts of a recursion run: core refuses (it has no experts); the panel says why in
// core's words.
void TstRunBrowserMenu::prunePanelShowsCoresRefusal() {
    mor::ExperimentConfig config;
    config.model.family = mor::Family::Recursion;
    config.data.kind = mor::DataKind::RunningParity;
    std::string error;
    qint64 run = 0;
    {
        auto log = mor::ExperimentLog::open(m_path.toStdString(), &error);
        QVERIFY2(log, error.c_str());
        mor::RunInfo info;
        info.name = "recursion";
        info.configJson = mor::toJson(config);
        run = log->createRun(info);
        log->setStatus(run, "finished");
    }
    mor::PruneOptions options;
    options.logPath = m_path.toStdString();
    options.runId = run;
    options.method = "dead-experts";
    options.amount = 0.1;
    const auto coreResult = mor::pruneRun(options);
    QVERIFY(!coreResult);
    const std::string coreError = coreResult.error();
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(m_path, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    shell::PruneDialog* dialog = openPruneDialog(browser, run);
    QVERIFY(dialog);
    dialog->methodBox()->setCurrentIndex(
        dialog->methodBox()->findData(QStringLiteral("dead-experts")));
    dialog->amountBox()->setValue(0.1);
    QSignalSpy done(dialog, &shell::PruneDialog::done);
    QVERIFY(dialog->start());
    QVERIFY(done.wait(30000));
    QVERIFY2(dialog->statusLabel()->text().contains(QString::fromStdString(coreError)),
             qPrintable(dialog->statusLabel()->text()));
    QVERIFY(dialog->statusLabel()->text().startsWith(QStringLiteral("Not pruned:")));
    QVERIFY(dialog->outcomes().empty()); // nothing written
    qInfo("core's refusal: %s", coreError.c_str());
}

QTEST_MAIN(TstRunBrowserMenu)
#include "tst_runbrowser_menu.moc"
