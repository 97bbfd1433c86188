// SPDX-License-Identifier: GPL-3.0-or-later
// Presets: "preset1" is written as preset1.json (what Load's *.json filter lists) and loads
// back; Save is confirmed in the window's status bar; the preset box shows a demo's name only
// while the config is still that demo's. The router's input, objective and gate rows show a
// demo's values and edit the config's enums.
#include "common/demolibrary.h"
#include "setup/setupview.h"
#include "shell/mainwindow.h"

#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

class TstSetupPresets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void savedNameGetsTheJsonSuffix_data();
    void savedNameGetsTheJsonSuffix();
    void saveIsConfirmedInTheStatusBar();
    void presetBoxForgetsTheDemoAfterAnEdit();
    void loadingAFileClearsTheDemoName();
    void recursionPresetSavesAndLoadsBack();
    void routerObjectiveGateAndInputRowsEditTheConfig();
};

void TstSetupPresets::initTestCase() {
    QCoreApplication::setOrganizationName(QStringLiteral("mor-studio-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_setup_presets"));
    QSettings().clear();
    QVERIFY(!common::DemoLibrary::demos().isEmpty());
}

void TstSetupPresets::savedNameGetsTheJsonSuffix_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("written");
    QTest::newRow("bare name") << "preset1" << "preset1.json";
    QTest::newRow("with .json") << "preset2.json" << "preset2.json";
    QTest::newRow("upper-case suffix") << "preset3.JSON" << "preset3.JSON";
    QTest::newRow("other dot") << "v1.2" << "v1.2.json";
}

void TstSetupPresets::savedNameGetsTheJsonSuffix() {
    QFETCH(QString, typed);
    QFETCH(QString, written);
    QTemporaryDir dir;
    setup::SetupView view;
    mor::ExperimentConfig config = view.config();
    config.name = "saved-" + typed.toStdString();
    view.setConfig(config);
    QSignalSpy saved(&view, &setup::SetupView::presetSaved);
    QString error;
    QVERIFY2(view.savePreset(dir.filePath(typed), &error), qPrintable(error));
    QCOMPARE(saved.count(), 1);
    QCOMPARE(saved.first().first().toString(), dir.filePath(written));
    // Exactly one file, and the Load dialog's filter (*.json) lists it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{written});
    QCOMPARE(QDir(dir.path()).entryList({QStringLiteral("*.json")}, QDir::Files),
             QStringList{written});
    setup::SetupView other;
    QVERIFY2(other.loadPreset(dir.filePath(written), &error), qPrintable(error));
    QCOMPARE(other.config().name, config.name);
}

void TstSetupPresets::saveIsConfirmedInTheStatusBar() {
    QTemporaryDir dir;
    shell::MainWindow window;
    QString error;
    QVERIFY(window.setupView()->savePreset(dir.filePath(QStringLiteral("preset1")), &error));
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("preset1.json")), qPrintable(message));
    QVERIFY2(message.startsWith(QStringLiteral("Preset saved")), qPrintable(message));
}

void TstSetupPresets::presetBoxForgetsTheDemoAfterAnEdit() {
    setup::SetupView view;
    const QString demo = common::DemoLibrary::demos().first().name;
    QVERIFY(view.loadDemo(demo));
    QCOMPARE(view.presetBox()->currentText(), demo);
    mor::ExperimentConfig edited = view.config();
    edited.name += "-edited";
    view.setConfig(edited, QStringLiteral("Edit name"));
    QCOMPARE(view.presetBox()->currentIndex(), 0); // "Choose a demo…", not the old name
    view.undoStack()->undo();                      // back to the demo as loaded
    QCOMPARE(view.presetBox()->currentText(), demo);
    view.undoStack()->redo();
    QCOMPARE(view.presetBox()->currentIndex(), 0);
}

void TstSetupPresets::loadingAFileClearsTheDemoName() {
    QTemporaryDir dir;
    setup::SetupView view;
    QString error;
    QVERIFY(view.savePreset(dir.filePath(QStringLiteral("mine")), &error));
    QVERIFY(view.loadDemo(common::DemoLibrary::demos().first().name));
    QVERIFY(view.presetBox()->currentIndex() > 0);
    QVERIFY2(view.loadPreset(dir.filePath(QStringLiteral("mine.json")), &error),
             qPrintable(error));
    QCOMPARE(view.presetBox()->currentIndex(), 0);
}

