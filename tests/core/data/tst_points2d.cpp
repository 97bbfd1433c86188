// SPDX-License-Identifier: GPL-3.0-or-later
// The 2-D point sets of the Playground: sizes, balance, determinism, the shapes themselves at
// noise 0, the jitter, label noise, and the validation of data.kind / data.noise.
#include "mor/config.h"
#include "mor/dataset.h"

#include <QtTest>

#include <cmath>

namespace {

constexpr double Pi = 3.14159265358979323846;
const char* const Kinds[] = {"spirals", "circles", "xor", "blobs", "checkerboard", "moons"};

mor::DataConfig points(const QString& kind, double noise, int64_t samples = 600) {
    mor::DataConfig c;
    if (!mor::parseChoice(kind.toStdString(), mor::dataKindNames(), &c.kind)) {
        qFatal("points: unknown data kind %s", qPrintable(kind));
    }
    c.noise = noise;
    c.samples = samples;
    return c;
}

mor::Dataset load(const mor::DataConfig& config, int64_t seed = 1) {
    auto result = mor::loadDataset(config, seed);
    if (!result.ok()) {
        qFatal("loadDataset failed: %s", result.error.c_str());
    }
    return std::move(result.dataset);
}

double distance(const float* p, double cx, double cy) {
    return std::hypot(double(p[0]) - cx, double(p[1]) - cy);
}

/// Angle in [0, 2π).
double angleOf(double x, double y) {
    const double a = std::atan2(y, x);
    return a < 0.0 ? a + 2.0 * Pi : a;
}

/// How far (in radians, 0..π) two angles are apart on the circle.
double angleGap(double a, double b) {
    const double d = std::fmod(std::fabs(a - b), 2.0 * Pi);
    return std::min(d, 2.0 * Pi - d);
}

/// Noise 0: is point p exactly on the shape of `label`? Tolerances cover float storage only.
bool onShape(const QString& kind, const float* p, int64_t label) {
    constexpr double Eps = 1e-5;
    const double x = p[0], y = p[1];
    if (kind == "circles") {
        return std::fabs(std::hypot(x, y) - (label == 0 ? 0.5 : 1.0)) < Eps;
    }
    if (kind == "xor") {
        const bool opposite = (x < 0.0) != (y < 0.0);
        return std::fabs(x) >= 0.1 - Eps && std::fabs(y) >= 0.1 - Eps && std::fabs(x) < 1.0 &&
               std::fabs(y) < 1.0 && opposite == (label == 1);
    }
    if (kind == "blobs") {
        const double angle = Pi / 2.0 + 2.0 * Pi * double(label) / 3.0;
        return distance(p, 0.8 * std::cos(angle), 0.8 * std::sin(angle)) < Eps;
    }
    if (kind == "checkerboard") {
        const auto column = static_cast<int64_t>(std::floor((x + 1.0) / 0.5));
        const auto row = static_cast<int64_t>(std::floor((y + 1.0) / 0.5));
        return column >= 0 && column < 4 && row >= 0 && row < 4 && (row + column) % 2 == label;
    }
    if (kind == "moons") {
        return label == 0 ? std::fabs(distance(p, -0.5, -0.25) - 1.0) < Eps && y >= -0.25 - Eps
                          : std::fabs(distance(p, 0.5, 0.25) - 1.0) < Eps && y <= 0.25 + Eps;
    }
    // spirals: radius 0.05 + 0.95 t, angle 2π (1.25 t + arm / 2)
    const double t = (std::hypot(x, y) - 0.05) / 0.95;
    const double expected = 2.0 * Pi * (1.25 * t + double(label) / 2.0);
    return t >= -Eps && t <= 1.0 + Eps && angleGap(angleOf(x, y), expected) < 1e-4;
}

} // namespace

