// The conflict table holds exactly the conflicts of the log, filters give exactly the rows the
// log holds for that filter, sorting orders by value, and a double-click opens the input at
// the integration step.
#include "inspectfixture.h"

#include "common/plotexport.h"
#include "inspect/conflictplots.h"
#include "inspect/conflictview.h"

#include <qcustomplot.h>

#include <mor/log_reader.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <set>

using Key = std::pair<qint64, qint64>; // (step, sample id)

class TstInspectConflicts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tableHoldsEveryConflictOfTheLog();
    void filteringGivesExactlyTheLoggedRows_data();
    void filteringGivesExactlyTheLoggedRows();
    void sortingByScoreOrdersRows();
    void doubleClickOpensTheInputAtTheIntegration();
    void accuracyByScoreBinsEveryConflict();
    void plotsExportAsPngSvgAndPdf_data();
    void plotsExportAsPngSvgAndPdf();

private:
    std::set<Key> shownKeys(QTableView* table) const;
    QTemporaryDir m_dir;
    inspect_test::FixtureRun m_run;
    std::shared_ptr<const mor::LogReader> m_reader;
};

void TstInspectConflicts::initTestCase() {
    QVERIFY(m_dir.isValid());
    const std::string path = m_dir.filePath("fixture.sqlite").toStdString();
    std::string error;
    m_run = inspect_test::writeFixtureRun(path, {}, &error);
    QVERIFY2(m_run.runId >= 0, error.c_str());
    m_reader = std::make_shared<const mor::LogReader>(mor::LogReader::open(path).value());
    QVERIFY2(m_reader, error.c_str());
    QVERIFY2(m_reader->conflicts(m_run.runId).size() >= 5, "fixture should log conflicts");
}

std::set<Key> TstInspectConflicts::shownKeys(QTableView* table) const {
    std::set<Key> keys;
    const QAbstractItemModel* model = table->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        const qint64 step = model->index(r, 0).data(Qt::UserRole + 1).toLongLong();
        const qint64 id = model->index(r, 1).data(Qt::UserRole + 1).toLongLong();
        keys.insert({step, id});
    }
    return keys;
}

void TstInspectConflicts::tableHoldsEveryConflictOfTheLog() {
    inspect::ConflictView view;
    view.setRun(m_reader, m_run.runId);
    auto* table = view.findChild<QTableView*>("conflictTable");
    std::set<Key> logged;
    for (const auto& c : m_reader->conflicts(m_run.runId)) {
        logged.insert({c.step, c.sampleId});
    }
    QCOMPARE(table->model()->rowCount(), int(logged.size()));
    QCOMPARE(shownKeys(table), logged);
    QCOMPARE(table->model()->columnCount(), 10);
}

void TstInspectConflicts::filteringGivesExactlyTheLoggedRows_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("wrongOnly");
    QTest::addColumn<int>("stepIndex"); // -1 = all steps
    QTest::newRow("wrong only") << QString() << true << -1;
    QTest::newRow("one step") << QString() << false << 1;
    QTest::newRow("wrong at first step") << QString() << true << 0;
    QTest::newRow("text: expert E2") << QString("E2") << false << -1;
    QTest::newRow("text: re_reflect, first step") << QString("re_reflect") << false << 0;
}

void TstInspectConflicts::filteringGivesExactlyTheLoggedRows() {
    QFETCH(QString, text);
    QFETCH(bool, wrongOnly);
    QFETCH(int, stepIndex);
    inspect::ConflictView view;
    view.setRun(m_reader, m_run.runId);
    auto* table = view.findChild<QTableView*>("conflictTable");
    view.findChild<QLineEdit*>("conflictFilter")->setText(text);
    view.findChild<QCheckBox*>("wrongOnly")->setChecked(wrongOnly);
    auto* steps = view.findChild<QComboBox*>("stepFilter");
    QCOMPARE(steps->count(), int(m_run.steps.size()) + 1);
    steps->setCurrentIndex(stepIndex + 1);

    // What the log holds for this filter, asked through the reader directly.
    const int64_t step = stepIndex < 0 ? -1 : m_run.steps[size_t(stepIndex)];
    std::set<Key> expected;
    for (const auto& c : m_reader->conflicts(m_run.runId, step)) {
        if (wrongOnly && c.correct) {
            continue;
        }
        if (text == "E2" && std::find(c.experts.begin(), c.experts.end(), 2) == c.experts.end() &&
            c.winner != 2) {
            continue;
        }
        if (text == "re_reflect" && c.resolution != "re_reflect") {
            continue;
        }
        expected.insert({c.step, c.sampleId});
    }
    QVERIFY2(!expected.empty(), "the fixture should have rows for every filter");
    QCOMPARE(shownKeys(table), expected);
}

