#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// A plot title of "name value  ·  name value  ·  …" parts that wraps to its plot's width at the
// separators and never widens the plot. A one-line title set the plot's minimum width: in the
// stepper's scroll area at 1280x800 the panels became wider than the view, and the ends of
// their titles (the uncertainty u, the one-expert note) and the legends were cut off.
#include <qcustomplot.h>

#include <QFontMetrics>
#include <QStringList>

#include <algorithm>

namespace inspect {

class WrappedTitle : public QCPTextElement {
public:
    using QCPTextElement::QCPTextElement;

    QSize minimumOuterSizeHint() const override {
        return {0, QCPTextElement::minimumOuterSizeHint().height()};
    }

    /// Shows `text` (lines broken at "\n" kept) in lines of whole parts that fit `width` px;
    /// true when what is shown changed.
    bool setWrappedText(const QString& text, int width) {
        static const QString separator = QStringLiteral("  ·  ");
        const QFontMetrics metrics(font());
        const int room = std::max(1, width - 16);
        QStringList lines;
        for (const QString& given : text.split(QLatin1Char('\n'))) {
            QString line;
            for (const QString& part : given.split(separator, Qt::SkipEmptyParts)) {
                const QString longer = line.isEmpty() ? part : line + separator + part;
                if (!line.isEmpty() && metrics.horizontalAdvance(longer) > room) {
                    lines << line;
                    line = part;
                } else {
                    line = longer;
                }
            }
            lines << line;
        }
        const QString shown = lines.join(QLatin1Char('\n'));
        if (shown == this->text()) {
            return false;
        }
        setText(shown);
        return true;
    }
};

} // namespace inspect
