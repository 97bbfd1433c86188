// mor-studio: the desktop workbench. Parses the command line, applies theme and language,
// opens a log and shows the main window; everything else lives in widgets/.
#include "mainwindow.h"
#include "sequence/sequenceview.h"
#include "theme.h"
#include "trainingcontroller.h"
#include "trainingreplay.h"
#include "trainingview.h"

#include "mor/sequence.h"
#include "mor/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    // --version must work without a display (packaging checks, ssh sessions): answer it before
    // QApplication looks for a platform plugin.
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--version" || arg == "-v") {
            std::printf("mor-studio %s\n", mor::versionString().c_str());
            return 0;
        }
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MoR Studio"));
    QApplication::setApplicationName(QStringLiteral("mor-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("MoR Studio"));
    QApplication::setApplicationVersion(QString::fromStdString(mor::versionString()));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/mor-studio.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Workbench for Mixture-of-Reflection models"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("log"),
        QApplication::translate("main", "Experiment log to open (default: the user's log)"),
        QStringLiteral("[log.sqlite]"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Load a bundled demo"),
                                  QStringLiteral("name"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save a picture of the window after 1.5 s and quit"),
        QStringLiteral("file"));
    const QCommandLineOption view(
        QStringLiteral("view"),
        QApplication::translate("main",
                                "View to show: setup, training, stepper, routing, conflicts, "
                                "compare, sequence"),
        QStringLiteral("name"));
    const QCommandLineOption theme(QStringLiteral("theme"),
                                   QApplication::translate("main", "Theme: light or dark"),
                                   QStringLiteral("name"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QApplication::translate("main", "Language: en or de"),
                                      QStringLiteral("code"));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QApplication::translate("main", "Select this run id"),
                                 QStringLiteral("id"));
    const QCommandLineOption delay(
        QStringLiteral("screenshot-delay"),
        QApplication::translate("main",
                                "Milliseconds to wait before the screenshot (default 1500)"),
        QStringLiteral("ms"), QStringLiteral("1500"));
    const QCommandLineOption train(
        QStringLiteral("train"),
        QApplication::translate("main", "Start training the loaded config right away"));
    const QCommandLineOption presentation(
        QStringLiteral("presentation"),
        QApplication::translate("main", "Start in presentation mode (large fonts)"));
    const QCommandLineOption size(
        QStringLiteral("size"),
        QApplication::translate("main", "Window size in pixels, e.g. 1280x800 (for screenshots)"),
        QStringLiteral("WxH"));
    const QCommandLineOption replay(
        QStringLiteral("replay"),
        QApplication::translate("main",
                                "Show the training replay at this evaluation (1 = the first)"),
        QStringLiteral("k"));
    parser.addOptions({demo, screenshot, delay, view, theme, language, run, train, presentation,
                       size, replay});
    parser.process(app);

    if (parser.isSet(theme)) {
        Theme::apply(parser.value(theme) == QLatin1String("dark") ? Theme::Kind::Dark
                                                                  : Theme::Kind::Light);
    } else {
        Theme::apply(Theme::stored());
    }

    // The sequence view traces typed text through a run's checkpoint: torch code from mor_core,
    // which the widgets library does not link, injected here.
    SequenceView::setDefaultTextTracer(&mor::traceSequenceCheckpoint);
    MainWindow window;
    window.setLanguage(parser.isSet(language) ? parser.value(language) : [] {
        return QSettings().value(QStringLiteral("ui/language"), QStringLiteral("en")).toString();
    }());
    const QStringList args = parser.positionalArguments();
    const QString logPath = args.isEmpty() ? MainWindow::defaultLogPath() : args.first();
    if (!window.openLog(logPath, false)) {
        std::fprintf(stderr, "mor-studio: cannot open %s\n", qPrintable(logPath));
    }
    if (parser.isSet(demo) && !window.loadDemo(parser.value(demo))) {
        std::fprintf(stderr, "mor-studio: no demo named %s\n", qPrintable(parser.value(demo)));
    }
    if (parser.isSet(run)) {
        window.selectRun(parser.value(run).toLongLong());
    }
    if (parser.isSet(view) && !window.showView(parser.value(view))) {
        std::fprintf(stderr, "mor-studio: unknown view %s\n", qPrintable(parser.value(view)));
    }
    if (parser.isSet(presentation)) {
        window.setPresentationMode(true);
    }
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
        if (wh.size() != 2 || w < 320 || h < 240) {
            std::fprintf(stderr, "mor-studio: --size wants WIDTHxHEIGHT, e.g. 1280x800\n");
            return 2;
        }
        window.resize(w, h);
    }
    if (parser.isSet(replay)) {
        window.trainingView()->replay()->setPosition(parser.value(replay).toInt() - 1);
    }
    window.show();
    if (parser.isSet(train)) {
        window.startTraining();
        if (parser.isSet(view)) {
            window.showView(parser.value(view));
        }
    }

    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        const int ms = std::max(0, parser.value(delay).toInt());
        QTimer::singleShot(ms, &window, [&window, file] {
            const bool ok = window.grab().save(file);
            std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "saved" : "cannot save",
                         qPrintable(file));
            window.controller()->stop(); // a --train run ends as "stopped"
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return QApplication::exec();
}