class TstPoints2d : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kinds_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("classes");
        for (const char* kind : Kinds) {
            QTest::newRow(kind) << kind << (QByteArray(kind) == "blobs" ? 3 : 2);
        }
    }

    void sizesSplitsAndFeatures_data() { kinds_data(); }
    void sizesSplitsAndFeatures() {
        QFETCH(QString, kind);
        QFETCH(int, classes);
        auto config = points(kind, 0.1, 600);
        config.probeSize = 32;
        const auto d = load(config);
        QCOMPARE(d.size(), int64_t(600));
        QCOMPARE(d.numFeatures, int64_t(2));
        QCOMPARE(d.features.size(), size_t(1200));
        QCOMPARE(d.numClasses, int64_t(classes));
        QCOMPARE(d.classNames.size(), size_t(classes));
        QCOMPARE(d.featureNames, (std::vector<std::string>{"x", "y"}));
        QCOMPARE(d.inputKind, std::string("vector"));
        QCOMPARE(d.numDomains(), int64_t(1));
        QCOMPARE(d.test.size(), size_t(90));
        QCOMPARE(d.validation.size(), size_t(90));
        QCOMPARE(d.train.size(), size_t(420));
        QCOMPARE(d.probe.size(), size_t(32));
        QVERIFY2(d.name.rfind(kind.toStdString() + "(noise 0.1)", 0) == 0, d.name.c_str());
        QVERIFY2(d.preview(0).find("x=") != std::string::npos, d.preview(0).c_str());
    }

    void classesAreExactlyBalanced_data() { kinds_data(); }
    void classesAreExactlyBalanced() {
        QFETCH(QString, kind);
        QFETCH(int, classes);
        const auto d = load(points(kind, 0.1, 601));
        std::vector<int64_t> count(static_cast<size_t>(classes), 0);
        for (int64_t label : d.labels) {
            ++count[static_cast<size_t>(label)];
        }
        for (int64_t k : count) {
            QVERIFY2(k == 601 / classes || k == 601 / classes + 1, qPrintable(QString::number(k)));
        }
        // the test split is stratified: every class in proportion
        std::vector<int64_t> test(static_cast<size_t>(classes), 0);
        for (int64_t i : d.test) {
            ++test[static_cast<size_t>(d.labels[static_cast<size_t>(i)])];
        }
        for (int64_t k : test) {
            QVERIFY(std::llabs(k * classes - int64_t(d.test.size())) <= classes);
        }
    }

    void sameSeedGivesSamePoints_data() { kinds_data(); }
    void sameSeedGivesSamePoints() {
        QFETCH(QString, kind);
        const auto a = load(points(kind, 0.2), 7);
        const auto b = load(points(kind, 0.2), 7);
        QCOMPARE(a.features, b.features);
        QCOMPARE(a.labels, b.labels);
        QCOMPARE(a.test, b.test);
        QCOMPARE(a.probe, b.probe);
    }

    void differentSeedGivesDifferentPoints_data() { kinds_data(); }
    void differentSeedGivesDifferentPoints() {
        QFETCH(QString, kind);
        const auto a = load(points(kind, 0.1), 1);
        const auto b = load(points(kind, 0.1), 2);
        int64_t same = 0;
        for (size_t k = 0; k < a.features.size(); ++k) {
            same += a.features[k] == b.features[k] ? 1 : 0;
        }
        QCOMPARE(same, int64_t(0));
    }

    void noiseZeroPutsEveryPointOnItsShape_data() { kinds_data(); }
    void noiseZeroPutsEveryPointOnItsShape() {
        QFETCH(QString, kind);
        const auto d = load(points(kind, 0.0, 900), 3);
        for (int64_t i = 0; i < d.size(); ++i) {
            const int64_t label = d.labels[static_cast<size_t>(i)];
            QVERIFY2(onShape(kind, d.row(i), label),
                     qPrintable(QStringLiteral("sample %1 (class %2) at (%3, %4)")
                                    .arg(i)
                                    .arg(label)
                                    .arg(d.row(i)[0])
                                    .arg(d.row(i)[1])));
        }
    }

    void shapesFillTheirWholeRange() {
        // circles: angles all round; spirals: radius from the centre to the rim; xor and
        // checkerboard: every quadrant / square used
        const auto circles = load(points(QStringLiteral("circles"), 0.0, 800));
        int64_t quadrants[4] = {0, 0, 0, 0};
        for (int64_t i = 0; i < circles.size(); ++i) {
            ++quadrants[(circles.row(i)[0] < 0 ? 1 : 0) + (circles.row(i)[1] < 0 ? 2 : 0)];
        }
        for (int64_t q : quadrants) {
            QVERIFY(q > 150);
        }
        const auto board = load(points(QStringLiteral("checkerboard"), 0.0, 1600));
        std::vector<int64_t> cells(16, 0);
        for (int64_t i = 0; i < board.size(); ++i) {
            const auto col = static_cast<size_t>(std::floor((board.row(i)[0] + 1.0) / 0.5));
            const auto row = static_cast<size_t>(std::floor((board.row(i)[1] + 1.0) / 0.5));
            ++cells[4 * row + col];
        }
        for (int64_t k : cells) {
            QVERIFY2(k > 60, qPrintable(QString::number(k)));
        }
        const auto spirals = load(points(QStringLiteral("spirals"), 0.0, 800));
        double smallest = 2.0, largest = 0.0;
        for (int64_t i = 0; i < spirals.size(); ++i) {
            const double r = std::hypot(spirals.row(i)[0], spirals.row(i)[1]);
            smallest = std::min(smallest, r);
            largest = std::max(largest, r);
        }
        QVERIFY(smallest < 0.06 && smallest >= 0.05 - 1e-6);
        QVERIFY(largest > 0.99 && largest <= 1.0 + 1e-6);
    }

    void noiseJittersTheSamePoints_data() { kinds_data(); }
    void noiseJittersTheSamePoints() {
        // Same seed, noise 0 and 0.3: same labels, and the offsets are Gaussian with std 0.3.
        QFETCH(QString, kind);
        const auto exact = load(points(kind, 0.0, 4000), 5);
        const auto noisy = load(points(kind, 0.3, 4000), 5);
        QCOMPARE(noisy.labels, exact.labels);
        double sum = 0.0, squares = 0.0;
        for (size_t k = 0; k < exact.features.size(); ++k) {
            const double offset = double(noisy.features[k]) - double(exact.features[k]);
            sum += offset;
            squares += offset * offset;
        }
        const auto n = static_cast<double>(exact.features.size());
        const double mean = sum / n;
        const double sd = std::sqrt(squares / n - mean * mean);
        QVERIFY2(std::fabs(mean) < 0.02, qPrintable(QString::number(mean)));
        QVERIFY2(std::fabs(sd - 0.3) < 0.01, qPrintable(QString::number(sd)));
    }

    void labelNoiseFlipsTheRequestedFraction() {
        auto config = points(QStringLiteral("blobs"), 0.0, 900);
        const auto clean = load(config, 4);
        config.labelNoise = 0.1;
        const auto noisy = load(config, 4);
        int64_t flipped = 0;
        for (size_t i = 0; i < clean.labels.size(); ++i) {
            flipped += clean.labels[i] != noisy.labels[i] ? 1 : 0;
        }
        QCOMPARE(flipped, int64_t(90));
        QCOMPARE(noisy.features, clean.features);
    }

    void jsonConfigReadsPointKindsAndNoise() {
        const auto result =
            mor::parseConfig(R"({"data":{"kind":"moons","noise":0.25,"samples":500}})");
        QVERIFY2(result.ok(), result.message().c_str());
        QCOMPARE(result.config.data.kind, mor::DataKind::Moons);
        QCOMPARE(result.config.data.noise, 0.25);
        QCOMPARE(load(result.config.data).size(), int64_t(500));
    }

    void validationRefusesNoiseOutOfRange_data() {
        QTest::addColumn<double>("noise");
        QTest::addColumn<bool>("valid");
        QTest::newRow("0") << 0.0 << true;
        QTest::newRow("2") << 2.0 << true;
        QTest::newRow("negative") << -0.01 << false;
        QTest::newRow("above 2") << 2.5 << false;
        QTest::newRow("nan") << std::nan("") << false;
    }
    void validationRefusesNoiseOutOfRange() {
        QFETCH(double, noise);
        QFETCH(bool, valid);
        mor::ExperimentConfig config;
        config.data = points(QStringLiteral("spirals"), noise);
        const auto errors = mor::validateConfig(config);
        QCOMPARE(errors.empty(), valid);
        if (!valid) {
            QCOMPARE(errors.front().field, std::string("data.noise"));
            QVERIFY2(errors.front().message.find("between 0 and 2") != std::string::npos,
                     errors.front().message.c_str());
            QVERIFY(!mor::loadDataset(config.data, 1).ok());
        }
    }

    void validationRefusesAnUnknownKindAndListsThePointKinds() {
        // data.kind is parsed once, so the reader refuses the unknown name.
        const auto errors = mor::parseConfig(R"({"data":{"kind":"spiral"}})").errors;
        QCOMPARE(errors.size(), size_t(1));
        QCOMPARE(errors.front().field, std::string("data.kind"));
        for (const char* kind : Kinds) {
            QVERIFY2(errors.front().message.find(kind) != std::string::npos,
                     errors.front().message.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TstPoints2d)
#include "tst_points2d.moc"
