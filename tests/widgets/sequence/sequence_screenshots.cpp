// Grabs the sequence view of a logged run to PNG, for looking at it and for the README:
//   QT_QPA_PLATFORM=offscreen ./sequence_screenshots OUT.png LOG.sqlite RUN_ID
//       [--text "typed text"] [--theme dark] [--size 1280x820] [--sequence N]
// It opens the token whose target probability rises most over its recursions in the stepper,
// at its last recursion; with --text the text is first traced through the run's checkpoint.
#include "common/stepcursorbar.h"
#include "common/theme.h"
#include "sequence/recursionstepper.h"
#include "sequence/sequenceview.h"

#include <mor/log_reader.h>

#include <QApplication>
#include <QComboBox>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4) {
        std::fprintf(stderr, "usage: sequence_screenshots OUT.png LOG.sqlite RUN_ID [--text T] "
                             "[--theme dark] [--size WxH] [--sequence N]\n");
        return 2;
    }
    auto option = [&](const QString& name) {
        const int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : QString();
    };
    common::Theme::apply(option("--theme") == QLatin1String("dark") ? common::Theme::Kind::Dark
                                                            : common::Theme::Kind::Light);
    auto opened = mor::LogReader::open(args[2].toStdString());
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().c_str());
        return 1;
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(std::move(opened).value());
    // Typed text is traced by mor::localEngine(), installed before main() by linking
    // mor_widgets_local_engine (tests/widgets/CMakeLists.txt).
    sequence::SequenceView view;
    const QStringList size =
        (option("--size").isEmpty() ? QStringLiteral("1280x820") : option("--size"))
            .split(QLatin1Char('x'));
    view.resize(size.value(0).toInt(), size.value(1).toInt());
    view.setRun(reader, args[3].toLongLong());
    view.show();
    if (!option("--sequence").isEmpty()) {
        view.findChild<QComboBox*>("sequenceCombo")->setCurrentIndex(option("--sequence").toInt());
    }
    if (!option("--text").isEmpty()) {
        QEventLoop wait;
        QObject::connect(&view, &sequence::SequenceView::textTraced, &wait, &QEventLoop::quit);
        if (!view.traceText(option("--text"))) {
            std::fprintf(stderr, "cannot trace text\n");
            return 1;
        }
        wait.exec();
    }
    if (const mor::TokenTrace* trace = view.currentTrace()) {
        int best = -1;
        double rise = -1.0;
        for (size_t i = 0; i < trace->tokens.size(); ++i) {
            const auto& p = trace->tokens[i].recursionTargetProbs;
            if (trace->tokens[i].target >= 0 && p.size() >= 2 && p.back() - p.front() > rise) {
                rise = double(p.back() - p.front());
                best = int(i);
            }
        }
        if (best >= 0) {
            view.selectToken(best);
            view.recursionStepper()->setRecursion(view.recursionStepper()->depth());
        }
    }
    QEventLoop settle; // queued replots and layouts
    QTimer::singleShot(300, &settle, &QEventLoop::quit);
    settle.exec();
    const bool ok = view.grab().save(args[1]);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(args[1]));
    return ok ? 0 : 1;
}
