#include "setup/setupcommand.h"

namespace setup {

SetupCommand::SetupCommand(const QString& text, const QString& field, mor::ExperimentConfig before,
                           mor::ExperimentConfig after, Apply apply)
    : QUndoCommand(text), m_field(field), m_before(std::move(before)), m_after(std::move(after)),
      m_apply(std::move(apply)) {}

void SetupCommand::undo() {
    m_apply(m_before);
}

void SetupCommand::redo() {
    m_apply(m_after);
}

int SetupCommand::id() const {
    return m_field.isEmpty() ? -1 : 1;
}

bool SetupCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = static_cast<const SetupCommand*>(other);
    if (next->m_field != m_field) {
        return false;
    }
    m_after = next->m_after;
    return true;
}

} // namespace setup
