// SPDX-License-Identifier: GPL-3.0-or-later
// tst_runbrowser_menu, continued (its slots call these): a recursion run in the prune panel and
// in Compare's before/after (token accuracy, test loss, mean recursion depth; no expert rows),
// and Retrain… from the run's context menu (parent vs child on the same held-out data, the
// paired CI, promotion, the child in the browser, core's refusal).
#include "compare/compareprunepair.h"
#include "compare/compareview.h"
#include "shell/logsession.h"
#include "shell/prunedialog.h"
#include "shell/retraindialog.h"
#include "shell/runbrowser.h"
#include "shell/runtablemodel.h"

#include "mor/config.h"
#include "mor/log_reader.h"
#include "mor/pruning.h"
#include "mor/retrain.h"
#include "mor/trainer.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

namespace runbrowser_menu_family_test {

namespace {

mor::ExperimentConfig familyTestRecursionConfig() {
    mor::ExperimentConfig c;
    c.name = "tiny-recursion";
    c.model.family = mor::Family::Recursion;
    c.data.kind = mor::DataKind::RunningParity;
    c.data.samples = 300;
    c.data.seqLen = 8;
    c.data.probeSize = 4;
    auto& r = c.model.recursion;
    r.routing = mor::RecursionRouting::TokenChoice;
    r.gate = mor::RecursionGate::Softmax;
    r.recursions = 3;
    r.dModel = 16;
    r.heads = 2;
    r.ffn = 32;
    c.train.epochs = 2;
    c.train.batchSize = 32;
    c.train.warmupSteps = 2;
    c.train.threads = 1;
    return c;
}

QAction* familyTestAction(QMenu* menu, const char* name) {
    return menu ? menu->findChild<QAction*>(QString::fromLatin1(name)) : nullptr;
}

/// `widget` at 1280x800 into MOR_SCREENSHOT_DIR/<name>.png (for looking at it by eye).
void familyTestShoot(QWidget* widget, const QString& name) {
    if (!qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) {
        return;
    }
    widget->resize(1280, 800);
    QTest::qWait(50);
    widget->grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") + QLatin1Char('/') + name +
                        QStringLiteral(".png"));
}

QString familyTestText(QTemporaryDir& dir, const QString& name, const std::string& line) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return {};
    }
    for (int i = 0; i < 120; ++i) {
        file.write((line + std::to_string(i % 3) + "\n").c_str());
    }
    return path;
}

} // namespace

