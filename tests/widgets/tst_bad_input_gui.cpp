// Bad input through the window: a log that is not ours, a CSV that cannot be read, a preset
// that does not parse. Each shows its message in the window (the modal warning, the CSV
// preview line, the preset error), names the file, leaves the file's bytes alone and leaves
// the window working with what it had before.
#include "setup/setupview.h"
#include "shell/logsession.h"
#include "shell/mainwindow.h"

#include "mor/experiment_log.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <sqlite3.h>

namespace {

QByteArray checksum(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

bool execSql(const QString& path, const char* sql) {
    sqlite3* db = nullptr;
    const bool ok = sqlite3_open(path.toLocal8Bit().constData(), &db) == SQLITE_OK &&
                    sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

/// Closes the next modal message box and keeps its text (a test must never block on one).
class ModalCatcher : public QObject {
public:
    QString text;
    int boxes = 0;
    void arm() {
        QTimer::singleShot(20, this, [this] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                text = box->text();
                ++boxes;
                box->done(QMessageBox::Ok);
                return;
            }
            arm(); // not up yet: look again
        });
    }
};

} // namespace

class TstBadInputGui : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_bad_input_gui"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void openLogShowsWhyAndKeepsTheFile_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << "text" << "not";
        QTest::newRow("SQLite file of another program") << "foreign" << "not";
        QTest::newRow("MoR log of a newer schema") << "newer" << "newer";
        QTest::newRow("truncated SQLite header") << "garbage" << "";
        QTest::newRow("a folder") << "folder" << "";
    }
    void openLogShowsWhyAndKeepsTheFile() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath(kind + QStringLiteral(".sqlite"));
        if (kind == "text") {
            QVERIFY(writeFile(path, "run,loss\n1,0.5\n"));
        } else if (kind == "foreign") {
            QVERIFY(execSql(path, "CREATE TABLE contacts(name TEXT); INSERT INTO contacts "
                                  "VALUES('Ada');"));
        } else if (kind == "newer") {
            std::string error;
            QVERIFY(mor::ExperimentLog::open(path.toStdString(), &error));
            QVERIFY(execSql(path, "PRAGMA user_version = 999;"));
        } else if (kind == "garbage") {
            QVERIFY(writeFile(path, QByteArray("SQLite format 3\0", 16) + QByteArray(200, '\xee')));
        } else {
            QVERIFY(QDir().mkpath(path));
        }
        const QByteArray before = checksum(path);

        shell::MainWindow window;
        window.show();
        const QString title = window.windowTitle();
        ModalCatcher catcher;
        catcher.arm();
        QVERIFY(!window.openLog(path, true));
        QCOMPARE(catcher.boxes, 1);
        QVERIFY2(catcher.text.contains(path), qPrintable(catcher.text));
        QVERIFY2(catcher.text.contains(expected, Qt::CaseInsensitive), qPrintable(catcher.text));
        QCOMPARE(checksum(path), before);
        QCOMPARE(window.windowTitle(), title);
        // File > Open and the recent logs open in the background: the same box once it fails.
        ModalCatcher later;
        later.arm();
        window.openLogInBackground(path);
        QTRY_COMPARE_WITH_TIMEOUT(later.boxes, 1, 15000);
        QVERIFY2(later.text.contains(path), qPrintable(later.text));
        QVERIFY2(later.text.contains(expected, Qt::CaseInsensitive), qPrintable(later.text));
        QVERIFY(!window.session()->isOpening());
        QCOMPARE(checksum(path), before);
        QCOMPARE(window.windowTitle(), title);
        // The window still works: a good log opens afterwards.
        const QString good = m_dir.filePath(kind + QStringLiteral("-good.sqlite"));
        QVERIFY(window.openLog(good, false));
    }

    void csvPreviewShowsTheReadError_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("labelColumn");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty file") << QByteArray() << "last" << "is empty";
        QTest::newRow("ragged row") << QByteArray("a,b,c\n1,2,0\n1,2\n") << "last" << "line 3";
        QTest::newRow("non-numeric cell") << QByteArray("a,b,c\n1,2,0\n1,x,1\n") << "last"
                                          << "line 3";
        QTest::newRow("NaN cell") << QByteArray("a,b,c\n1,2,0\nnan,2,1\n") << "last" << "line 3";
        QTest::newRow("Inf cell") << QByteArray("a,b,c\n1,inf,0\n") << "last" << "line 2";
        QTest::newRow("label column that does not exist")
            << QByteArray("a,b,c\n1,2,0\n") << "species" << "species";
        QTest::newRow("missing file") << QByteArray("-") << "last" << "";
    }
    void csvPreviewShowsTheReadError() {
        QFETCH(QByteArray, content);
        QFETCH(QString, labelColumn);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath(QStringLiteral("t%1.csv").arg(QTest::currentDataTag())
                                                .replace(' ', '_'));
        if (content != "-") {
            QVERIFY(writeFile(path, content));
        }
        const QByteArray before = checksum(path);

        setup::SetupView view;
        view.show();
        mor::ExperimentConfig config = view.config();
        config.data.kind = mor::DataKind::Csv;
        config.data.path = path.toStdString();
        config.data.labelColumn = labelColumn.toStdString();
        view.setConfig(config);
        QLabel* shown = nullptr;
        for (QLabel* label : view.findChildren<QLabel*>()) {
            if (label->isVisibleTo(&view) && label->text().contains(path.toHtmlEscaped())) {
                shown = label;
            }
        }
        QVERIFY2(shown, "no visible label names the CSV file");
        QVERIFY2(shown->text().contains(expected), qPrintable(shown->text()));
        QCOMPARE(checksum(path), before);
    }

    void badPresetIsRefusedAndTheSetupKeepsItsConfig_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("malformed JSON") << QByteArray("{\"train\": {\"epochs\": }") << "line 1";
        QTest::newRow("wrong type") << QByteArray(R"({"train":{"epochs":"ten"}})")
                                    << "train.epochs";
        QTest::newRow("zero experts") << QByteArray(R"({"model":{"experts":[]}})")
                                      << "model.experts";
        QTest::newRow("top_k above experts")
            << QByteArray(R"({"model":{"router":{"top_k":5},"experts":[{},{}]}})") << "top_k";
        QTest::newRow("negative learning rate") << QByteArray(R"({"train":{"learning_rate":-1}})")
                                                << "learning_rate";
        QTest::newRow("unknown field") << QByteArray(R"({"train":{"epoch":3}})") << "epoch";
        QTest::newRow("number overflow") << QByteArray(R"({"seed":1e999})") << "out of range";
    }
    void badPresetIsRefusedAndTheSetupKeepsItsConfig() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        const QString path = m_dir.filePath(QStringLiteral("preset.json"));
        QVERIFY(writeFile(path, content));
        const QByteArray before = checksum(path);
        setup::SetupView view;
        const std::string configBefore = mor::toJson(view.config());
        QString error;
        QVERIFY(!view.loadPreset(path, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(mor::toJson(view.config()), configBefore);
        QVERIFY(view.isValid());
        QCOMPARE(checksum(path), before);
    }
};

QTEST_MAIN(TstBadInputGui)
#include "tst_bad_input_gui.moc"
