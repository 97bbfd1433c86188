// SPDX-License-Identifier: GPL-3.0-or-later
// readIdx and IDX data sets: hand-made files (plain and gzip), header errors, and the
// real Fashion-MNIST test files when Debian's dataset-fashion-mnist is installed.
#include "mor/dataset.h"

#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <fstream>

namespace {

void putBigEndian(std::string& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xFF);
    }
}

/// count images of rows x cols; pixel value = (image * 10 + position) % 256.
std::string imageFile(uint32_t count, uint32_t rows, uint32_t cols, uint32_t magic = 0x00000803) {
    std::string out;
    putBigEndian(out, magic);
    putBigEndian(out, count);
    putBigEndian(out, rows);
    putBigEndian(out, cols);
    for (uint32_t i = 0; i < count; ++i) {
        for (uint32_t p = 0; p < rows * cols; ++p) {
            out += static_cast<char>((i * 10 + p) % 256);
        }
    }
    return out;
}

std::string labelFile(const std::vector<uint8_t>& labels, uint32_t magic = 0x00000801) {
    std::string out;
    putBigEndian(out, magic);
    putBigEndian(out, static_cast<uint32_t>(labels.size()));
    out.append(labels.begin(), labels.end());
    return out;
}

const char* fashionDir = "/usr/share/datasets/fashion-mnist/";

} // namespace

class TstIdx : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    std::string write(const std::string& bytes, bool gzip = false) {
        const std::string path =
            m_dir.filePath(QString("f%1%2").arg(++m_files).arg(gzip ? ".gz" : "")).toStdString();
        if (gzip) {
            gzFile file = gzopen(path.c_str(), "wb");
            gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
            gzclose(file);
        } else {
            std::ofstream(path, std::ios::binary) << bytes;
        }
        return path;
    }

