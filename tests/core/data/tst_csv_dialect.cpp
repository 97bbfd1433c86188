// SPDX-License-Identifier: GPL-3.0-or-later
// CSV dialects (data.delimiter, data.decimal, data.missing): sniffed semicolon and tab files,
// decimal commas, missing cells refused / dropped / filled with the training mean, and the
// same line / column errors as comma files.
#include "mor/dataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using Strings = std::vector<std::string>;
using Floats = std::vector<float>;

class TstCsvDialect : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::string write(const std::string& content) {
        const std::string path = m_dir.filePath(QString("d%1.csv").arg(++m_files)).toStdString();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    static mor::CsvDialect dialect(char separator, char decimal, const std::string& missing) {
        mor::CsvDialect d;
        d.separator = separator;
        d.decimal = decimal;
        mor::parseChoice(missing, mor::missingCellsNames(), &d.missing);
        return d;
    }

private Q_SLOTS:
    void separatorIsSniffed_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<char>("separator");
        QTest::newRow("comma") << "a,b,y\n1,2.5,x\n3,4,z\n" << ',';
        QTest::newRow("semicolon") << "a;b;y\n1;2.5;x\n3;4;z\n" << ';';
        QTest::newRow("tab") << "a\tb\ty\n1\t2.5\tx\n3\t4\tz\n" << '\t';
        QTest::newRow("pipe") << "a|b|y\n1|2.5|x\n3|4|z\n" << '|';
        QTest::newRow("blanks") << "a b y\n1  2.5 x\n3 4   z\n" << ' ';
        // A comma inside a semicolon file's header name does not win: ';' splits every line.
        QTest::newRow("semicolon, comma in a name") << "a,1;b;y\n1;2.5;x\n3;4;z\n" << ';';
        // sklearn's count line has another cell count than the rows: the rows decide.
        QTest::newRow("count line") << "2,2,n,m\n1,2.5,0\n3,4,1\n" << ',';
    }
    void separatorIsSniffed() {
        QFETCH(QString, content);
        QFETCH(char, separator);
        const auto t = mor::readCsv(write(content.toStdString()), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.separator, separator);
        QCOMPARE(t.rows, int64_t(2));
        QCOMPARE(t.features, (Floats{1.0f, 2.5f, 3.0f, 4.0f}));
    }

    void decimalComma() {
        // ';' with decimal ',' (German Excel): sniffing skips ',' when it is the decimal mark.
        const std::string path = write("a;b;y\n1,5;-2,25;x\n3;4e2;z\n");
        const auto t = mor::readCsv(path, "last", dialect(0, ',', "refuse"));
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.separator, ';');
        QCOMPARE(t.header, (Strings{"a", "b"}));
        QCOMPARE(t.features, (Floats{1.5f, -2.25f, 3.0f, 400.0f}));
        QCOMPARE(t.labelText, (Strings{"x", "z"}));
        // A '.' is not a number under decimal ',', and the error says why.
        const auto bad = mor::readCsv(write("a;b;y\n1,5;2.5;x\n"), "last", dialect(0, ',', "refuse"));
        QVERIFY2(QString::fromStdString(bad.error)
                     .contains("line 2, column 2 (\"b\"): \"2.5\" is not a number (data.decimal "
                               "is \",\")"),
                 bad.error.c_str());
    }

    void explicitDelimiter() {
        // Forced ';' on a comma file: one cell per line, and the message points at the setting.
        const auto t = mor::readCsv(write("a,b,y\n1,2,x\n"), "last", dialect(';', '.', "refuse"));
        QVERIFY2(QString::fromStdString(t.error).contains("has 1 cell"), t.error.c_str());
        QVERIFY2(QString::fromStdString(t.error).contains("data.delimiter"), t.error.c_str());
        mor::DataConfig c;
        c.delimiter = mor::CsvDelimiter::Tab;
        c.decimal = mor::DecimalMark::Comma;
        c.missing = mor::MissingCells::Mean;
        const mor::CsvDialect d = mor::csvDialect(c);
        QCOMPARE(d.separator, '\t');
        QCOMPARE(d.decimal, ',');
        QCOMPARE(d.missing, mor::MissingCells::Mean);
        QCOMPARE(mor::csvDialect(mor::DataConfig{}).separator, char(0));
    }

    void missingCellsRefused_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty, semicolon") << "a;b;y\n1;2;x\n3;;z\n"
                                          << "line 3, column 2 (\"b\"): the cell is empty";
        QTest::newRow("NA, tab") << "a\tb\ty\n1\t2\tx\nNA\t4\tz\n"
                                 << "line 3, column 1 (\"a\"): \"NA\" marks a missing value";
        QTest::newRow("question mark") << "1,2,x\n3,?,z\n"
                                       << "line 2, column 2: \"?\" marks a missing value";
        QTest::newRow("empty label") << "a;b;y\n1;2;x\n3;4;\n"
                                     << "line 3, column 3: the label cell is empty";
        QTest::newRow("ragged stays ragged") << "a;b;y\n1;2;x\n3;4\n"
                                             << "line 3 has 2 cells, expected 3";
    }
    void missingCellsRefused() {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        const std::string path = write(content.toStdString());
        const auto t = mor::readCsv(path, "last");
        QVERIFY2(QString::fromStdString(t.error).contains(expected), t.error.c_str());
        QVERIFY2(QString::fromStdString(t.error).contains(QString::fromStdString(path)),
                 t.error.c_str());
    }

    void missingCellsDropRows() {
        const auto t = mor::readCsv(write("a;b;y\n1;2;x\n3;;z\nNaN;5;x\n6;7;\n8;9;z\n"), "last",
                                    dialect(0, '.', "drop_rows"));
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.rows, int64_t(2));
        QCOMPARE(t.droppedRows, int64_t(3));
        QCOMPARE(t.features, (Floats{1, 2, 8, 9}));
        QCOMPARE(t.labelText, (Strings{"x", "z"}));
        QCOMPARE(t.lines, (std::vector<int64_t>{2, 6}));
        const auto none = mor::readCsv(write("a;b;y\n1;;x\n;2;z\n"), "last",
                                       dialect(0, '.', "drop_rows"));
        QVERIFY2(QString::fromStdString(none.error).contains("every one of its 2 data rows"),
                 none.error.c_str());
    }

    /// "mean" fills a missing cell with its column's mean over the training split only.
    void missingCellsMeanOfTrainingSplit() {
        // 40 rows; column a is i, column b is 10 * i except row 7 (missing). Without a
        // validation or test split every row trains, so the fill is the mean of the others.
        std::string csv = "a;b;y\n";
        double sum = 0.0;
        for (int i = 0; i < 40; ++i) {
            csv += std::to_string(i) + ";" + (i == 7 ? std::string("NA") : std::to_string(10 * i)) +
                   ";" + (i % 2 ? "odd" : "even") + "\n";
            sum += i == 7 ? 0.0 : 10.0 * i;
        }
        const std::string path = write(csv);
        const auto table = mor::readCsv(path, "last", dialect(0, '.', "mean"));
        QVERIFY2(table.error.empty(), table.error.c_str());
        QCOMPARE(table.missingCells, int64_t(1));
        QVERIFY(std::isnan(table.features[7 * 2 + 1]));

        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = path;
        c.missing = mor::MissingCells::Mean;
        c.validationFraction = 0.0;
        c.testFraction = 0.0;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        const mor::Dataset& d = r.dataset;
        QCOMPARE(int64_t(d.train.size()), int64_t(40));
        const double fill = sum / 39.0;
        // Standardised: the filled cell is (fill - mean) / sd of the filled column.
        QCOMPARE(d.featureMean.size(), size_t(2));
        QVERIFY(std::fabs(d.featureMean[1] - fill) < 1e-6); // filling keeps the mean
        const double z = (fill - d.featureMean[1]) / d.featureScale[1];
        QVERIFY(std::fabs(d.row(7)[1] - z) < 1e-6);
        QVERIFY(std::fabs(d.row(7)[1]) < 1e-6);
        for (float v : d.features) {
            QVERIFY(std::isfinite(v));
        }
        // With a test split, the test rows do not move the training mean.
        c.testFraction = 0.25;
        const auto split = mor::loadDataset(c, 3);
        QVERIFY2(split.ok(), split.error.c_str());
        double trainSum = 0.0;
        int64_t trainCount = 0;
        for (int64_t i : split.dataset.train) {
            if (i != 7) {
                trainSum += 10.0 * double(i);
                ++trainCount;
            }
        }
        const double trainFill = trainSum / double(trainCount);
        const double raw7 = split.dataset.row(7)[1] * split.dataset.featureScale[1] +
                            split.dataset.featureMean[1];
        QVERIFY2(std::fabs(raw7 - trainFill) < 1e-3,
                 qPrintable(QString("filled %1, train mean %2").arg(raw7).arg(trainFill)));
        QVERIFY(std::fabs(trainFill - fill) > 1e-3); // the test rows would have changed it
    }

    void configFieldsReachTheReader() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write("a\tb\ty\n1,5\t2\tx\n3\t\tz\n5\t6\tx\n7\t8\tz\n9\t10\tx\n11\t12\tz\n");
        c.delimiter = mor::CsvDelimiter::Tab;
        c.decimal = mor::DecimalMark::Comma;
        c.missing = mor::MissingCells::DropRows;
        c.validationFraction = 0.0;
        c.testFraction = 0.0;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.size(), int64_t(5));
        QVERIFY(std::fabs(r.dataset.row(0)[0] * r.dataset.featureScale[0] +
                          r.dataset.featureMean[0] - 1.5) < 1e-5);
    }

    void configValidation() {
        // Another delimiter, decimal mark or missing rule is refused where the config is read.
        const auto parsed = mor::parseConfig(
            R"({"data":{"kind":"csv","path":"x.csv","delimiter":":","decimal":";",)"
            R"("missing":"zero"}})");
        std::string all = parsed.message();
        QVERIFY2(QString::fromStdString(all).contains("data.delimiter = \":\" must be one of"),
                 all.c_str());
        QVERIFY2(QString::fromStdString(all).contains("data.decimal = \";\" must be one of"),
                 all.c_str());
        QVERIFY2(QString::fromStdString(all).contains("data.missing = \"zero\" must be one of"),
                 all.c_str());
        mor::ExperimentConfig c = parsed.config;
        c.data.delimiter = mor::CsvDelimiter::Comma;
        c.data.decimal = mor::DecimalMark::Comma;
        c.data.missing = mor::MissingCells::Mean;
        all.clear();
        for (const auto& e : mor::validateConfig(c)) {
            all += e.message + "\n";
        }
        QVERIFY2(QString::fromStdString(all).contains("data.decimal = \",\" needs another "
                                                      "data.delimiter"),
                 all.c_str());
    }
};

QTEST_GUILESS_MAIN(TstCsvDialect)
#include "tst_csv_dialect.moc"
