// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequence/recursionladder.h"

#include "sequence/tokenstyle.h"

#include <QCoreApplication>

namespace sequence {

int ladderRows(const mor::TokenTrace& trace) {
    if (trace.routing == "mixture_of_depths" || trace.maxRecursions < 2) {
        return 0;
    }
    for (const mor::TokenStep& t : trace.tokens) {
        if (!t.recursionPreds.empty()) {
            return trace.maxRecursions;
        }
    }
    return 0;
}

LadderCell ladderCell(const mor::TokenStep& t, int r, const Vocabulary& vocabulary) {
    LadderCell cell;
    if (r < 1 || r > t.depth || size_t(r) > t.recursionPreds.size()) {
        return cell;
    }
    const int64_t pred = t.recursionPreds[size_t(r - 1)];
    cell.exists = true;
    const auto it = vocabulary.find(pred);
    cell.text = pred < 0                  ? QStringLiteral("—")
                : it != vocabulary.end() ? displayText(it->second)
                                         : QStringLiteral("#%1").arg(pred);
    cell.verdict = t.target < 0 ? -1 : pred == t.target ? 1 : 0;
    cell.targetProb = t.target >= 0 && size_t(r) <= t.recursionTargetProbs.size()
                          ? double(t.recursionTargetProbs[size_t(r - 1)])
                          : 0.0;
    cell.routerScore =
        size_t(r) <= t.routerScores.size() ? double(t.routerScores[size_t(r - 1)]) : 0.0;
    cell.last = r == t.depth;
    return cell;
}

QColor ladderFill(int verdict) {
    return verdict == 1   ? QColor(0xa6, 0xdb, 0xa0)
           : verdict == 0 ? QColor(0xc2, 0xa5, 0xcf)
                          : QColor(Qt::transparent);
}

QColor ladderBar(int verdict) {
    return verdict == 1   ? QColor(0x1b, 0x78, 0x37)
           : verdict == 0 ? QColor(0x76, 0x2a, 0x83)
                          : QColor(0x73, 0x73, 0x73);
}

QString ladderTooltip(const mor::TokenStep& t, int r, const Vocabulary& vocabulary) {
    const LadderCell cell = ladderCell(t, r, vocabulary);
    if (!cell.exists) {
        return {};
    }
    QStringList lines;
    lines << QCoreApplication::translate("sequence", "Token %1 after recursion %2 of %3")
                 .arg(quoted(t.text))
                 .arg(r)
                 .arg(t.depth);
    const QString pred = tokenName(vocabulary, t.recursionPreds[size_t(r - 1)]);
    lines << (cell.verdict == 1
                  ? QCoreApplication::translate("sequence", "Prediction: %1 (right)").arg(pred)
              : cell.verdict == 0
                  ? QCoreApplication::translate("sequence", "Prediction: %1 (wrong; target %2)")
                        .arg(pred, quoted(t.targetText))
                  : QCoreApplication::translate("sequence",
                                                "Prediction: %1 (no target at this position)")
                        .arg(pred));
    if (cell.verdict >= 0) {
        lines << QCoreApplication::translate("sequence", "Target probability: %1")
                     .arg(cell.targetProb, 0, 'f', 3);
    }
    lines << QCoreApplication::translate("sequence", "Router score: %1")
                 .arg(cell.routerScore, 0, 'f', 3);
    lines << (cell.last
                  ? QCoreApplication::translate("sequence",
                                                "The token leaves here: this is its answer")
                  : QCoreApplication::translate("sequence", "The token continued to recursion %1")
                        .arg(r + 1));
    return lines.join(QLatin1Char('\n'));
}

} // namespace sequence
