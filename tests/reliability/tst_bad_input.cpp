// Bad input that tests/core does not already cover: out-of-range and overflowing config
// values, NaN / overflowing CSV cells, IDX headers that promise more than the file holds,
// and experiment logs that cannot be written (read-only file, full disk, a directory).
// Every case must give a message naming what is wrong and where, and change nothing on disk.
#include "mor/config.h"
#include "mor/dataset.h"
#include "mor/experiment_log.h"
#include "mor/log_reader.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <functional>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

QByteArray checksum(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

void putBigEndian(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((v >> shift) & 0xff);
    }
}

/// Runs `body` in a child process and returns its exit code (128 + signal if it died).
/// Used for what must not touch this process: resource limits and another user id.
int inChild(const std::function<int()>& body) {
    const pid_t pid = fork();
    if (pid == 0) {
        _exit(body());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string sqliteScalar(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

} // namespace

class TstBadInput : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::string write(const std::string& bytes, const char* suffix = "") {
        const std::string path =
            m_dir.filePath(QString("f%1%2").arg(++m_files).arg(suffix)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

private Q_SLOTS:
    void configValueErrorsNameTheField_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("negative learning rate")
            << QByteArray(R"({"train":{"learning_rate":-0.001}})") << "train.learning_rate";
        QTest::newRow("learning rate overflows to infinity")
            << QByteArray("{\"train\":{\n\"learning_rate\":1e999}}") << "number out of range at line 2: 1e999";
        QTest::newRow("raw-input encoder with tokens")
            << QByteArray(R"({"model":{"encoder":{"layers":0,"input":"tokens"}}})")
            << "model.encoder.layers";
        QTest::newRow("encoder depth negative")
            << QByteArray(R"({"model":{"encoder":{"layers":-1}}})") << "model.encoder.layers";
        QTest::newRow("expert depth negative")
            << QByteArray(R"({"model":{"experts":[{"max_depth":-3}]}})") << "model.experts[0].max_depth";
        QTest::newRow("expert width zero") << QByteArray(R"({"model":{"experts":[{"width":0}]}})")
                                           << "model.experts[0].width";
        QTest::newRow("epochs zero") << QByteArray(R"({"train":{"epochs":0}})") << "train.epochs";
        QTest::newRow("dropout above one") << QByteArray(R"({"model":{"encoder":{"dropout":1.5}}})")
                                           << "model.encoder.dropout";
        QTest::newRow("null for integer") << QByteArray(R"({"train":{"epochs":null}})") << "train.epochs";
        QTest::newRow("integer beyond int64")
            << QByteArray(R"({"train":{"epochs":123456789012345678901234567890}})") << "train.epochs";
        QTest::newRow("top_k negative") << QByteArray(R"({"model":{"router":{"top_k":-1}}})")
                                        << "model.router.top_k";
        QTest::newRow("invalid UTF-8 in a name") << QByteArray("{\"name\":\"\xff\xfe\"}") << "line 1";
    }
    void configValueErrorsNameTheField() {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        const auto result = mor::parseConfig(json.toStdString());
        QVERIFY2(!result.ok(), "accepted a bad config");
        QVERIFY2(QString::fromStdString(result.message()).contains(field),
                 result.message().c_str());
    }

    void configFileErrorsNameThePathAndKeepTheFile_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed") << QByteArray("{\"train\": {\"epochs\": 3,}\n") << "line 1";
        QTest::newRow("binary garbage") << QByteArray("\x00\x01\x02\xff", 4) << "line 1";
        QTest::newRow("number overflow") << QByteArray("{\"seed\":\n-1e400}") << "line 2";
    }
    void configFileErrorsNameThePathAndKeepTheFile() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const std::string path = write(content.toStdString(), ".json");
        const QByteArray before = checksum(QString::fromStdString(path));
        const auto result = mor::loadConfigFile(path);
        QVERIFY(!result.ok());
        const QString message = QString::fromStdString(result.message());
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(checksum(QString::fromStdString(path)), before);
    }

    void configFileThatIsADirectoryIsAnError() {
        const auto result = mor::loadConfigFile(m_dir.path().toStdString());
        QVERIFY(!result.ok());
        QVERIFY2(QString::fromStdString(result.message()).contains(m_dir.path()),
                 result.message().c_str());
    }

    void missingCsvPathNamesThePath() {
        mor::DataConfig config;
        config.kind = mor::DataKind::Csv;
        config.path = m_dir.filePath("no/such/table.csv").toStdString();
        const auto result = mor::loadDataset(config, 1);
        QVERIFY(!result.ok());
        QVERIFY2(QString::fromStdString(result.error).contains(QString::fromStdString(config.path)),
                 result.error.c_str());
    }

    void csvCellErrorsNameTheLine_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nan") << "a,b,c\n1,2,0\n3,nan,1\n" << "line 3";
        QTest::newRow("NaN capitalised") << "a,b,c\n1,2,0\n3,NaN,1\n" << "line 3";
        QTest::newRow("negative infinity") << "a,b,c\n-inf,2,0\n" << "line 2";
        QTest::newRow("overflows float") << "a,b,c\n1,2,0\n1e39,2,1\n" << "line 3";
        QTest::newRow("overflows double") << "a,b,c\n1,2,0\n1e999,2,1\n" << "line 3";
        QTest::newRow("hex float") << "a,b,c\n1,2,0\n0x1p3,2,1\n" << "line 3";
        QTest::newRow("number then text") << "a,b,c\n1,2,0\n1.5kg,2,1\n" << "line 3";
        QTest::newRow("NUL byte in a cell") << QString("a,b,c\n1,2,0\n1") + QChar(0) + ",2,1\n"
                                            << "line 3";
        QTest::newRow("ragged after many rows")
            << QString("a,b,c\n") + QString("1,2,0\n").repeated(500) + "1,2\n" << "line 502";
        QTest::newRow("one class only") << "a,b,c\n1,2,x\n3,4,x\n5,6,x\n" << "class";
    }
    void csvCellErrorsNameTheLine() {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        const std::string bytes = content.toStdString();
        const std::string path = write(bytes, ".csv");
        const QByteArray before = checksum(QString::fromStdString(path));
        // Through the whole import, as the trainer and the GUI load it.
        mor::DataConfig config;
        config.kind = mor::DataKind::Csv;
        config.path = path;
        const auto result = mor::loadDataset(config, 1);
        QVERIFY2(!result.ok(), "accepted a bad CSV");
        QVERIFY2(QString::fromStdString(result.error).contains(expected), result.error.c_str());
        QVERIFY2(QString::fromStdString(result.error).contains(QString::fromStdString(path)),
                 result.error.c_str());
        QCOMPARE(checksum(QString::fromStdString(path)), before);
    }

    void labelColumnIndexBeyondInt64IsAnError_data() {
        QTest::addColumn<QString>("spec");
        QTest::newRow("1e30") << "1e30";
        QTest::newRow("-1e30") << "-1e30";
        QTest::newRow("9.3e18") << "9.3e18";
    }
    void labelColumnIndexBeyondInt64IsAnError() {
        QFETCH(QString, spec);
        const std::string path = write("a,b,c\n1,2,0\n3,4,1\n", ".csv");
        const auto table = mor::readCsv(path, spec.toStdString());
        QVERIFY2(QString::fromStdString(table.error).contains(spec), table.error.c_str());
    }

    /// Features are standardised on the training split; a far outlier that lands in the
    /// validation or test split must not overflow to inf (every loss would turn NaN).
    void outlierOutsideTrainingSplitStaysFinite() {
        std::string csv = "a,b,c\n";
        for (int i = 0; i < 300; ++i) {
            csv += std::to_string((i % 17) * 1e-5) + "," + std::to_string(i % 5) + "," +
                   std::to_string(i % 2) + "\n";
        }
        csv += "3e38,0.5,1\n";
        mor::DataConfig config;
        config.kind = mor::DataKind::Csv;
        config.path = write(csv, ".csv");
        for (int64_t seed = 1; seed <= 16; ++seed) { // the outlier lands in every split
            const auto result = mor::loadDataset(config, seed);
            QVERIFY2(result.ok(), result.error.c_str());
            for (float v : result.dataset.features) {
                QVERIFY2(std::isfinite(v), qPrintable(QString("seed %1").arg(seed)));
            }
        }
    }

    void idxHeaderPromisingHugeDataIsRefusedCheaply_data() {
        QTest::addColumn<uint32_t>("magic");
        QTest::addColumn<uint32_t>("count");
        QTest::addColumn<uint32_t>("rows");
        QTest::addColumn<uint32_t>("cols");
        QTest::newRow("two billion images") << 0x803u << 0x7fffffffu << 28u << 28u;
        QTest::newRow("size overflows 32 bits") << 0x803u << 70000u << 65536u << 65536u;
        QTest::newRow("all dimensions max") << 0x803u << 0xffffffffu << 0xffffffffu << 0xffffffffu;
        QTest::newRow("wrong magic") << 0x0u << 1u << 1u << 1u;
        QTest::newRow("float type magic") << 0x0d03u << 1u << 1u << 1u;
        QTest::newRow("four dimensions") << 0x804u << 1u << 1u << 1u;
    }
    void idxHeaderPromisingHugeDataIsRefusedCheaply() {
        QFETCH(uint32_t, magic);
        QFETCH(uint32_t, count);
        QFETCH(uint32_t, rows);
        QFETCH(uint32_t, cols);
        std::string images;
        putBigEndian(images, magic);
        putBigEndian(images, count);
        putBigEndian(images, rows);
        putBigEndian(images, cols);
        images += std::string(64, '\x7f');
        std::string labels;
        putBigEndian(labels, 0x801);
        putBigEndian(labels, count);
        labels += std::string(4, '\x01');
        const std::string imagesPath = write(images, ".idx");
        const std::string labelsPath = write(labels, ".idx");
        const auto idx = mor::readIdx(imagesPath, labelsPath, 0);
        QVERIFY2(!idx.error.empty(), "accepted a bad IDX file");
        QVERIFY2(QString::fromStdString(idx.error).contains(QString::fromStdString(imagesPath)),
                 idx.error.c_str());
        QVERIFY(idx.pixels.empty());
    }

    void logThatIsADirectoryIsRefused() {
        std::string error;
        const QString dir = m_dir.filePath("adir.sqlite");
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(!mor::ExperimentLog::open(dir.toStdString(), &error));
        QVERIFY2(QString::fromStdString(error).contains(dir), error.c_str());
        const auto opened = mor::LogReader::open(dir.toStdString());
        QVERIFY(!opened);
        QVERIFY2(QString::fromStdString(opened.error()).contains(dir), opened.error().c_str());
    }

    void logInMissingFolderIsRefusedAndNotCreated() {
        std::string error;
        const QString path = m_dir.filePath("missing/dir/log.sqlite");
        QVERIFY(!mor::ExperimentLog::open(path.toStdString(), &error));
        QVERIFY2(QString::fromStdString(error).contains(path), error.c_str());
        QVERIFY(!QFile::exists(path));
    }

    /// A log the user may read but not write: the writer refuses it with a message and leaves
    /// its bytes alone; the reader still opens it. Root may write anything, so the check runs
    /// in a child process as the user "nobody".
    void readOnlyLogIsRefusedForWritingAndUnchanged() {
        const passwd* nobody = getpwnam("nobody");
        if (!nobody) {
            QSKIP("no user 'nobody' to drop privileges to");
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("ro.sqlite");
        {
            std::string error;
            auto log = mor::ExperimentLog::open(path.toStdString(), &error);
            QVERIFY2(log, error.c_str());
            const int64_t run = log->createRun(mor::RunInfo{});
            log->logMetric(run, "train/loss", 1, 0.5);
        }
        QFile::remove(path + "-wal");
        QFile::remove(path + "-shm");
        QVERIFY(::chmod(dir.path().toLocal8Bit().constData(), 0755) == 0);
        QVERIFY(::chmod(path.toLocal8Bit().constData(), 0444) == 0);
        const QByteArray before = checksum(path);
        const std::string p = path.toStdString();
        const int rc = inChild([&] {
            if (getuid() == 0 && (setgid(nobody->pw_gid) != 0 || setuid(nobody->pw_uid) != 0)) {
                return 10;
            }
            std::string error;
            if (mor::ExperimentLog::open(p, &error)) {
                return 11; // opened a read-only file for writing
            }
            if (error.find(p) == std::string::npos) {
                return 12; // message does not name the file
            }
            return 0;
        });
        QCOMPARE(rc, 0);
        QCOMPARE(checksum(path), before);
        std::string error;
        auto reader = mor::LogReader::open(path.toStdString());
        QVERIFY2(reader, reader.error().c_str());
        QCOMPARE(reader->runs().size(), size_t(1));
    }

    /// A full disk (RLIMIT_FSIZE, SIGXFSZ ignored, so writes fail with EFBIG like ENOSPC):
    /// the writer reports the error instead of crashing, and what it committed before stays
    /// readable and intact.
    void fullDiskReportsErrorAndKeepsCommittedRows() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("full.sqlite").toStdString();
        {
            std::string error;
            auto log = mor::ExperimentLog::open(path, &error);
            QVERIFY2(log, error.c_str());
            const int64_t run = log->createRun(mor::RunInfo{});
            for (int step = 1; step <= 100; ++step) {
                log->logMetric(run, "train/loss", step, 1.0 / step);
            }
        }
        QCOMPARE(sqliteScalar(path, "SELECT count(*) FROM metrics"), std::string("100"));
        const int rc = inChild([&] {
            std::signal(SIGXFSZ, SIG_IGN);
            rlimit limit{};
            limit.rlim_cur = limit.rlim_max = 256 * 1024;
            if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
                return 20;
            }
            std::string error;
            auto log = mor::ExperimentLog::open(path, &error);
            if (!log) {
                return error.empty() ? 21 : 0; // refused with a message: fine
            }
            const int64_t run = log->createRun(mor::RunInfo{});
            if (run < 0) {
                return log->lastError().empty() ? 22 : 0;
            }
            // ~100 KB per batch of routing blobs: the limit is hit after a few batches.
            std::vector<float> probs(64 * 400, 0.25f);
            std::vector<uint8_t> mask(64 * 400, 1);
            std::vector<int64_t> ids(400, 0);
            for (int step = 0; step < 60; ++step) {
                log->logRouting(run, step, 400, 64, probs, mask, ids);
                log->flush();
            }
            log->setStatus(run, "finished");
            log->flush();
            return log->lastError().empty() ? 23 : 0; // the failure must be reported
        });
        QCOMPARE(rc, 0);
        QCOMPARE(sqliteScalar(path, "PRAGMA integrity_check"), std::string("ok"));
        QCOMPARE(sqliteScalar(path, "SELECT count(*) FROM metrics WHERE run_id = 1"),
                 std::string("100"));
        std::string error;
        auto reader = mor::LogReader::open(path);
        QVERIFY2(reader, reader.error().c_str());
        QVERIFY(reader->runs().size() >= 1);
    }
};

QTEST_GUILESS_MAIN(TstBadInput)
#include "tst_bad_input.moc"
