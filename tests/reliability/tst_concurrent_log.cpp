// Two `mor train` processes write the same experiment log while this process reads it
// through mor::LogReader (what the GUI uses), polling as the GUI's live views do.
// Checks: no query fails (no "database is locked"), both runs finish, and not one row is
// lost: every optimizer step 1..steps has its train/loss row, and both identical runs hold
// exactly the same number of rows in every table.
#include "mor/log_reader.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

namespace {

int64_t countRows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    int64_t n = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

} // namespace

class TstConcurrentLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readerSeesTwoTrainingProcessesWithoutLocksOrLostRows() {
        QTemporaryDir dir;
        const QString config = dir.filePath("c.json");
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            // eval_every 5 and traces on: many transactions of every kind, close together.
            f.write(R"({"data":{"kind":"parity","length":8,"samples":1500,"probe_size":16},
 "model":{"encoder":{"hidden":16},"experts":[{"width":16,"max_depth":3},{"width":16,"max_depth":3}]},
 "train":{"epochs":3,"batch_size":32,"eval_every":5,"threads":1}})");
        }
        const QString log = dir.filePath("shared.sqlite");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("OMP_WAIT_POLICY", "PASSIVE");
        QProcess a, b;
        for (QProcess* p : {&a, &b}) {
            p->setProcessEnvironment(env);
            p->start(MOR_CLI, {"train", "--config", config, "--log", log, "--json"});
        }
        QVERIFY(a.waitForStarted());
        QVERIFY(b.waitForStarted());

        // Read as the GUI does: poll changeStamp, then the run list and the live curves.
        std::unique_ptr<mor::LogReader> reader;
        int polls = 0, failures = 0, reopenings = 0;
        std::string firstError;
        QElapsedTimer clock;
        clock.start();
        while ((a.state() != QProcess::NotRunning || b.state() != QProcess::NotRunning) &&
               clock.elapsed() < 240000) {
            a.waitForFinished(15);
            b.waitForFinished(15);
            if (!reader) {
                auto opened = mor::LogReader::open(log.toStdString());
                if (!opened) { // the file may not exist yet; a lock must not be the reason
                    QVERIFY2(opened.error().find("locked") == std::string::npos,
                             opened.error().c_str());
                    continue;
                }
                reader = std::make_unique<mor::LogReader>(std::move(opened).value());
                ++reopenings;
            }
            ++polls;
            (void)reader->changeStamp();
            for (const auto& run : reader->runs()) {
                (void)reader->metricDownsampled(run.id, "train/loss", 200);
                (void)reader->lastMetrics(run.id);
                const auto steps = reader->traceSteps(run.id);
                if (!steps.empty()) {
                    (void)reader->traces(run.id, steps.back());
                }
            }
            if (!reader->lastError().empty()) {
                ++failures;
                if (firstError.empty()) {
                    firstError = reader->lastError();
                }
            }
        }
        QVERIFY2(a.state() == QProcess::NotRunning && b.state() == QProcess::NotRunning,
                 "training did not finish in 4 minutes");
        QVERIFY2(failures == 0, qPrintable(QString("%1 of %2 polls failed; first: %3")
                                               .arg(failures)
                                               .arg(polls)
                                               .arg(QString::fromStdString(firstError))));
        QVERIFY2(polls > 10, "the reader never overlapped the writers");

        int64_t steps[2] = {0, 0};
        int i = 0;
        for (QProcess* p : {&a, &b}) {
            const QByteArray out = p->readAllStandardOutput().trimmed();
            const QByteArray last = out.mid(out.lastIndexOf('\n') + 1);
            const QJsonObject o = QJsonDocument::fromJson(last).object();
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
            QCOMPARE(o.value("status").toString(), QString("finished"));
            steps[i++] = o.value("steps").toInteger();
        }
        QVERIFY(steps[0] > 0);
        QCOMPARE(steps[0], steps[1]);

        // Not one row lost: every step of both runs has its loss row, and the two identical
        // runs hold the same number of rows in every table.
        const std::string path = log.toStdString();
        const QString lossRows =
            "SELECT count(*) FROM metrics WHERE key = 'train/loss' AND run_id = %1";
        for (int run = 1; run <= 2; ++run) {
            QCOMPARE(countRows(path, lossRows.arg(run).toStdString()), steps[0]);
        }
        int64_t rows = 0;
        for (const char* table : {"metrics", "checkpoints", "samples", "routing",
                                  "trace_summary", "conflicts", "events"}) {
            const std::string sql = std::string("SELECT count(*) FROM ") + table +
                                    " WHERE run_id = ";
            const int64_t first = countRows(path, sql + "1");
            QVERIFY2(first > 0 || std::string(table) == "conflicts", table);
            QCOMPARE(countRows(path, sql + "2"), first);
            rows += 2 * first;
        }
        QCOMPARE(countRows(path, "SELECT count(*) FROM runs WHERE status = 'finished'"),
                 int64_t(2));
        qInfo("%d polls (%d reader opens) during two writers, %lld steps each, %lld rows "
              "counted, 0 lost",
              polls, reopenings, static_cast<long long>(steps[0]), static_cast<long long>(rows));
    }
};

QTEST_GUILESS_MAIN(TstConcurrentLog)
#include "tst_concurrent_log.moc"
