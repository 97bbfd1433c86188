#include "sequence/tokenstyle.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace sequence {

namespace {
// Traces write control characters as escapes ("\\n" for a newline, see TokenStep::text).
std::string unescaped(const std::string& token) {
    if (token == "\\n" || token == "\\r") {
        return "\n";
    }
    if (token == "\\t") {
        return "\t";
    }
    return token;
}
} // namespace

QString displayText(const std::string& escaped) {
    const std::string token = unescaped(escaped);
    if (token.empty()) {
        return QStringLiteral("∅");
    }
    const QString text = QString::fromStdString(token);
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char(' ')) {
            out += QStringLiteral("␣");
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            out += QStringLiteral("↵");
        } else if (c == QLatin1Char('\t')) {
            out += QStringLiteral("⇥");
        } else if (c.category() == QChar::Other_Control) {
            out += QStringLiteral("·");
        } else {
            out += c;
        }
    }
    return out;
}

QString quoted(const std::string& token) {
    return QStringLiteral("“%1”").arg(displayText(token));
}

QColor depthColor(int depth, int maxDepth) {
    if (depth <= 0) {
        return QColor(0xbd, 0xbd, 0xbd);
    }
    // Yellow-green-blue (ColorBrewer YlGnBu): sequential, readable with dark text at the light
    // end and white text at the dark end, and distinguishable for common colour blindness.
    static const QColor stops[] = {QColor(0xff, 0xff, 0xcc), QColor(0xc7, 0xe9, 0xb4),
                                   QColor(0x7f, 0xcd, 0xbb), QColor(0x41, 0xb6, 0xc4),
                                   QColor(0x1d, 0x91, 0xc0), QColor(0x22, 0x5e, 0xa8),
                                   QColor(0x0c, 0x2c, 0x84)};
    constexpr int n = int(sizeof(stops) / sizeof(stops[0]));
    const double t =
        maxDepth <= 1 ? 1.0 : double(std::min(depth, maxDepth) - 1) / double(maxDepth - 1);
    // Start a little inside the scale so depth 1 is still distinguishable from the background.
    const double x = (0.08 + 0.92 * t) * (n - 1);
    const int i = std::clamp(int(std::floor(x)), 0, n - 2);
    const double f = x - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
                            float(a.greenF() + f * (b.greenF() - a.greenF())),
                            float(a.blueF() + f * (b.blueF() - a.blueF())));
}

QColor textColorOn(const QColor& background) {
    // Relative luminance (sRGB weights, no gamma: good enough to pick black or white).
    const double y =
        0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return y > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

CharClass charClassOf(const std::string& token) {
    const QString text = QString::fromStdString(unescaped(token));
    if (text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'))) {
        return CharClass::Newlines;
    }
    if (text.isEmpty()) {
        return CharClass::Punctuation;
    }
    const QChar c = text.front();
    if (c.isLetter()) {
        return CharClass::Letters;
    }
    if (c.isDigit()) {
        return CharClass::Digits;
    }
    if (c.isSpace()) {
        return CharClass::Spaces;
    }
    return CharClass::Punctuation;
}

QString charClassName(CharClass cls) {
    switch (cls) {
    case CharClass::Letters:
        return QCoreApplication::translate("sequence", "letters");
    case CharClass::Digits:
        return QCoreApplication::translate("sequence", "digits");
    case CharClass::Spaces:
        return QCoreApplication::translate("sequence", "spaces");
    case CharClass::Punctuation:
        return QCoreApplication::translate("sequence", "punctuation");
    case CharClass::Newlines:
        return QCoreApplication::translate("sequence", "newlines");
    }
    return {};
}

} // namespace sequence
