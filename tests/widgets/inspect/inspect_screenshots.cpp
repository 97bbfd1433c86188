// Grabs each inspect view to PNG, for looking at them and for the README.
//   QT_QPA_PLATFORM=offscreen ./inspect_screenshots OUTDIR [LOG.sqlite [RUN_ID [WxH]]]
// Without a log it writes the hand-made fixture run into a temporary one.
#include "inspectfixture.h"

#include "inspect/conflictview.h"
#include "inspect/reflectionstepperview.h"
#include "inspect/routingview.h"

#include <mor/log_reader.h>

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace {
bool save(QWidget& view, const QString& file) {
    view.show();
    QEventLoop loop; // let queued replots and layouts run
    QTimer::singleShot(200, &loop, &QEventLoop::quit);
    loop.exec();
    const bool ok = view.grab().save(file);
    std::printf("%s %s\n", ok ? "wrote" : "FAILED", qPrintable(file));
    return ok;
}
} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const QString out = argc > 1 ? QString(argv[1]) : QString(".");
    QDir().mkpath(out);
    QTemporaryDir temp;
    std::string path = argc > 2 ? argv[2] : temp.filePath("fixture.sqlite").toStdString();
    std::string error;
    int64_t runId = argc > 3 ? std::atoll(argv[3]) : -1;
    if (argc <= 2) {
        runId = inspect_test::writeFixtureRun(path, {}, &error).runId;
    }
    auto opened = mor::LogReader::open(path);
    if (!opened) {
        std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), opened.error().c_str());
        return 1;
    }
    std::shared_ptr<const mor::LogReader> reader =
        std::make_shared<const mor::LogReader>(std::move(opened).value());
    if (runId < 0) {
        const auto runs = reader->runs();
        for (const auto& r : runs) {
            if (!reader->traceSteps(r.id).empty()) {
                runId = r.id; // newest run with traces wins (runs() order is newest last)
            }
        }
    }
    std::printf("log %s run %lld\n", path.c_str(), (long long)runId);

    // Optional 4th argument WIDTHxHEIGHT, to check the views at small window sizes.
    QSize size(1400, 900);
    if (argc > 4) {
        const QStringList wh = QString(argv[4]).split('x');
        size = QSize(wh.value(0).toInt(), wh.value(1).toInt()).expandedTo(QSize(400, 300));
    }
    inspect::ReflectionStepperView stepper;
    stepper.resize(size);
    stepper.setRun(reader, runId);
    // An interesting input: conflicted at the newest evaluation that has conflicts (the one
    // whose experts reflected longest), else the first input of the newest evaluation.
    const auto steps = reader->traceSteps(runId);
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
        const auto conflicts = reader->conflicts(runId, *step);
        if (!conflicts.empty()) {
            stepper.showSample(*step, conflicts.front().sampleId);
            break;
        }
    }
    stepper.setCurrentStep(1);
    bool ok = save(stepper, out + "/stepper.png");
    stepper.setCurrentStep(stepper.stepCount() - 1);
    ok = save(stepper, out + "/stepper_integration.png") && ok;

    inspect::RoutingView routing;
    routing.resize(size);
    routing.setRun(reader, runId);
    ok = save(routing, out + "/routing.png") && ok;

    inspect::ConflictView conflicts;
    conflicts.resize(size);
    conflicts.setRun(reader, runId);
    ok = save(conflicts, out + "/conflicts.png") && ok;
    return ok ? 0 : 1;
}
