// SPDX-License-Identifier: GPL-3.0-or-later
// Standard test splits (data.test_path, data.test_images / data.test_labels): the test split
// is exactly the test file, read and scaled like the training file (standardised with the
// training split's statistics), validation comes out of the training file, and mismatched
// files are refused with errors naming the field, the file and the line.
#include "mor/dataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

class TstTestFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::string write(const std::string& bytes, const char* suffix = ".csv") {
        const std::string path =
            m_dir.filePath(QString("t%1%2").arg(++m_files).arg(suffix)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    /// rows of "i;2i;label" (label alternates a/b), i from `from`, semicolons, with header.
    static std::string table(int from, int rows, const std::string& header = "u;v;y") {
        std::string csv = header + "\n";
        for (int i = from; i < from + rows; ++i) {
            csv += std::to_string(i) + ";" + std::to_string(2 * i) + ";" + (i % 2 ? "b" : "a") +
                   "\n";
        }
        return csv;
    }

    static void putBigEndian(std::string& out, uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out += static_cast<char>((value >> shift) & 0xFF);
        }
    }
    /// `count` images of 2x3 with pixel value `first + image`, labels image % classes.
    std::pair<std::string, std::string> idx(uint32_t count, uint32_t first, uint32_t classes,
                                            uint32_t rows = 2) {
        std::string images, labels;
        putBigEndian(images, 0x803);
        putBigEndian(images, count);
        putBigEndian(images, rows);
        putBigEndian(images, 3);
        putBigEndian(labels, 0x801);
        putBigEndian(labels, count);
        for (uint32_t i = 0; i < count; ++i) {
            images.append(rows * 3, static_cast<char>(first + i));
            labels += static_cast<char>(i % classes);
        }
        return {write(images, ".idx"), write(labels, ".idx")};
    }

private Q_SLOTS:
    void csvTestFileIsTheTestSplit() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write(table(0, 60));
        c.testPath = write(table(1000, 10));
        c.validationFraction = 0.2;
        c.testFraction = 0.3; // ignored: the test file is the test split
        const auto r = mor::loadDataset(c, 5);
        QVERIFY2(r.ok(), r.error.c_str());
        const mor::Dataset& d = r.dataset;
        QCOMPARE(d.size(), int64_t(70));
        QCOMPARE(d.testSource, c.testPath);
        QCOMPARE(d.test, (std::vector<int64_t>{60, 61, 62, 63, 64, 65, 66, 67, 68, 69}));
        QCOMPARE(int64_t(d.validation.size()), int64_t(12)); // 20 % of the 60 training rows
        QCOMPARE(int64_t(d.train.size()), int64_t(48));
        for (int64_t i : d.train) {
            QVERIFY(i < 60);
        }
        // Scaled like the training file, with the training split's statistics only.
        double mean = 0.0;
        for (int64_t i : d.train) {
            mean += double(i); // column u of row i is i
        }
        mean /= double(d.train.size());
        QVERIFY(std::fabs(d.featureMean[0] - mean) < 1e-9);
        for (int k = 0; k < 10; ++k) {
            const double expected = (1000.0 + k - mean) / d.featureScale[0];
            QVERIFY(std::fabs(d.row(60 + k)[0] - expected) < 1e-3 * std::fabs(expected));
            QCOMPARE(d.labels[size_t(60 + k)], int64_t(k % 2)); // a = 0, b = 1 in both files
        }
        // Same seed, same splits; another seed, another validation but the same test.
        const auto again = mor::loadDataset(c, 5);
        QCOMPARE(again.dataset.validation, d.validation);
        const auto other = mor::loadDataset(c, 6);
        QCOMPARE(other.dataset.test, d.test);
        QVERIFY(other.dataset.validation != d.validation);
    }

    void csvLimitAppliesToTheTrainingFile() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write(table(0, 60));
        c.testPath = write(table(500, 7));
        c.limit = 20;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.size(), int64_t(27));
        QCOMPARE(int64_t(r.dataset.test.size()), int64_t(7));
    }

    void csvTestFileErrors_data() {
        QTest::addColumn<QString>("test");
        QTest::addColumn<QString>("expected");
        QTest::newRow("other column count") << "u;v;w;y\n1;2;3;a\n"
                                            << "has 3 feature columns, but";
        QTest::newRow("other column name") << "u;x;y\n1;2;a\n"
                                           << "feature column 2 is \"x\", but in";
        QTest::newRow("bad cell") << "u;v;y\n1;2;a\n3;oops;b\n"
                                  << "line 3, column 2 (\"v\"): \"oops\" is not a number";
        QTest::newRow("unknown class") << "u;v;y\n1;2;a\n3;4;c\n"
                                       << "line 3: class \"c\" does not occur in the training "
                                          "file (its classes: a, b)";
    }
    void csvTestFileErrors() {
        QFETCH(QString, test);
        QFETCH(QString, expected);
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write(table(0, 20));
        c.testPath = write(test.toStdString());
        const auto r = mor::loadDataset(c, 1);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error).startsWith("data.test_path: "), r.error.c_str());
        QVERIFY2(QString::fromStdString(r.error).contains(QString::fromStdString(c.testPath)),
                 r.error.c_str());
        QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    }

    void csvMissingTestFile() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Csv;
        c.path = write(table(0, 20));
        c.testPath = m_dir.filePath("nothing.csv").toStdString();
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(QString::fromStdString(r.error).startsWith("data.test_path: cannot open " +
                                                            QString::fromStdString(c.testPath)),
                 r.error.c_str());
    }

    void idxTestFilesAreTheTestSplit() {
        const auto [images, labels] = idx(40, 0, 4);
        const auto [testImages, testLabels] = idx(8, 200, 4);
        mor::DataConfig c;
        c.kind = mor::DataKind::Idx;
        c.images = images;
        c.labels = labels;
        c.testImages = testImages;
        c.testLabels = testLabels;
        c.validationFraction = 0.25;
        const auto r = mor::loadDataset(c, 2);
        QVERIFY2(r.ok(), r.error.c_str());
        const mor::Dataset& d = r.dataset;
        QCOMPARE(d.size(), int64_t(48));
        QCOMPARE(d.numClasses, int64_t(4));
        QCOMPARE(d.test, (std::vector<int64_t>{40, 41, 42, 43, 44, 45, 46, 47}));
        QCOMPARE(int64_t(d.validation.size()), int64_t(10));
        QCOMPARE(int64_t(d.train.size()), int64_t(30));
        QCOMPARE(d.testSource, testImages);
        QCOMPARE(d.row(43)[5], 203.0f / 255.0f); // pixels / 255, like the training images
        QCOMPARE(d.labels[43], int64_t(3));
        QVERIFY(d.featureMean.empty()); // images are not standardised
    }

    void idxTestFileErrors() {
        const auto [images, labels] = idx(40, 0, 4);
        mor::DataConfig c;
        c.kind = mor::DataKind::Idx;
        c.images = images;
        c.labels = labels;
        std::tie(c.testImages, c.testLabels) = idx(8, 0, 4, 3); // 3x3 images
        auto r = mor::loadDataset(c, 1);
        QVERIFY2(QString::fromStdString(r.error).contains("data.test_images: " +
                                                          QString::fromStdString(c.testImages) +
                                                          " holds images of 3×3 pixels"),
                 r.error.c_str());
        std::tie(c.testImages, c.testLabels) = idx(8, 0, 6); // classes 4 and 5 never trained
        r = mor::loadDataset(c, 1);
        QVERIFY2(QString::fromStdString(r.error).contains("sample 5: class \"4\" does not occur"),
                 r.error.c_str());
        c.testLabels = write("not idx", ".idx");
        r = mor::loadDataset(c, 1);
        QVERIFY2(QString::fromStdString(r.error).startsWith("data.test_images / data.test_labels: "),
                 r.error.c_str());
        QVERIFY2(QString::fromStdString(r.error).contains(QString::fromStdString(c.testLabels)),
                 r.error.c_str());
    }

    void configRules() {
        mor::ExperimentConfig c;
        c.data.kind = mor::DataKind::Parity;
        c.data.testPath = "t.csv";
        c.data.testImages = "t10k-images.gz";
        std::string all;
        for (const auto& e : mor::validateConfig(c)) {
            all += e.field + ": " + e.message + "\n";
        }
        QVERIFY2(all.find("data.test_path only applies to data.kind \"csv\"") != std::string::npos,
                 all.c_str());
        QVERIFY2(all.find("data.test_images only applies to data.kind \"idx\"") !=
                     std::string::npos,
                 all.c_str());
        QVERIFY2(all.find("data.test_labels: data.test_images is set, so data.test_labels must") !=
                     std::string::npos,
                 all.c_str());
    }
};

QTEST_GUILESS_MAIN(TstTestFiles)
#include "tst_test_files.moc"