private Q_SLOTS:
    void readsTinyFiles_data() {
        QTest::addColumn<bool>("gzip");
        QTest::newRow("plain") << false;
        QTest::newRow("gzip") << true;
    }
    void readsTinyFiles() {
        QFETCH(bool, gzip);
        const auto idx =
            mor::readIdx(write(imageFile(3, 2, 4), gzip), write(labelFile({2, 0, 1}), gzip), 0);
        QVERIFY2(idx.error.empty(), idx.error.c_str());
        QCOMPARE(idx.count, int64_t(3));
        QCOMPARE(idx.rows, int64_t(2));
        QCOMPARE(idx.cols, int64_t(4));
        QCOMPARE(idx.labels, (std::vector<int64_t>{2, 0, 1}));
        QCOMPARE(idx.pixels.size(), size_t(24));
        QCOMPARE(int(idx.pixels[0]), 0);
        QCOMPARE(int(idx.pixels[8 + 3]), 13); // image 1, pixel 3
        QCOMPARE(int(idx.pixels[23]), 27);    // image 2, pixel 7
    }

    void limitReadsTheFirstImages() {
        const auto idx =
            mor::readIdx(write(imageFile(5, 2, 2)), write(labelFile({0, 1, 2, 3, 4})), 2);
        QVERIFY2(idx.error.empty(), idx.error.c_str());
        QCOMPARE(idx.count, int64_t(2));
        QCOMPARE(idx.labels, (std::vector<int64_t>{0, 1}));
        QCOMPARE(idx.pixels.size(), size_t(8));
    }

    void headerErrors_data() {
        QTest::addColumn<QByteArray>("images");
        QTest::addColumn<QByteArray>("labels");
        QTest::addColumn<QString>("expected");
        const auto bytes = [](const std::string& s) { return QByteArray(s.data(), int(s.size())); };
        QTest::newRow("labels given as images")
            << bytes(labelFile({1, 2})) << bytes(labelFile({1, 2}))
            << "magic number 0x00000801 is not an IDX image file (expected 0x00000803)";
        QTest::newRow("images given as labels")
            << bytes(imageFile(2, 2, 2)) << bytes(imageFile(2, 2, 2))
            << "magic number 0x00000803 is not an IDX label file (expected 0x00000801)";
        QTest::newRow("text file")
            << QByteArray("hello world, not an image") << bytes(labelFile({1}))
            << "magic number 0x68656C6C is not an IDX image file";
        QTest::newRow("too short")
            << QByteArray("ab") << bytes(labelFile({1})) << "too short to be an IDX file (2 bytes)";
        QTest::newRow("truncated header")
            << bytes(imageFile(1, 2, 2).substr(0, 10)) << bytes(labelFile({1}))
            << "is truncated: its header needs 16 bytes";
        QTest::newRow("truncated pixels")
            << bytes(imageFile(3, 4, 4).substr(0, 16 + 40)) << bytes(labelFile({1, 2, 3}))
            << "is truncated: its header promises 3 images of 4×4 but it holds 2";
        QTest::newRow("truncated labels")
            << bytes(imageFile(3, 2, 2)) << bytes(labelFile({1, 2, 3}).substr(0, 10))
            << "is truncated: its header promises 3 labels but it holds 2";
        QTest::newRow("count mismatch") << bytes(imageFile(3, 2, 2)) << bytes(labelFile({1, 2}))
                                        << "has 3 images but labels file";
        QTest::newRow("zero-sized images")
            << bytes(imageFile(3, 0, 2)) << bytes(labelFile({1, 2, 3}))
            << "has images of 0×2 pixels";
    }
    void headerErrors() {
        QFETCH(QByteArray, images);
        QFETCH(QByteArray, labels);
        QFETCH(QString, expected);
        const std::string imagesPath = write(images.toStdString());
        const auto idx = mor::readIdx(imagesPath, write(labels.toStdString()), 0);
        QVERIFY2(QString::fromStdString(idx.error).contains(expected), idx.error.c_str());
        QVERIFY(idx.pixels.empty());
    }

    void errorNamesTheFile() {
        const std::string imagesPath = write(labelFile({1}));
        const auto idx = mor::readIdx(imagesPath, write(labelFile({1})), 0);
        QVERIFY2(QString::fromStdString(idx.error).startsWith(
                     "images file " + QString::fromStdString(imagesPath) + ": magic number"),
                 idx.error.c_str());
    }

    void missingFileIsAnError() {
        const auto idx = mor::readIdx("/no/such/images.gz", write(labelFile({1})), 0);
        QVERIFY2(QString::fromStdString(idx.error).contains("cannot open /no/such/images.gz"),
                 idx.error.c_str());
    }

    void datasetScalesPixelsToUnitRange() {
        mor::DataConfig c;
        c.kind = mor::DataKind::Idx;
        c.images = write(imageFile(20, 3, 2));
        std::vector<uint8_t> labels;
        for (int i = 0; i < 20; ++i) {
            labels.push_back(uint8_t(i % 3));
        }
        c.labels = write(labelFile(labels));
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        const auto& d = r.dataset;
        QCOMPARE(d.inputKind, std::string("image"));
        QCOMPARE(d.imageWidth, int64_t(2));
        QCOMPARE(d.imageHeight, int64_t(3));
        QCOMPARE(d.numFeatures, int64_t(6));
        QCOMPARE(d.numClasses, int64_t(3));
        QCOMPARE(d.classNames, (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(d.row(1)[3], 13.0f / 255.0f);
        QCOMPARE(d.preview(0), std::string("image 2×3"));
        QCOMPARE(d.train.size() + d.validation.size() + d.test.size(), size_t(20));
    }

    void realFashionMnistTestSetLoads() {
        const std::string images = std::string(fashionDir) + "t10k-images-idx3-ubyte.gz";
        const std::string labels = std::string(fashionDir) + "t10k-labels-idx1-ubyte.gz";
        if (!QFile::exists(QString::fromStdString(images))) {
            QSKIP("dataset-fashion-mnist is not installed");
        }
        mor::DataConfig c;
        c.kind = mor::DataKind::Idx;
        c.images = images;
        c.labels = labels;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        const auto& d = r.dataset;
        QCOMPARE(d.name, std::string("fashion-mnist"));
        QCOMPARE(d.size(), int64_t(10000));
        QCOMPARE(d.numFeatures, int64_t(28 * 28));
        QCOMPARE(d.imageWidth, int64_t(28));
        QCOMPARE(d.numClasses, int64_t(10));
        QCOMPARE(d.classNames.front(), std::string("T-shirt/top"));
        QCOMPARE(d.classNames.back(), std::string("Ankle boot"));
        QCOMPARE(d.labels[0], int64_t(9)); // the first test image is an ankle boot
        QCOMPARE(d.test.size(), size_t(1500));
        std::vector<int> perClass(10, 0);
        for (int64_t label : d.labels) {
            ++perClass[static_cast<size_t>(label)];
        }
        QCOMPARE(perClass, std::vector<int>(10, 1000));
    }

    void realFashionMnistHonoursLimit() {
        const std::string images = std::string(fashionDir) + "t10k-images-idx3-ubyte.gz";
        if (!QFile::exists(QString::fromStdString(images))) {
            QSKIP("dataset-fashion-mnist is not installed");
        }
        mor::DataConfig c;
        c.kind = mor::DataKind::Idx;
        c.images = images;
        c.labels = std::string(fashionDir) + "t10k-labels-idx1-ubyte.gz";
        c.limit = 500;
        const auto r = mor::loadDataset(c, 1);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.dataset.size(), int64_t(500));
        QCOMPARE(r.dataset.features.size(), size_t(500 * 784));
        QCOMPARE(r.dataset.numClasses, int64_t(10));
    }
};

QTEST_GUILESS_MAIN(TstIdx)
#include "tst_idx.moc"
