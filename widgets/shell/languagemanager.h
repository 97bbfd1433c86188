#pragma once
// Switches the user-interface language at run time: installs a QTranslator with the
// embedded mor_studio_<lang>.qm; every widget retranslates on QEvent::LanguageChange.
#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <QTranslator>

namespace shell {

class LanguageManager : public QObject {
    Q_OBJECT
public:
    explicit LanguageManager(QObject* parent = nullptr);
    /// Language codes offered in the menu ("en" is the source language).
    static QStringList available();
    /// Native name of a language ("Deutsch").
    static QString displayName(const QString& code);
    /// Installs the translation for `code` (or removes it for "en"); persisted in QSettings.
    bool setLanguage(const QString& code);
    QString language() const { return m_code; }
    /// The language stored in QSettings ("ui/language"), else "en".
    static QString stored();

private:
    QTranslator m_translator;
    QByteArray m_qm; ///< the loaded .qm, in memory (the translator reads it while installed)
    bool m_installed = false;
    QString m_code = QStringLiteral("en");
};

} // namespace shell
