// SPDX-License-Identifier: GPL-3.0-or-later
// Compare > Before/after: a pruned run (tag "pruned-from:N") compared with its parent, from a
// log written here: the "Compare with parent" button, every row's before, after and change as
// logged by `mor prune` (prune/before|after/*), and the tab without a pruned run.
// (Split from tst_compareview.cpp, which keeps the three-run fixture's tests.)
#include "common/theme.h"
#include "compare/compareprunepair.h"
#include "compare/compareread.h"
#include "compare/compareview.h"

#include "mor/config.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QCoreApplication>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

class TstComparePrune : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void prunedRunComparesWithItsParent();
    void plotPagesGetTheLargerPartUntilTheSplitterIsDragged();
};

void TstComparePrune::initTestCase() {
    // The view stores its settings: keep them out of the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
}

void TstComparePrune::init() {
    QSettings().remove(QStringLiteral("compare")); // from the defaults
}

void TstComparePrune::prunedRunComparesWithItsParent() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("pruned.sqlite")).toStdString();
    std::string error;
    qint64 parent = 0, child = 0;
    {
        auto log = mor::ExperimentLog::open(path, &error);
        QVERIFY2(log, error.c_str());
        mor::ExperimentConfig config;
        mor::RunInfo info;
        info.name = "dense";
        info.configJson = mor::toJson(config);
        parent = log->createRun(info);
        for (int step = 10; step <= 40; step += 10) {
            log->logMetrics(parent, step, {{"val/accuracy", 0.6 + 0.0075 * step}});
        }
        log->logMetrics(parent, 40, {{"test/accuracy", 0.9}});
        info.name = "dense pruned (magnitude 0.5)";
        info.tags = {"pruned-from:" + std::to_string(parent), "prune:magnitude:0.5"};
        child = log->createRun(info);
        log->logMetrics(child, 0, {{"val/accuracy", 0.86}});
        log->logMetrics(child, 0,
                        {{"prune/before/test_accuracy", 0.9},
                         {"prune/after/test_accuracy", 0.855},
                         {"prune/before/parameters", 4000},
                         {"prune/after/parameters", 4000},
                         {"prune/before/nonzero_parameters", 4000},
                         {"prune/after/nonzero_parameters", 2500},
                         {"prune/before/flops_per_input", 8000},
                         {"prune/after/flops_per_input", 8000},
                         {"prune/before/sparse_flops_per_input", 8000},
                         {"prune/after/sparse_flops_per_input", 5000},
                         {"prune/before/expert_steps_per_input", 2.5},
                         {"prune/after/expert_steps_per_input", 2.25}});
        log->setStatus(parent, "finished");
        log->setStatus(child, "finished");
        log->flush();
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(reader, error.c_str());
    compare::CompareView view;
    view.resize(1280, 800);
    view.setRuns(reader, {child});
    QVERIFY(!view.parentButton()->isHidden());
    QVERIFY(view.parentButton()->text().contains(QStringLiteral("#%1").arg(parent)));
    view.parentButton()->click();
    QCOMPARE(view.shownRuns(), (QList<qint64>{parent, child}));
    QVERIFY(view.parentButton()->isHidden()); // the pair is shown now
    compare::ComparePrunePair* pair = view.prunePair();
    // The Before/after page (a scroll area around the pair) is the tab shown.
    QVERIFY(view.tables()->currentWidget()->isAncestorOf(pair));
    QCOMPARE(pair->prunedRun(), child);
    QCOMPARE(pair->parentRun(), parent);
    using P = compare::ComparePrunePair;
    const struct {
        int row;
        double before, after, change;
    } expected[] = {{P::TestAccuracy, 90.0, 85.5, -4.5},  {P::Parameters, 4000, 4000, 0},
                    {P::NonzeroParameters, 4000, 2500, -1500}, {P::SparseFlops, 8000, 5000, -3000},
                    {P::ExpertSteps, 2.5, 2.25, -0.25}};
    for (const auto& e : expected) {
        QVERIFY(std::abs(pair->value(e.row, P::Before) - e.before) < 1e-9);
        QVERIFY(std::abs(pair->value(e.row, P::After) - e.after) < 1e-9);
        QVERIFY(std::abs(pair->value(e.row, P::Change) - e.change) < 1e-9);
    }
    const QLocale locale;
    QCOMPARE(pair->table()->item(P::TestAccuracy, P::Change)->text(),
             locale.toString(-4.5, 'f', 2) + QStringLiteral(" pt"));
    QCOMPARE(pair->table()->item(P::NonzeroParameters, P::Change)->text(),
             QStringLiteral("%1 (%2 %)").arg(locale.toString(-1500.0, 'f', 0),
                                             locale.toString(-37.5, 'f', 1)));
    QVERIFY(pair->titleLabel()->text().contains(QStringLiteral("magnitude 0.5")));
    // The parent alone is not pruned: no button; a tab without a pruned run says how to get one.
    view.setRuns(reader, {parent});
    QVERIFY(view.parentButton()->isHidden());
    compare::ComparePrunePair empty;
    empty.setPair(compare::readPrunePair(reader.get(), {parent}));
    QCOMPARE(empty.prunedRun(), qint64(-1));
    QVERIFY(empty.table()->isHidden());
    QVERIFY(empty.titleLabel()->text().contains(QStringLiteral("Prune…")));
    if (qEnvironmentVariableIsSet("MOR_SCREENSHOT_DIR")) { // for looking at it by eye
        view.setRuns(reader, {child});
        view.compareWithParent();
        for (const auto kind : {common::Theme::Kind::Light, common::Theme::Kind::Dark}) {
            common::Theme::apply(kind);
            QTest::qWait(100); // the palette reaches every child
            view.grab().save(qEnvironmentVariable("MOR_SCREENSHOT_DIR") +
                             (kind == common::Theme::Kind::Dark ? "/compare-before-after-dark.png"
                                                        : "/compare-before-after-light.png"));
        }
        common::Theme::apply(common::Theme::Kind::Light);
    }
}

// The Routing and Before/after pages hold plots: shown, they get 3/5 of the height (they were a
// short scrolled strip at 1280x800); the tables' pages leave 7/10 to the curves. Once the user
// drags the splitter, their proportions stay whatever page is shown.
void TstComparePrune::plotPagesGetTheLargerPartUntilTheSplitterIsDragged() {
    compare::CompareView view;
    view.resize(1280, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSplitter* split = view.splitter();
    const auto pagesShare = [split] {
        const QList<int> sizes = split->sizes();
        return double(sizes[1]) / double(sizes[0] + sizes[1]);
    };
    QVERIFY2(pagesShare() < 0.35, qPrintable(QString::number(pagesShare())));
    for (const int plots : {2, 4}) {
        view.tables()->setCurrentIndex(plots);
        QVERIFY2(pagesShare() > 0.55, qPrintable(QString::number(pagesShare())));
        view.tables()->setCurrentIndex(0);
        QVERIFY(pagesShare() < 0.35);
    }
    // A drag (QSplitterHandle's mouse move ends in moveSplitter, which emits splitterMoved).
    split->setSizes({500, 200});
    emit split->splitterMoved(500, 1);
    const QList<int> dragged = split->sizes();
    view.tables()->setCurrentIndex(2);
    QCOMPARE(split->sizes(), dragged);
}

QTEST_MAIN(TstComparePrune)
#include "tst_compare_prune.moc"