void prunePanelAndCompareShowRecursionMeasures(const QString& logPath) {
    mor::RunOptions options;
    options.logPath = logPath.toStdString();
    const mor::RunOutcome parent =
        mor::trainExperiment(familyTestRecursionConfig(), options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());
    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(logPath, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    browser.selectRun(parent.runId);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QAction* prune = familyTestAction(menu.get(), "pruneRun");
    QVERIFY(prune && prune->isEnabled());
    prune->trigger();
    auto* dialog = browser.findChild<shell::PruneDialog*>();
    QVERIFY(dialog);
    using D = shell::PruneDialog;
    // Known before any prune, from the run's logged config: no expert rows, no dead experts.
    QCOMPARE(dialog->family(), mor::Family::Recursion);
    QTableWidget* table = dialog->resultTable();
    QVERIFY(table->isRowHidden(D::ExpertSteps));
    QVERIFY(!table->isRowHidden(D::TestLoss) && !table->isRowHidden(D::MeanDepth));
    QCOMPARE(table->verticalHeader()->visualIndex(D::TestLoss), 1);
    QCOMPARE(table->verticalHeader()->visualIndex(D::MeanDepth), 2);
    QCOMPARE(table->verticalHeaderItem(D::MeanDepth)->text(), QStringLiteral("Mean recursion depth"));
    auto* methods = qobject_cast<QStandardItemModel*>(dialog->methodBox()->model());
    QVERIFY(methods);
    QVERIFY(!methods->item(dialog->methodBox()->findData(QStringLiteral("dead-experts")))
                 ->isEnabled());

    dialog->methodBox()->setCurrentIndex(dialog->methodBox()->findData(QStringLiteral("depth")));
    dialog->amountBox()->setValue(1);
    QSignalSpy done(dialog, &shell::PruneDialog::done);
    QVERIFY(dialog->start());
    QVERIFY(done.wait(60000));
    QVERIFY2(dialog->lastError().isEmpty(), qPrintable(dialog->lastError()));
    QCOMPARE(int(dialog->outcomes().size()), 1);
    const mor::PruneOutcome o = dialog->outcomes().front();
    QCOMPARE(o.family, mor::Family::Recursion);
    QVERIFY(o.after.meanDepth == 1.0); // a cap of 1: every token one recursion
    QVERIFY(o.before.meanDepth >= 1.0);
    const QLocale locale;
    QCOMPARE(table->item(D::TestLoss, D::Before)->text(), locale.toString(o.before.testLoss, 'f', 4));
    QCOMPARE(table->item(D::TestLoss, D::After)->text(), locale.toString(o.after.testLoss, 'f', 4));
    QCOMPARE(table->item(D::MeanDepth, D::Before)->text(),
             locale.toString(o.before.meanDepth, 'f', 3));
    QCOMPARE(table->item(D::MeanDepth, D::After)->text(), locale.toString(1.0, 'f', 3));
    QCOMPARE(table->item(D::TestAccuracy, D::After)->text(),
             locale.toString(100.0 * o.after.testAccuracy, 'f', 2) + QStringLiteral(" %"));
    QVERIFY(table->isRowHidden(D::ExpertSteps));
    QTRY_VERIFY(browser.model()->rowOf(o.runId) >= 0);
    familyTestShoot(dialog, QStringLiteral("prune-panel-recursion"));

    // Compare → Before/after of the child: the same numbers, per token, no expert-steps row.
    auto reader = std::make_shared<const mor::LogReader>(
        mor::LogReader::open(logPath.toStdString()).value());
    compare::CompareView view;
    view.resize(1280, 800);
    view.setRuns(reader, {o.runId});
    view.compareWithParent();
    compare::ComparePrunePair* pair = view.prunePair();
    using P = compare::ComparePrunePair;
    QCOMPARE(pair->prunedRun(), qint64(o.runId));
    QCOMPARE(pair->parentRun(), qint64(parent.runId));
    QVERIFY(pair->isRecursion());
    QVERIFY(pair->table()->isRowHidden(P::ExpertSteps));
    const struct {
        int row;
        double before, after;
    } expected[] = {{P::TestAccuracy, 100.0 * o.before.testAccuracy, 100.0 * o.after.testAccuracy},
                    {P::TestLoss, o.before.testLoss, o.after.testLoss},
                    {P::MeanDepth, o.before.meanDepth, o.after.meanDepth},
                    {P::Flops, o.before.flopsPerInput, o.after.flopsPerInput}};
    for (const auto& e : expected) {
        QVERIFY(std::abs(pair->value(e.row, P::Before) - e.before) < 1e-9);
        QVERIFY(std::abs(pair->value(e.row, P::After) - e.after) < 1e-9);
    }
    QCOMPARE(pair->table()->item(P::MeanDepth, P::After)->text(), locale.toString(1.0, 'f', 3));
    QCOMPARE(pair->table()->verticalHeaderItem(P::Flops)->text(), QStringLiteral("FLOPs per token"));
    QVERIFY(pair->titleLabel()->text().contains(QStringLiteral("depth 1")));
    familyTestShoot(&view, QStringLiteral("compare-before-after-recursion"));
    qInfo("recursion depth cap 1: token accuracy %.4f -> %.4f, test loss %.4f -> %.4f, mean "
          "depth %.3f -> %.3f",
          o.before.testAccuracy, o.after.testAccuracy, o.before.testLoss, o.after.testLoss,
          o.before.meanDepth, o.after.meanDepth);
}

void retrainDialogComparesParentAndChild(const QString& logPath) {
    QTemporaryDir dir;
    const QString first = familyTestText(dir, QStringLiteral("a.txt"), "abba cab ");
    const QString second = familyTestText(dir, QStringLiteral("b.txt"), "cab abba ");
    const QString other = familyTestText(dir, QStringLiteral("c.txt"), "xyz zyx ");
    QVERIFY(!first.isEmpty() && !second.isEmpty() && !other.isEmpty());
    auto config = familyTestRecursionConfig();
    config.data.kind = mor::DataKind::Text;
    config.data.textPath = first.toStdString();
    config.data.seqLen = 16;
    config.train.epochs = 1;
    mor::RunOptions options;
    options.logPath = logPath.toStdString();
    const mor::RunOutcome parent = mor::trainExperiment(config, options, nullptr);
    QVERIFY2(parent.status == "finished", parent.error.c_str());

    shell::LogSession session;
    QString openError;
    QVERIFY2(session.open(logPath, &openError), qPrintable(openError));
    shell::RunBrowser browser(&session);
    browser.selectRun(parent.runId);
    std::unique_ptr<QMenu> menu(browser.createContextMenu(&browser));
    QAction* retrain = familyTestAction(menu.get(), "retrainRun");
    QVERIFY(retrain && retrain->isEnabled());
    QVERIFY(retrain->text().startsWith(QStringLiteral("Retra")));
    retrain->trigger();
    auto* dialog = browser.findChild<shell::RetrainDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    // Nothing chosen: refused in the dialog, nothing started.
    QVERIFY(!dialog->start());
    QVERIFY(!dialog->statusLabel()->text().isEmpty());

    // A margin no child can clear (100 points): trained, compared, not promoted.
    dialog->dataEdit()->setText(second);
    QVERIFY(dialog->fromParentButton()->isChecked());
    dialog->marginBox()->setValue(100.0);
    dialog->epochsBox()->setValue(1);
    const mor::RetrainOptions asked = dialog->options();
    QCOMPARE(asked.margin, 1.0);
    QCOMPARE(asked.epochs, int64_t(1));
    QCOMPARE(asked.fromScratch, false);
    QCOMPARE(asked.dataPath, second.toStdString());
    QSignalSpy done(dialog, &shell::RetrainDialog::done);
    QVERIFY(dialog->start());
    QVERIFY(dialog->isRunning());
    QVERIFY(!dialog->retrainButton()->isEnabled());
    QVERIFY(dialog->cancelButton()->isEnabled());
    QVERIFY(done.wait(60000));
    QVERIFY2(done.first().first().toBool(), qPrintable(dialog->lastError()));
    const mor::RetrainOutcome o = dialog->outcome();
    QVERIFY(o.runId > parent.runId);
    QCOMPARE(qint64(o.parentId), qint64(parent.runId));
    QVERIFY(o.compared > 0);
    QVERIFY(!o.promoted);
    QTRY_VERIFY(browser.model()->rowOf(o.runId) >= 0); // the child is in the browser
    // What the dialog shows is what the child's log holds.
    auto reader = mor::LogReader::open(logPath.toStdString());
    QVERIFY2(reader, reader.error().c_str());
    const auto metrics = reader->lastMetrics(o.runId);
    QCOMPARE(metrics.at("retrain/parent_accuracy"), o.parentAccuracy);
    QCOMPARE(metrics.at("retrain/child_accuracy"), o.childAccuracy);
    QCOMPARE(metrics.at("retrain/promoted"), 0.0);
    const auto child = reader->run(o.runId);
    QVERIFY(child);
    QVERIFY(std::find(child->tags.begin(), child->tags.end(), "not-promoted") != child->tags.end());
    const QLocale locale;
    QTableWidget* table = dialog->resultTable();
    QVERIFY(!table->isHidden());
    QCOMPARE(table->item(0, shell::RetrainDialog::Parent)->text(),
             locale.toString(100.0 * o.parentAccuracy, 'f', 2) + QStringLiteral(" %"));
    QCOMPARE(table->item(0, shell::RetrainDialog::Child)->text(),
             locale.toString(100.0 * o.childAccuracy, 'f', 2) + QStringLiteral(" %"));
    QVERIFY(table->horizontalHeaderItem(shell::RetrainDialog::Child)
                ->text()
                .contains(QStringLiteral("#%1").arg(o.runId)));
    QVERIFY2(dialog->verdictLabel()->text().contains(QStringLiteral("Not promoted")),
             qPrintable(dialog->verdictLabel()->text()));
    QVERIFY(dialog->verdictLabel()->text().contains(QStringLiteral("100.00")));
    familyTestShoot(dialog, QStringLiteral("retrain-dialog"));
    qInfo("retrain: parent %.4f, child %.4f, difference %.4f [%.4f, %.4f] over %lld held-out "
          "sequences; promoted %d (margin 1.0)",
          o.parentAccuracy, o.childAccuracy, o.difference, o.low, o.high, qint64(o.compared),
          int(o.promoted));

    // A text with other characters: core refuses, the dialog says so in core's words.
    dialog->dataEdit()->setText(other);
    dialog->marginBox()->setValue(0.0);
    done.clear();
    QVERIFY(dialog->start());
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY2(dialog->lastError().contains(QStringLiteral("vocabulary")),
             qPrintable(dialog->lastError()));
    QVERIFY(dialog->statusLabel()->text().startsWith(QStringLiteral("Not retrained:")));
    QVERIFY(dialog->retrainButton()->isEnabled());
}

} // namespace runbrowser_menu_family_test
