// SPDX-License-Identifier: GPL-3.0-or-later
// The one writer of exported images (common::exportDrawing, plots and the Sequence view's
// tokens): text keeps the share of the drawing it has on screen, in PNG (by the ink of rendered
// letters), SVG (font-size against the viewBox) and PDF (the font size of the page's content
// stream, through its transformation matrices, against the page's MediaBox). At the PDF
// writer's default 1200 dpi a window's text came out 12.5 times too large, in SVG at 72 dpi at
// 3/4 of its size.
#include "common/plotexport.h"

#include <QFile>
#include <QFontInfo>
#include <QImage>
#include <QPainter>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <vector>

namespace {

const QSize kDrawing(400, 100);

/// The test drawing: a frame, and "HH" in `font` with its baseline at y = 70.
void paintText(QPainter& p, const QFont& font) {
    p.setFont(font);
    p.setPen(Qt::black);
    p.drawRect(5, 5, 390, 90);
    p.drawText(QPointF(20, 70), QStringLiteral("HH"));
}

/// The height of the black ink inside the frame (the letters), in pixels of `image`.
int inkHeight(const QImage& image, int frame) {
    int top = image.height(), bottom = -1;
    for (int y = frame; y < image.height() - frame; ++y) {
        for (int x = frame; x < image.width() - frame; ++x) {
            if (qGray(image.pixel(x, y)) < 128) {
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
        }
    }
    return bottom >= top ? bottom - top + 1 : 0;
}

/// Every stream of a PDF, inflated where it is compressed.
std::vector<QByteArray> pdfStreams(const QByteArray& pdf) {
    std::vector<QByteArray> out;
    qsizetype at = 0;
    while ((at = pdf.indexOf("stream", at)) >= 0) {
        qsizetype begin = at + 6;
        begin += pdf.mid(begin, 2) == "\r\n" ? 2 : 1;
        const qsizetype end = pdf.indexOf("endstream", begin);
        if (end < 0) {
            break;
        }
        const QByteArray raw = pdf.mid(begin, end - begin);
        QByteArray inflated(int(raw.size()) * 50 + 4096, '\0');
        uLongf size = uLongf(inflated.size());
        if (uncompress(reinterpret_cast<Bytef*>(inflated.data()), &size,
                       reinterpret_cast<const Bytef*>(raw.constData()), uLong(raw.size())) ==
            Z_OK) {
            inflated.resize(qsizetype(size));
            out.push_back(inflated);
        } else {
            out.push_back(raw);
        }
        at = end + 9;
    }
    return out;
}

/// The font sizes the content streams set ("<size> Tf"), each times the vertical scale of the
/// transformation matrices ("a b c d e f cm", nested by q / Q) in force: sizes in page points.
std::vector<double> pdfTextSizes(const QByteArray& pdf) {
    std::vector<double> sizes;
    for (const QByteArray& content : pdfStreams(pdf)) {
        if (!content.contains(" Tf")) {
            continue;
        }
        std::vector<double> stack{1.0};
        std::vector<double> operands;
        for (const QByteArray& word : content.simplified().split(' ')) {
            bool number = false;
            const double value = word.toDouble(&number);
            if (number) {
                operands.push_back(value);
                continue;
            }
            if (word == "q") {
                stack.push_back(stack.back());
            } else if (word == "Q" && stack.size() > 1) {
                stack.pop_back();
            } else if (word == "cm" && operands.size() >= 6) {
                const double b = operands[operands.size() - 5];
                const double d = operands[operands.size() - 3];
                stack.back() *= std::hypot(b, d);
            } else if (word == "Tf" && !operands.empty()) {
                sizes.push_back(operands.back() * stack.back());
            }
            operands.clear();
        }
    }
    return sizes;
}

double pdfPageWidth(const QByteArray& pdf) {
    static const QRegularExpression box(
        QStringLiteral("/MediaBox \\[\\s*([-\\d.]+) ([-\\d.]+) ([-\\d.]+) ([-\\d.]+)\\s*\\]"));
    const auto m = box.match(QString::fromLatin1(pdf));
    return m.hasMatch() ? m.captured(3).toDouble() - m.captured(1).toDouble() : 0.0;
}

} // namespace

class TstDrawingExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void textKeepsItsShareOfTheDrawing_data();
    void textKeepsItsShareOfTheDrawing();

private:
    QTemporaryDir m_dir;
};

