#include "languagemanager.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>

LanguageManager::LanguageManager(QObject* parent) : QObject(parent) {}

QStringList LanguageManager::available() {
    return {QStringLiteral("en"), QStringLiteral("de")};
}

QString LanguageManager::displayName(const QString& code) {
    if (code == QLatin1String("en")) {
        return QStringLiteral("English"); // nativeLanguageName() says "American English"
    }
    const QString name = QLocale(code).nativeLanguageName();
    return name.isEmpty() ? code : name.left(1).toUpper() + name.mid(1);
}

bool LanguageManager::setLanguage(const QString& code) {
    if (m_installed) {
        QCoreApplication::removeTranslator(&m_translator);
        m_installed = false;
    }
    bool ok = true;
    if (code != QLatin1String("en")) {
        // mor-studio embeds the .qm files under :/i18n (qt_add_translations); a directory in
        // $MOR_TRANSLATIONS_DIR (tests, development) is the fallback.
        const QString file = QStringLiteral("mor_studio_%1.qm").arg(code);
        ok = m_translator.load(QStringLiteral(":/i18n/") + file);
        const QString dir = qEnvironmentVariable("MOR_TRANSLATIONS_DIR");
        if (!ok && !dir.isEmpty()) {
            ok = m_translator.load(file, dir);
        }
        if (ok) {
            m_installed = QCoreApplication::installTranslator(&m_translator);
        }
    }
    m_code = ok ? code : QStringLiteral("en");
    QSettings().setValue(QStringLiteral("ui/language"), m_code);
    return ok;
}

QString LanguageManager::stored() {
    return QSettings().value(QStringLiteral("ui/language"), QStringLiteral("en")).toString();
}
