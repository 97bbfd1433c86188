#pragma once
// One undoable edit of the setup view: the whole config before and after. Consecutive edits
// of the same field merge, so typing "128" into a spin box is one undo step.
#include "mor/config.h"

#include <QString>
#include <QUndoCommand>

#include <functional>

namespace setup {

class SetupCommand : public QUndoCommand {
public:
    using Apply = std::function<void(const mor::ExperimentConfig&)>;
    /// `field` names the edited field (merge key); empty: never merges (presets, experts).
    SetupCommand(const QString& text, const QString& field, mor::ExperimentConfig before,
                 mor::ExperimentConfig after, Apply apply);
    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    QString m_field;
    mor::ExperimentConfig m_before;
    mor::ExperimentConfig m_after;
    Apply m_apply;
};

} // namespace setup