void TstDrawingExport::textKeepsItsShareOfTheDrawing_data() {
    QTest::addColumn<QFont>("font");
    QFont points(QStringLiteral("DejaVu Sans"));
    points.setPointSizeF(18); // as the widgets set their fonts
    QFont pixels(QStringLiteral("DejaVu Sans"));
    pixels.setPixelSize(30);
    QTest::newRow("points") << points;
    QTest::newRow("pixels") << pixels;
}

void TstDrawingExport::textKeepsItsShareOfTheDrawing() {
    QFETCH(QFont, font);
    // On screen: the font's size in pixels, and the letters' ink in a drawing of kDrawing.
    const double screenPixels = QFontInfo(font).pixelSize();
    QVERIFY(screenPixels > 10);
    QImage screen(kDrawing, QImage::Format_ARGB32);
    screen.fill(Qt::white);
    {
        QPainter p(&screen);
        paintText(p, font);
    }
    const int screenInk = inkHeight(screen, 8);
    QVERIFY(screenInk > 10);

    common::DrawingExport drawing;
    drawing.size = kDrawing;
    drawing.background = Qt::white;
    const auto paint = [&font](QPainter& p, bool) { paintText(p, font); };
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    QString error;

    // PNG at 2x: twice the ink (a pixel either way for the rounding of glyph edges).
    const QString png = m_dir.filePath(tag + QStringLiteral(".png"));
    QVERIFY2(common::exportDrawing(png, drawing, paint, &error), qPrintable(error));
    const QImage image(png);
    QCOMPARE(image.size(), kDrawing * 2);
    QVERIFY2(std::abs(inkHeight(image, 16) - 2 * screenInk) <= 2,
             qPrintable(QStringLiteral("%1 vs 2 x %2").arg(inkHeight(image, 16)).arg(screenInk)));

    // SVG: the text's font-size in the units of the viewBox (identity transform) is the
    // on-screen pixel size.
    const QString svg = m_dir.filePath(tag + QStringLiteral(".svg"));
    QVERIFY2(common::exportDrawing(svg, drawing, paint, &error), qPrintable(error));
    QFile svgFile(svg);
    QVERIFY(svgFile.open(QIODevice::ReadOnly));
    const QString svgText = QString::fromUtf8(svgFile.readAll());
    QVERIFY(svgText.contains(QStringLiteral("viewBox=\"0 0 400 100\"")));
    static const QRegularExpression text(QStringLiteral(
        "<g [^>]*transform=\"matrix\\(1,0,0,1,0,0\\)\"[^>]*>\\s*<rect[^>]*/>\\s*<text [^>]*"
        "font-size=\"([\\d.]+)\"[^>]*>HH</text>"));
    const auto m = text.match(svgText);
    QVERIFY2(m.hasMatch(), qPrintable(svgText.right(600)));
    QVERIFY2(std::abs(m.captured(1).toDouble() - screenPixels) <= 0.5,
             qPrintable(m.captured(1) + QStringLiteral(" vs %1").arg(screenPixels)));

    // PDF: the page is the drawing's size in points, the text's size on it is the on-screen
    // pixel size (within 1%: the writer rounds the page to whole device pixels).
    const QString pdf = m_dir.filePath(tag + QStringLiteral(".pdf"));
    QVERIFY2(common::exportDrawing(pdf, drawing, paint, &error), qPrintable(error));
    QFile pdfFile(pdf);
    QVERIFY(pdfFile.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdfFile.readAll();
    QCOMPARE(pdfPageWidth(bytes), 400.0);
    const std::vector<double> sizes = pdfTextSizes(bytes);
    QCOMPARE(sizes.size(), size_t(1));
    QVERIFY2(std::abs(sizes[0] / screenPixels - 1.0) < 0.01,
             qPrintable(QStringLiteral("%1 vs %2").arg(sizes[0]).arg(screenPixels)));
}

QTEST_MAIN(TstDrawingExport)
#include "tst_drawing_export.moc"
