#include "sequence/tokendepthmodel.h"

#include "sequence/depthblocks.h"
#include "sequence/tokenstyle.h"

#include <QStringList>

#include <algorithm>

namespace sequence {

TokenDepthModel::TokenDepthModel(QObject* parent) : QAbstractListModel(parent) {}

void TokenDepthModel::setTrace(const mor::TokenTrace& trace, const Vocabulary& vocabulary) {
    beginResetModel();
    m_trace = trace;
    m_vocabulary = vocabulary;
    m_maxDepth = maxDepthOf({trace});
    endResetModel();
}

void TokenDepthModel::clear() {
    setTrace({});
}

int TokenDepthModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_trace.tokens.size());
}

QVariant TokenDepthModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) {
        return {};
    }
    const mor::TokenStep& token = m_trace.tokens[size_t(index.row())];
    // Mixture-of-Depths: coloured by the blocks the token went through (read from its skipped
    // blocks when recorded); the other routings by their recursion depth.
    const int shade = isMixtureOfDepths(m_trace) ? blocksUsed(m_trace, token) : token.depth;
    switch (role) {
    case Qt::DisplayRole:
        return displayText(token.text);
    case Qt::BackgroundRole:
        return depthColor(shade, m_maxDepth);
    case Qt::ForegroundRole:
        return textColorOn(depthColor(shade, m_maxDepth));
    case Qt::ToolTipRole:
        return tooltip(index.row());
    case DepthRole:
        return token.depth;
    case TokenTextRole:
        return QString::fromStdString(token.text);
    case IsNewlineRole:
        return charClassOf(token.text) == CharClass::Newlines;
    case RouterScoresRole: {
        QVariantList scores;
        for (float s : token.routerScores) {
            scores << double(s);
        }
        return scores;
    }
    case BlockMaskRole: {
        QVariantList used;
        if (isMixtureOfDepths(m_trace)) {
            for (bool b : blockMask(m_trace, token)) {
                used << b;
            }
        }
        return used;
    }
    default:
        return {};
    }
}

QString TokenDepthModel::tooltip(int row) const {
    if (row < 0 || row >= rowCount()) {
        return {};
    }
    const mor::TokenStep& token = m_trace.tokens[size_t(row)];
    QStringList lines;
    lines << tr("Token %1: %2").arg(row).arg(quoted(token.text));
    if (token.target >= 0) {
        lines << tr("Target: %1")
                     .arg(token.targetText.empty() ? tokenName(m_vocabulary, token.target)
                                                   : quoted(token.targetText));
        lines << (token.pred == token.target
                      ? tr("Prediction: %1 (right)").arg(tokenName(m_vocabulary, token.pred))
                      : tr("Prediction: %1 (wrong)").arg(tokenName(m_vocabulary, token.pred)));
        lines << tr("Loss: %1 nats").arg(QString::number(double(token.loss), 'f', 3));
    } else {
        lines << tr("No target at this position");
    }
    if (isMixtureOfDepths(m_trace)) {
        lines << tr("Blocks used: %1 of %2").arg(blocksUsed(m_trace, token)).arg(m_maxDepth);
        lines << tr("Skipped blocks: %1").arg(DepthBlocks::skippedText(m_trace, token));
    } else {
        lines << tr("Depth: %1 of %2 recursions").arg(token.depth).arg(m_maxDepth);
    }
    if (token.difficulty >= 0 && size_t(token.difficulty) < m_trace.difficultyNames.size()) {
        lines << tr("Class: %1")
                     .arg(difficultyClassName(m_trace.difficultyNames[size_t(token.difficulty)]));
    }
    QStringList scores;
    for (size_t r = 0; r < token.routerScores.size(); ++r) {
        if (!mor::routerScored(m_trace, token, int64_t(r), m_depthEvery)) {
            continue; // no router here (a block without one, a token that had left, no router)
        }
        scores << (isMixtureOfDepths(m_trace) ? tr("b%1 %2") : tr("r%1 %2"))
                      .arg(r + 1)
                      .arg(QString::number(
                          double(mor::routerValue(m_trace, token, r)), 'f',
                          3));
    }
    const QString list = scores.isEmpty() ? tr("none") : scores.join(QStringLiteral(", "));
    lines << (isMixtureOfDepths(m_trace) ? tr("Router scores per block: %1").arg(list)
              : !mor::hasRouter(m_trace)
                  ? tr("Router: none (routing “%1”)").arg(QString::fromStdString(m_trace.routing))
              : m_trace.routing == "token_choice"
                  ? tr("Router's P(depth = r), chosen before r1: %1").arg(list)
                  : tr("Router scores: %1").arg(list));
    return lines.join(QLatin1Char('\n'));
}

} // namespace sequence