void TstInspectConflicts::sortingByScoreOrdersRows() {
    inspect::ConflictView view;
    view.setRun(m_reader, m_run.runId);
    auto* table = view.findChild<QTableView*>("conflictTable");
    table->sortByColumn(2, Qt::AscendingOrder);
    const QAbstractItemModel* model = table->model();
    for (int r = 1; r < model->rowCount(); ++r) {
        QVERIFY(model->index(r - 1, 2).data(Qt::UserRole + 1).toDouble() <=
                model->index(r, 2).data(Qt::UserRole + 1).toDouble());
    }
    table->sortByColumn(1, Qt::DescendingOrder);
    for (int r = 1; r < model->rowCount(); ++r) {
        QVERIFY(model->index(r - 1, 1).data(Qt::UserRole + 1).toLongLong() >=
                model->index(r, 1).data(Qt::UserRole + 1).toLongLong());
    }
}

void TstInspectConflicts::doubleClickOpensTheInputAtTheIntegration() {
    inspect::ConflictView view;
    view.resize(1000, 700);
    view.setRun(m_reader, m_run.runId);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* table = view.findChild<QTableView*>("conflictTable");
    QSignalSpy spy(&view, &common::InspectView::sampleActivated);
    const QModelIndex index = table->model()->index(2, 3);
    const QPoint centre = table->visualRect(index).center();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, centre);
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, centre);
    QCOMPARE(spy.count(), 1);
    const QList<QVariant> args = spy.takeFirst();
    QCOMPARE(args.at(0).toLongLong(),
             table->model()->index(2, 0).data(Qt::UserRole + 1).toLongLong());
    QCOMPARE(args.at(1).toLongLong(),
             table->model()->index(2, 1).data(Qt::UserRole + 1).toLongLong());
    QCOMPARE(args.at(2).toBool(), true);
}

void TstInspectConflicts::accuracyByScoreBinsEveryConflict() {
    const auto conflicts = m_reader->conflicts(m_run.runId);
    const auto binned = inspect::ConflictPlots::accuracyByScore(conflicts, 8);
    int total = 0, right = 0;
    double weighted = 0.0;
    for (size_t i = 0; i < binned.counts.size(); ++i) {
        total += binned.counts[i];
        weighted += binned.accuracy[i] * binned.counts[i];
    }
    for (const auto& c : conflicts) {
        right += c.correct ? 1 : 0;
    }
    QCOMPARE(total, int(conflicts.size()));
    QVERIFY(qAbs(weighted - right) < 1e-9);
}

void TstInspectConflicts::plotsExportAsPngSvgAndPdf_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("ok");
    QTest::newRow("png") << "histogram.png" << true;
    QTest::newRow("svg") << "histogram.svg" << true;
    QTest::newRow("pdf") << "histogram.pdf" << true;
    QTest::newRow("unknown suffix") << "histogram.bmpx" << false;
}

void TstInspectConflicts::plotsExportAsPngSvgAndPdf() {
    QFETCH(QString, file);
    QFETCH(bool, ok);
    inspect::ConflictView view;
    view.resize(1000, 700);
    view.setRun(m_reader, m_run.runId);
    auto* plot = view.findChild<QCustomPlot*>("conflictHistogram");
    QVERIFY(plot);
    QCOMPARE(plot->contextMenuPolicy(), Qt::CustomContextMenu);
    const QString path = m_dir.filePath(file);
    QString error;
    QCOMPARE(common::exportPlot(plot, path, &error), ok);
    if (ok) {
        QVERIFY(QFileInfo(path).size() > 500);
    } else {
        QVERIFY(error.contains(file));
    }
}

QTEST_MAIN(TstInspectConflicts)
#include "tst_inspect_conflicts.moc"