void TstSetupPresets::recursionPresetSavesAndLoadsBack() {
    // A recursion config edited in the form, saved and loaded into another setup view: the
    // same config, the recursion section shown with the edited values.
    QTemporaryDir dir;
    setup::SetupView view;
    QVERIFY(view.loadDemo(QStringLiteral("recursion-fortunes")));
    auto* routing =
        qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("model.recursion.routing")));
    auto* seqLen = qobject_cast<QSpinBox*>(view.fieldWidget(QStringLiteral("data.seq_len")));
    QVERIFY(routing && seqLen);
    routing->setCurrentIndex(routing->findData(QStringLiteral("token_choice")));
    seqLen->setValue(48);
    QCOMPARE(view.config().model.recursion.routing, mor::RecursionRouting::TokenChoice);
    QCOMPARE(view.config().data.seqLen, int64_t{48});
    QVERIFY(view.isValid());
    QString error;
    QVERIFY2(view.savePreset(dir.filePath(QStringLiteral("mor")), &error), qPrintable(error));

    setup::SetupView other;
    other.resize(1280, 760);
    other.show();
    QVERIFY2(other.loadPreset(dir.filePath(QStringLiteral("mor.json")), &error),
             qPrintable(error));
    QCOMPARE(mor::toJson(other.config()), mor::toJson(view.config()));
    QVERIFY(other.config().model.family == mor::Family::Recursion);
    auto* loaded =
        qobject_cast<QComboBox*>(other.fieldWidget(QStringLiteral("model.recursion.routing")));
    QCOMPARE(loaded->currentData().toString(), QStringLiteral("token_choice"));
    QVERIFY(loaded->isVisibleTo(&other));
    QCOMPARE(qobject_cast<QSpinBox*>(other.fieldWidget(QStringLiteral("data.seq_len")))->value(),
             48);
    QVERIFY(!other.fieldWidget(QStringLiteral("model.router.strategy"))->isVisibleTo(&other));
}

void TstSetupPresets::routerObjectiveGateAndInputRowsEditTheConfig() {
    setup::SetupView view;
    view.resize(1280, 800);
    view.show();
    QVERIFY(view.loadDemo(QStringLiteral("mixed-routing")));
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    auto combo = [&](const char* path) {
        return qobject_cast<QComboBox*>(view.fieldWidget(QString::fromLatin1(path)));
    };
    QComboBox* input = combo("model.router.input");
    QComboBox* objective = combo("model.router.objective");
    QComboBox* gate = combo("model.router.gate");
    QVERIFY(input && objective && gate);
    // Every choice of the config is offered, named as in the JSON.
    QCOMPARE(input->count(), int(mor::routerInputNames().size()));
    QCOMPARE(objective->count(), int(mor::routerObjectiveNames().size()));
    QCOMPARE(gate->count(), int(mor::routerGateNames().size()));
    QVERIFY(objective->findData(QStringLiteral("hard_em")) >= 0);
    // The demo's competing experts with a Gaussian gate on the raw input.
    QCOMPARE(input->currentData().toString(), QStringLiteral("features"));
    QCOMPARE(objective->currentData().toString(), QStringLiteral("mixture_likelihood"));
    QCOMPARE(gate->currentData().toString(), QStringLiteral("gaussian"));
    QVERIFY(input->isVisibleTo(&view) && objective->isVisibleTo(&view) && gate->isVisibleTo(&view));

    gate->setCurrentIndex(gate->findData(QStringLiteral("softmax")));
    objective->setCurrentIndex(objective->findData(QStringLiteral("hard_em")));
    QCOMPARE(view.config().model.router.gate, mor::RouterGate::Softmax);
    QCOMPARE(view.config().model.router.objective, mor::RouterObjective::HardEm);
    QCOMPARE(view.config().model.router.input, mor::RouterInput::Features);
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    // The Gaussian gate without the mixture likelihood: the validator names the gate row.
    gate->setCurrentIndex(gate->findData(QStringLiteral("gaussian")));
    QCOMPARE(view.config().model.router.gate, mor::RouterGate::Gaussian);
    QVERIFY(!view.isValid());
    QVERIFY2(view.messageLabel()->text().contains(QStringLiteral("model.router.gate")),
             qPrintable(view.messageLabel()->text()));
    // The stored JSON keeps the names.
    const std::string json = mor::toJson(view.config());
    QVERIFY(json.find(R"("objective": "hard_em")") != std::string::npos);
    QVERIFY(json.find(R"("gate": "gaussian")") != std::string::npos);
}

QTEST_MAIN(TstSetupPresets)
#include "tst_setup_presets.moc"
