#pragma once
// The tokens of one traced sequence as a list model: display text with visible whitespace,
// background in the colour of the token's recursion depth, and a tooltip with target,
// prediction, loss, depth and the router's score at every recursion.
#include "sequence/sequencestats.h"

#include <mor/token_trace.h>

#include <QAbstractListModel>

namespace sequence {

class TokenDepthModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        DepthRole = Qt::UserRole + 1, ///< int: recursions of the token
        TokenTextRole,                ///< QString: the raw token text
        IsNewlineRole,                ///< bool: the token ends a line
        RouterScoresRole,             ///< QVariantList of double, r = 1..maxRecursions
        /// Mixture-of-Depths: QVariantList of bool per block (true = the token went through it);
        /// empty for other routings or when the log did not record the skipped blocks.
        BlockMaskRole,
    };

    explicit TokenDepthModel(QObject* parent = nullptr);

    /// Shows `trace`; `vocabulary` names predicted token ids in the tooltips.
    void setTrace(const mor::TokenTrace& trace, const Vocabulary& vocabulary = {});
    void clear();
    const mor::TokenTrace& trace() const { return m_trace; }
    const Vocabulary& vocabulary() const { return m_vocabulary; }
    /// Depth scale of the colours: the trace's maxRecursions (or its deepest token).
    int maxDepth() const { return m_maxDepth; }
    /// The run's model.recursion.depth_every (depthEveryOf): a Mixture-of-Depths block without a
    /// router is left out of a token's router scores (the trace stores 1 there).
    void setDepthEvery(int depthEvery) { m_depthEvery = depthEvery < 1 ? 1 : depthEvery; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

    /// The tooltip of token `row` (plain text, one fact per line).
    QString tooltip(int row) const;

private:
    mor::TokenTrace m_trace;
    Vocabulary m_vocabulary;
    int m_maxDepth = 0;
    int m_depthEvery = 1;
};

} // namespace sequence
