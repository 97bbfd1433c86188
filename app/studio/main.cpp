// mor-studio: the desktop workbench. Parses the command line, applies theme and language,
// opens a log and shows the main window; everything else lives in widgets/.
#include "common/engineaccess.h"
#include "common/theme.h"
#include "shell/mainwindow.h"
#include "training/trainingcontroller.h"
#include "training/trainingreplay.h"
#include "training/trainingview.h"

#include "mor/allocator.h"
#include "mor/engine_interface.h"
#include "mor/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <string>

namespace {

/// Every option of mor-studio. Used twice: for --help before any display is needed, and to
/// parse the command line of the real run.
void addStudioOptions(QCommandLineParser& parser) {
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Workbench for Mixture-of-Reflection models"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("log"),
        QCoreApplication::translate("main", "Experiment log to open (default: the user's log)"),
        QStringLiteral("[log.sqlite]"));
    const auto text = [](const char* source) {
        return QCoreApplication::translate("main", source);
    };
    parser.addOptions({
        {QStringLiteral("demo"), text(QT_TRANSLATE_NOOP("main", "Load a bundled demo")),
         QStringLiteral("name")},
        {QStringLiteral("screenshot"),
         text(QT_TRANSLATE_NOOP("main", "Save a picture of the window after 1.5 s and quit")),
         QStringLiteral("file")},
        {QStringLiteral("screenshot-delay"),
         text(QT_TRANSLATE_NOOP("main",
                                "Milliseconds to wait before the screenshot (default 1500)")),
         QStringLiteral("ms"), QStringLiteral("1500")},
        {QStringLiteral("view"),
         text(QT_TRANSLATE_NOOP("main", "View to show: setup, training, stepper, routing, "
                                        "conflicts, compare, sequence, playground, sweeps; "
                                        "name:N also its inner page N (stepper:1)")),
         QStringLiteral("name")},
        {QStringLiteral("theme"), text(QT_TRANSLATE_NOOP("main", "Theme: light or dark")),
         QStringLiteral("name")},
        {QStringLiteral("language"), text(QT_TRANSLATE_NOOP("main", "Language: en or de")),
         QStringLiteral("code")},
        {QStringLiteral("run"), text(QT_TRANSLATE_NOOP("main", "Select this run id")),
         QStringLiteral("id")},
        {QStringLiteral("train"),
         text(QT_TRANSLATE_NOOP("main", "Start training the loaded config right away"))},
        {QStringLiteral("presentation"),
         text(QT_TRANSLATE_NOOP("main", "Start in presentation mode (large fonts)"))},
        {QStringLiteral("size"),
         text(QT_TRANSLATE_NOOP("main",
                                "Window size in pixels, e.g. 1280x800 (for screenshots)")),
         QStringLiteral("WxH")},
        {QStringLiteral("replay"),
         text(QT_TRANSLATE_NOOP("main",
                                "Show the training replay at this evaluation (1 = the first)")),
         QStringLiteral("k")},
    });
}

void setApplicationNames() {
    QCoreApplication::setOrganizationName(QStringLiteral("MoR Studio"));
    QCoreApplication::setApplicationName(QStringLiteral("mor-studio"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(mor::versionString()));
}

} // namespace

int main(int argc, char** argv) {
    mor::tuneAllocator(); // before any tensor: keeps freed activations in the process
    // --version and --help must work without a display (packaging checks, ssh sessions):
    // answer them before QApplication looks for a platform plugin.
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--version" || arg == "-v") {
            std::printf("mor-studio %s\n", mor::versionString().c_str());
            return 0;
        }
        if (arg == "--help" || arg == "-h" || arg == "-?" || arg == "--help-all") {
            QCoreApplication core(argc, argv);
            setApplicationNames();
            QCommandLineParser parser;
            addStudioOptions(parser);
            parser.process(core); // prints the help and exits
            return 0;
        }
    }
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("MoR Studio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/mor-studio.svg")));

    QCommandLineParser parser;
    addStudioOptions(parser);
    parser.process(app);
    const QString demo = QStringLiteral("demo"), screenshot = QStringLiteral("screenshot"),
                  delay = QStringLiteral("screenshot-delay"), view = QStringLiteral("view"),
                  theme = QStringLiteral("theme"), language = QStringLiteral("language"),
                  run = QStringLiteral("run"), train = QStringLiteral("train"),
                  presentation = QStringLiteral("presentation"), size = QStringLiteral("size"),
                  replay = QStringLiteral("replay");

    if (parser.isSet(theme)) {
        common::Theme::apply(parser.value(theme) == QLatin1String("dark")
                                 ? common::Theme::Kind::Dark
                                 : common::Theme::Kind::Light);
    } else {
        common::Theme::apply(common::Theme::stored());
    }

    // Training, tracing and generation in every view: torch code from mor_core, which the
    // widgets library does not link, installed here once.
    common::EngineAccess::install(&mor::localEngine());
    if (parser.isSet(language)) {
        // Stored before the window exists: it builds every view in this language.
        QSettings().setValue(QStringLiteral("ui/language"), parser.value(language));
    }
    shell::MainWindow window;
    window.setLanguage(
        QSettings().value(QStringLiteral("ui/language"), QStringLiteral("en")).toString());
    const QStringList args = parser.positionalArguments();
    const QString logPath = args.isEmpty() ? shell::MainWindow::defaultLogPath() : args.first();
    if (parser.isSet(train)) {
        // A training starts from the open log at once: open it before the window shows.
        if (!window.openLog(logPath, false)) {
            std::fprintf(stderr, "mor-studio: cannot open %s\n", qPrintable(logPath));
        }
    } else {
        // On a thread of its own: a log another process holds (SQLite retries ~10 s per
        // statement) does not keep the window from showing. --run selects its run once the
        // log is listed; a log that cannot be opened says why in a message box.
        window.openLogInBackground(logPath);
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
