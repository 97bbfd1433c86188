#pragma once
// Filters the conflict table by free text (any column), "wrong only" and evaluation step.
#include <QSortFilterProxyModel>

namespace inspect {

class ConflictFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ConflictFilterProxy(QObject* parent = nullptr);
    void setText(const QString& text);
    void setWrongOnly(bool on);
    /// Only conflicts of evaluation step `step`; -1 shows every step.
    void setStep(qint64 step);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    bool m_wrongOnly = false;
    qint64 m_step = -1;
};

} // namespace inspect
