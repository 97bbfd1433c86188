#pragma once
// The bundled demo experiments (resources/demos/*.json with a lesson <name>.md beside each).
#include <QList>
#include <QString>

namespace common {

struct DemoInfo {
    QString name;        ///< "name" of the JSON (also its file base name)
    QString description; ///< "description" of the JSON
    QString jsonPath;
    QString lessonPath; ///< empty when the demo has no lesson
    /// The lesson's Markdown text (empty when none): in the lesson language, <name>.<code>.md
    /// beside lessonPath, where that file exists; else lessonPath, the English one.
    QString lesson() const;
};

namespace DemoLibrary {

/// Where the demos are: $MOR_DEMO_DIR, else <exe dir>/../share/mor-studio/demos, else the
/// source tree. Empty when none of them exists.
QString directory();
/// Every demo found, sorted by name.
QList<DemoInfo> demos();
/// The demo named `name` (by "name" field or file base name); name empty when not found.
DemoInfo find(const QString& name);
/// The language lessons are read in ("en", "de"); the language manager sets it with the
/// user-interface language. "en" until then.
void setLessonLanguage(const QString& code);
QString lessonLanguage();

} // namespace DemoLibrary

} // namespace common
