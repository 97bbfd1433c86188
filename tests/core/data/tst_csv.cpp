// SPDX-License-Identifier: GPL-3.0-or-later
// readCsv and CSV data sets: detection of separators, count lines, headers, label columns;
// errors that name the line; gzip; the real sklearn files.
#include "mor/dataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <cmath>
#include <fstream>

using Strings = std::vector<std::string>;
using Floats = std::vector<float>;

class TstCsv : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::string write(const std::string& content, const std::string& suffix = ".csv") {
        const std::string path =
            m_dir.filePath(QString("t%1%2").arg(++m_files).arg(QString::fromStdString(suffix)))
                .toStdString();
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    static const char* sklearn() { return "/usr/lib/python3/dist-packages/sklearn/datasets/data/"; }

private Q_SLOTS:
    void readsTableWithHeader() {
        const auto t = mor::readCsv(write("a,b,label\n1,2.5,x\n-3,4e2,y\n"), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.rows, int64_t(2));
        QCOMPARE(t.columns, int64_t(2));
        QCOMPARE(t.header, (Strings{"a", "b"}));
        QCOMPARE(t.features, (Floats{1.0f, 2.5f, -3.0f, 400.0f}));
        QCOMPARE(t.labelText, (Strings{"x", "y"}));
        QVERIFY(t.classNames.empty());
    }

