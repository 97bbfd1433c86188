#include "shell/languagemanager.h"

#include "common/demolibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QSettings>

namespace shell {

namespace {
/// The whole .qm file (empty when it cannot be read).
QByteArray languageQmBytes(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}
} // namespace

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
        // Read into memory, never mapped: QTranslator maps a .qm on disk, and a build that
        // rewrites it under a running app (tests, development) ended in SIGBUS (issue 21).
        const QString file = QStringLiteral("mor_studio_%1.qm").arg(code);
        QByteArray bytes = languageQmBytes(QStringLiteral(":/i18n/") + file);
        const QString dir = qEnvironmentVariable("MOR_TRANSLATIONS_DIR");
        if (bytes.isEmpty() && !dir.isEmpty()) {
            bytes = languageQmBytes(QDir(dir).filePath(file));
        }
        // load() drops the old data before it reads the new: only then is m_qm replaced (the
        // translator reads from the buffer it was given, which must outlive it).
        ok = false;
        if (!bytes.isEmpty()) {
            ok = m_translator.load(reinterpret_cast<const uchar*>(bytes.constData()),
                                   int(bytes.size()));
            m_qm = bytes;
        }
        if (ok) {
            m_installed = QCoreApplication::installTranslator(&m_translator);
        }
    }
    m_code = ok ? code : QStringLiteral("en");
    // The views read lessons again on the LanguageChange that installing the translator posted.
    common::DemoLibrary::setLessonLanguage(m_code);
    QSettings().setValue(QStringLiteral("ui/language"), m_code);
    return ok;
}

QString LanguageManager::stored() {
    return QSettings().value(QStringLiteral("ui/language"), QStringLiteral("en")).toString();
}

} // namespace shell
