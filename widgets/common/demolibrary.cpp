#include "common/demolibrary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#ifndef MOR_SOURCE_DIR
#define MOR_SOURCE_DIR ""
#endif

namespace common {

namespace {
QString& demoLessonLanguage() {
    static QString code = QStringLiteral("en");
    return code;
}
} // namespace

QString DemoInfo::lesson() const {
    if (lessonPath.isEmpty()) {
        return {};
    }
    QString path = lessonPath;
    const QString code = DemoLibrary::lessonLanguage();
    if (code != QLatin1String("en") && lessonPath.endsWith(QLatin1String(".md"))) {
        const QString translated = lessonPath.chopped(3) + QLatin1Char('.') + code +
                                   QStringLiteral(".md");
        if (QFileInfo::exists(translated)) {
            path = translated;
        }
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

namespace DemoLibrary {

void setLessonLanguage(const QString& code) {
    demoLessonLanguage() = code.isEmpty() ? QStringLiteral("en") : code;
}

QString lessonLanguage() {
    return demoLessonLanguage();
}

QString directory() {
    const QString env = qEnvironmentVariable("MOR_DEMO_DIR");
    if (!env.isEmpty() && QDir(env).exists()) {
        return QDir(env).absolutePath();
    }
    const QString installed =
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/mor-studio/demos");
    if (QDir(installed).exists()) {
        return QDir(installed).absolutePath();
    }
    const QString source = QStringLiteral(MOR_SOURCE_DIR "/resources/demos");
    if (QDir(source).exists()) {
        return QDir(source).absolutePath();
    }
    return {};
}

QList<DemoInfo> demos() {
    QList<DemoInfo> result;
    const QString dir = directory();
    if (dir.isEmpty()) {
        return result;
    }
    const auto files = QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files);
    for (const QFileInfo& info : files) {
        QFile file(info.absoluteFilePath());
        if (!file.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
        DemoInfo demo;
        demo.name = object.value(QStringLiteral("name")).toString(info.completeBaseName());
        if (demo.name.isEmpty()) {
            demo.name = info.completeBaseName();
        }
        demo.description = object.value(QStringLiteral("description")).toString();
        demo.jsonPath = info.absoluteFilePath();
        for (const QString& base : {demo.name, info.completeBaseName()}) {
            const QString md = QDir(dir).filePath(base + QStringLiteral(".md"));
            if (QFileInfo::exists(md)) {
                demo.lessonPath = md;
                break;
            }
        }
        result.append(demo);
    }
    std::sort(result.begin(), result.end(),
              [](const DemoInfo& a, const DemoInfo& b) { return a.name < b.name; });
    return result;
}

DemoInfo find(const QString& name) {
    for (const DemoInfo& demo : demos()) {
        if (demo.name == name || QFileInfo(demo.jsonPath).completeBaseName() == name) {
            return demo;
        }
    }
    return {};
}

} // namespace DemoLibrary

} // namespace common