    void headerDetection_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("labelColumn");
        QTest::addColumn<Strings>("header");
        QTest::addColumn<int>("rows");
        QTest::newRow("no header") << "1,2,0\n3,4,1\n"
                                   << "last" << Strings{"f0", "f1"} << 2;
        QTest::newRow("no header, string labels") << "1,2,cat\n3,4,dog\n"
                                                  << "last" << Strings{"f0", "f1"} << 2;
        QTest::newRow("header") << "x,y,c\n1,2,0\n"
                                << "last" << Strings{"x", "y"} << 1;
        QTest::newRow("header of numbers with a named label column")
            << "1,2,class\n1,2,0\n3,4,1\n"
            << "last" << Strings{"1", "2"} << 2;
        QTest::newRow("quoted header") << "\"CRIM\",\"ZN\",\"y\"\n1,2,0\n"
                                       << "last" << Strings{"CRIM", "ZN"} << 1;
        QTest::newRow("header found by label name") << "1,2,kind\n1,2,a\n3,4,b\n"
                                                    << "kind" << Strings{"1", "2"} << 2;
        QTest::newRow("byte order mark") << "\xEF\xBB\xBFx,y,c\n1,2,0\n"
                                         << "last" << Strings{"x", "y"} << 1;
    }
    void headerDetection() {
        QFETCH(QString, content);
        QFETCH(QString, labelColumn);
        QFETCH(Strings, header);
        QFETCH(int, rows);
        const auto t = mor::readCsv(write(content.toStdString()), labelColumn.toStdString());
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.header, header);
        QCOMPARE(t.rows, int64_t(rows));
    }

    void countLineGivesClassNames() {
        const auto t =
            mor::readCsv(write("4,2,setosa,versicolor\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n"), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.rows, int64_t(4));
        QCOMPARE(t.classNames, (Strings{"setosa", "versicolor"}));
        QCOMPARE(t.header, (Strings{"f0", "f1"}));
    }

    void countLineFollowedByHeader() {
        // boston_house_prices.csv style: "506,13,,,..." then a quoted header
        const auto t = mor::readCsv(write("2,2,,\n\"A\",\"B\",\"Y\"\n1,2,0\n3,4,1\n"), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.header, (Strings{"A", "B"}));
        QCOMPARE(t.rows, int64_t(2));
        QVERIFY(t.classNames.empty());
    }

    void labelColumnVariants_data() {
        QTest::addColumn<QString>("labelColumn");
        QTest::addColumn<Floats>("firstRow");
        QTest::addColumn<QString>("firstLabel");
        QTest::addColumn<Strings>("header");
        QTest::newRow("last") << "last" << Floats{1, 2} << "0" << Strings{"p", "q"};
        QTest::newRow("first") << "first" << Floats{2, 0} << "1" << Strings{"q", "kind"};
        QTest::newRow("index") << "1" << Floats{1, 0} << "2" << Strings{"p", "kind"};
        QTest::newRow("negative index") << "-2" << Floats{1, 0} << "2" << Strings{"p", "kind"};
        QTest::newRow("name") << "q" << Floats{1, 0} << "2" << Strings{"p", "kind"};
        QTest::newRow("name ignoring case") << "KIND" << Floats{1, 2} << "0" << Strings{"p", "q"};
    }
    void labelColumnVariants() {
        QFETCH(QString, labelColumn);
        QFETCH(Floats, firstRow);
        QFETCH(QString, firstLabel);
        QFETCH(Strings, header);
        const auto t = mor::readCsv(write("p,q,kind\n1,2,0\n3,4,1\n"), labelColumn.toStdString());
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(Floats(t.features.begin(), t.features.begin() + 2), firstRow);
        QCOMPARE(QString::fromStdString(t.labelText[0]), firstLabel);
        QCOMPARE(t.header, header);
    }

    void separators_data() {
        QTest::addColumn<QString>("content");
        QTest::newRow("semicolon") << "a;b;c\n1;2;0\n3;4;1\n";
        QTest::newRow("tab") << "a\tb\tc\n1\t2\t0\n3\t4\t1\n";
        QTest::newRow("blanks") << "a b  c\n1 2 0\n 3   4 1\n";
        QTest::newRow("windows line ends") << "a,b,c\r\n1,2,0\r\n3,4,1\r\n";
        QTest::newRow("blank lines and spaces") << "\na , b , c\n\n1, 2 ,0\n3,4,1\n\n";
    }
    void separators() {
        QFETCH(QString, content);
        const auto t = mor::readCsv(write(content.toStdString()), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.header, (Strings{"a", "b"}));
        QCOMPARE(t.features, (Floats{1, 2, 3, 4}));
        QCOMPARE(t.labelText, (Strings{"0", "1"}));
    }

    void quotedCellsMayHoldSeparators() {
        const auto t = mor::readCsv(
            write("\"x, first\",y,label\n1,2,\"big, red\"\n3,4,\"say \"\"hi\"\"\"\n"), "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.header, (Strings{"x, first", "y"}));
        QCOMPARE(t.labelText, (Strings{"big, red", "say \"hi\""}));
    }

    void errorsNameTheLine_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("labelColumn");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ragged row") << "a,b,c\n1,2,0\n\n1,2\n"
                                    << "last"
                                    << "line 4 has 2 cells, expected 3";
        QTest::newRow("too many cells") << "1,2,0\n1,2,3,4\n"
                                        << "last"
                                        << "line 2 has 4 cells, expected 3";
        QTest::newRow("non-numeric feature") << "a,b,c\n1,2,0\n1,abc,1\n"
                                             << "last"
                                             << "line 3, column 2 (\"b\"): \"abc\" is not a number";
        QTest::newRow("non-numeric feature without header")
            << "1,2,0\n3,4,1\n5,x6,0\n"
            << "last"
            << "line 3, column 2: \"x6\" is not a number";
        QTest::newRow("empty feature cell") << "a,b,c\n1,,0\n"
                                            << "last"
                                            << "line 2, column 2 (\"b\"): the cell is empty";
        QTest::newRow("empty label cell") << "a,b,c\n1,2,\n"
                                          << "last"
                                          << "line 2, column 3: the label cell is empty";
        QTest::newRow("not finite") << "a,b,c\n1,inf,0\n"
                                    << "last"
                                    << "\"inf\" is not a number";
        QTest::newRow("empty file") << ""
                                    << "last"
                                    << "is empty";
        QTest::newRow("blank file") << "\n \n\r\n"
                                    << "last"
                                    << "is empty";
        QTest::newRow("header only") << "a,b,c\n"
                                     << "last"
                                     << "has no data rows";
        QTest::newRow("single column") << "1\n2\n"
                                       << "last"
                                       << "has 1 cell";
        QTest::newRow("label index out of range") << "1,2,0\n"
                                                  << "7"
                                                  << "data.label_column = 7 but";
        QTest::newRow("unknown label name") << "a,b,c\n1,2,0\n"
                                            << "species"
                                            << "data.label_column = \"species\" is not a column";
        QTest::newRow("label name without header") << "1,2,0\n"
                                                   << "species"
                                                   << "has no header line";
    }
    void errorsNameTheLine() {
        QFETCH(QString, content);
        QFETCH(QString, labelColumn);
        QFETCH(QString, expected);
        const std::string path = write(content.toStdString());
        const auto t = mor::readCsv(path, labelColumn.toStdString());
        QVERIFY2(QString::fromStdString(t.error).contains(expected), t.error.c_str());
        QVERIFY2(QString::fromStdString(t.error).contains(QString::fromStdString(path)),
                 t.error.c_str());
    }

    void missingFileNamesThePath() {
        const auto t = mor::readCsv("/no/such/file.csv", "last");
        QVERIFY(QString::fromStdString(t.error).startsWith("cannot open /no/such/file.csv"));
    }

    void readsGzipFile() {
        const std::string path = m_dir.filePath("packed.csv.gz").toStdString();
        gzFile file = gzopen(path.c_str(), "wb");
        QVERIFY(file);
        const std::string content = "a,b,c\n1,2,x\n3,4,y\n";
        gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
        gzclose(file);
        const auto t = mor::readCsv(path, "last");
        QVERIFY2(t.error.empty(), t.error.c_str());
        QCOMPARE(t.features, (Floats{1, 2, 3, 4}));
        QCOMPARE(t.labelText, (Strings{"x", "y"}));
    }

    void truncatedGzipIsAnError() {
        const std::string full = m_dir.filePath("full.csv.gz").toStdString();
        gzFile file = gzopen(full.c_str(), "wb");
        std::string content;
        for (int i = 0; i < 2000; ++i) {
            content += std::to_string(i) + "," + std::to_string(i * 7 % 13) + ",0\n";
        }
        gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
        gzclose(file);
        std::ifstream in(full, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const std::string cut = write(bytes.substr(0, bytes.size() / 2), ".csv.gz");
        const auto t = mor::readCsv(cut, "last");
        QVERIFY2(QString::fromStdString(t.error).contains("truncated"), t.error.c_str());
    }

    void stringLabelsBecomeSortedClasses() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write("a,b\n1,pear\n2,apple\n3,fig\n4,apple\n");
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.classNames, (Strings{"apple", "fig", "pear"}));
        QCOMPARE(r.dataset.labels, (std::vector<int64_t>{2, 0, 1, 0}));
        QCOMPARE(r.dataset.name, std::string("t") + std::to_string(m_files) + ".csv");
    }

    void numericLabelsAreOrderedByValue() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write("1,10\n2,9\n3,-1\n4,9.0\n");
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.classNames, (Strings{"-1", "9", "10"}));
        QCOMPARE(r.dataset.labels, (std::vector<int64_t>{2, 1, 0, 1}));
    }

    void badLabelColumnsAreErrors_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("measurement, not a class")
            << "1,0.5\n2,1.5\n"
            << "label \"0.5\" of data row 1 is not a whole number";
        QTest::newRow("one class") << "1,a\n2,a\n"
                                   << "holds only one class (\"a\")";
    }
    void badLabelColumnsAreErrors() {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write(content.toStdString());
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    }

    void limitKeepsTheFirstRows() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write("1,a\n2,b\n3,c\n4,d\n5,e\n");
        c.limit = 3;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.size(), int64_t(3));
        QCOMPARE(r.dataset.classNames, (Strings{"a", "b", "c"}));
    }

    void realWineDataLoads() {
        const std::string path = std::string(sklearn()) + "wine_data.csv";
        if (!QFile::exists(QString::fromStdString(path))) {
            QSKIP("sklearn's wine_data.csv is not installed");
        }
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = path;
        const auto r = mor::loadDataset(c, 3);
        QVERIFY2(r.ok(), r.error.c_str());
        const auto& d = r.dataset;
        QCOMPARE(d.size(), int64_t(178));
        QCOMPARE(d.numFeatures, int64_t(13));
        QCOMPARE(d.numClasses, int64_t(3));
        QCOMPARE(d.classNames, (Strings{"class_0", "class_1", "class_2"}));
        QCOMPARE(d.name, std::string("wine_data.csv"));
        QCOMPARE(d.train.size() + d.validation.size() + d.test.size(), size_t(178));
        // standardised with the training split's statistics: mean 0, sd 1 there
        for (int64_t k = 0; k < d.numFeatures; ++k) {
            double sum = 0, squares = 0;
            for (int64_t i : d.train) {
                sum += d.row(i)[k];
                squares += d.row(i)[k] * d.row(i)[k];
            }
            const double n = static_cast<double>(d.train.size());
            QVERIFY(std::fabs(sum / n) < 1e-4);
            QVERIFY(std::fabs(squares / n - 1.0) < 1e-3);
        }
    }

    void realIrisUsesCountLineNames() {
        const std::string path = std::string(sklearn()) + "iris.csv";
        if (!QFile::exists(QString::fromStdString(path))) {
            QSKIP("sklearn's iris.csv is not installed");
        }
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = path;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.size(), int64_t(150));
        QCOMPARE(r.dataset.numFeatures, int64_t(4));
        QCOMPARE(r.dataset.classNames, (Strings{"setosa", "versicolor", "virginica"}));
        QCOMPARE(r.dataset.labels.front(), int64_t(0));
        QCOMPARE(r.dataset.labels.back(), int64_t(2));
    }

    void vectorPreviewNamesFeatures() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write("alpha,beta,gamma,delta,eps,y\n1,2,3,4,5,a\n2,3,4,5,6,b\n");
        c.validationFraction = 0.0;
        c.testFraction = 0.0;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(QString::fromStdString(r.dataset.preview(0)),
                 QString::fromUtf8("alpha=-1, beta=-1, gamma=-1, delta=-1, …"));
    }
};

QTEST_GUILESS_MAIN(TstCsv)
#include "tst_csv.moc"
