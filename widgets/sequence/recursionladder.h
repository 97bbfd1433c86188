// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The recursion ladder under each token of the Sequence view: one cell per recursion r the token
// went through, with what the model would have predicted had the token left after r (right or
// wrong against the target) and the target's probability then, so that where extra recursions
// turned a wrong answer into a right one reads across a whole sequence at once. The rules here
// are shared by the token flow (painting, hit tests) and its tests.
#include "sequence/sequencestats.h"

#include <mor/token_trace.h>

#include <QColor>
#include <QString>

namespace sequence {

/// Rows of the ladder for `trace`: its maxRecursions when at least two recursions and some
/// token with a prediction per recursion; 0 for Mixture-of-Depths (its blocks have their own
/// marks), vanilla and fixed single-recursion traces.
int ladderRows(const mor::TokenTrace& trace);

/// What a cell says about token `t` after recursion `r` (1-based).
struct LadderCell {
    bool exists = false;   ///< the token went through recursion r and its prediction is known
    QString text;          ///< the prediction's display text ("#id" when the vocabulary lacks it)
    int verdict = -1;      ///< 1 right, 0 wrong, -1 no target at this position
    double targetProb = 0; ///< probability of the target after r (0 when there is no target)
    double routerScore = 0;
    bool last = false; ///< r is the token's depth: the prediction it leaves with
};
LadderCell ladderCell(const mor::TokenStep& t, int r, const Vocabulary& vocabulary);

/// Cell fill by verdict: green right, purple wrong (ColorBrewer PRGn, which reads apart for
/// common colour blindness), none (transparent) without a target; the bar of target
/// probability in the darker shade of the same hue.
QColor ladderFill(int verdict);
QColor ladderBar(int verdict);

/// The cell's tooltip: recursion, prediction and verdict, target probability, router score.
QString ladderTooltip(const mor::TokenStep& t, int r, const Vocabulary& vocabulary);

} // namespace sequence
