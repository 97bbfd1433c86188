// The setup view's recursion family: the model family switches the form between the
// reflection and the recursion sections, rows follow the routing, a recursion config
// round-trips through its JSON, every widget's range is the validator's, and it trains from
// Start. (The rest of the setup view: tst_setupview.cpp.)
#include "setup/experttablemodel.h"
#include "setup/setupview.h"
#include "training/trainingcontroller.h"

#include "mor/config.h"
#include "mor/log_reader.h"

#include "spin_typing.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardItemModel>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <tuple>


class TstSetupRecursion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void familySwitchShowsOnlyThatFamilysSections();
    void recursionRowsFollowTheRouting_data();
    void recursionRowsFollowTheRouting();
    void recursionDemoFillsTheFormAndRoundTrips_data();
    void recursionDemoFillsTheFormAndRoundTrips();
    void badRecursionValueNamesTheField_data();
    void badRecursionValueNamesTheField();
    void recursionWidgetRangesAreTheValidators();
    void startTrainsARecursionConfig();
};

namespace {
bool shown(const setup::SetupView& view, const QString& path) {
    QWidget* w = view.fieldWidget(path);
    return w && w->isVisibleTo(&view);
}

/// Those of the (space-separated) `paths` whose field is not shown / not hidden.
QStringList notShown(const setup::SetupView& view, const QString& paths, bool visible = true) {
    QStringList wrong;
    for (const QString& path : paths.split(QLatin1Char(' '))) {
        if (shown(view, path) != visible) {
            wrong << path;
        }
    }
    return wrong;
}

/// The first validation error that names `field`, or "".
QString errorOf(const std::vector<mor::ConfigError>& errors, const QString& field) {
    for (const mor::ConfigError& e : errors) {
        if (QString::fromStdString(e.field) == field) {
            return QString::fromStdString(e.message);
        }
    }
    return {};
}

/// `config` as JSON with the dotted `path` set to `value` (for values no widget offers).
std::string jsonWith(const mor::ExperimentConfig& config, const QString& path, double value) {
    const QByteArray json = QByteArray::fromStdString(mor::toJson(config));
    const QStringList keys = path.split(QLatin1Char('.'));
    QList<QJsonObject> objects{QJsonDocument::fromJson(json).object()};
    for (int i = 0; i + 1 < keys.size(); ++i) {
        objects << objects.back().value(keys[i]).toObject();
    }
    objects.back().insert(keys.back(), value);
    for (int i = keys.size() - 2; i >= 0; --i) {
        objects[i].insert(keys[i], objects[i + 1]);
    }
    return QJsonDocument(objects.front()).toJson().toStdString();
}

/// The value a bound widget shows (spin box, combo item data, text, check state).
QVariant shownValue(QWidget* w) {
    if (auto* spin = qobject_cast<QSpinBox*>(w)) {
        return spin->value();
    }
    if (auto* real = qobject_cast<QDoubleSpinBox*>(w)) {
        return real->value();
    }
    if (auto* combo = qobject_cast<QComboBox*>(w)) {
        return combo->currentData();
    }
    if (auto* edit = qobject_cast<QLineEdit*>(w)) {
        return edit->text();
    }
    auto* check = qobject_cast<QCheckBox*>(w);
    return check ? QVariant(check->isChecked()) : QVariant();
}

/// Every field of model.recursion, as the recursion section binds them.
const QStringList kRecursionPaths = [] {
    QStringList paths;
    for (const QString& key : QStringLiteral(
             "routing recursions layers_per_block d_model heads ffn capacity kv_sharing "
             "router_weight balance_weight z_loss_weight threshold dropout router_per_step "
             "sharing gate gate_alpha embedding_std depth_capacity depth_every "
             "capacity_warmup_steps capacity_hold_steps")
             .split(QLatin1Char(' '))) {
        paths << QStringLiteral("model.recursion.") + key;
    }
    return paths;
}();
} // namespace

void TstSetupRecursion::familySwitchShowsOnlyThatFamilysSections() {
    setup::SetupView view;
    view.resize(1280, 760);
    view.show();
    auto* family = qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("model.family")));
    QVERIFY(family);
    QCOMPARE(family->currentData().toString(), QStringLiteral("reflection"));
    QVERIFY(view.expertView()->isVisibleTo(&view));
    QCOMPARE(notShown(view, "model.router.strategy model.integration.fusion data.length"),
             QStringList());
    QCOMPARE(notShown(view, "model.recursion.routing data.digits", false), QStringList());

    family->setCurrentIndex(family->findData(QStringLiteral("recursion")));
    QVERIFY(view.config().model.family == mor::Family::Recursion);
    // parity is no token-sequence task: the switch picks the recursion family's addition.
    QCOMPARE(view.config().data.kind, mor::DataKind::Addition);
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QVERIFY(view.startButton()->isEnabled());
    QVERIFY(!view.expertView()->isVisibleTo(&view));
    QCOMPARE(notShown(view, "model.router.strategy model.integration.fusion model.calibration "
                            "data.length data.label_noise",
                      false),
             QStringList());
    QCOMPARE(notShown(view, "model.recursion.routing model.recursion.recursions "
                            "model.recursion.d_model model.recursion.heads model.recursion.ffn "
                            "model.recursion.capacity data.digits data.samples train.epochs"),
             QStringList());
    // The data kinds offered are the family's: the classification sets are disabled.
    auto* kind = qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("data.kind")));
    auto* kinds = qobject_cast<QStandardItemModel*>(kind->model());
    QVERIFY(kinds);
    QVERIFY(!kinds->item(kind->findData(QStringLiteral("parity")))->isEnabled());
    QVERIFY(kinds->item(kind->findData(QStringLiteral("text")))->isEnabled());
    kind->setCurrentIndex(kind->findData(QStringLiteral("text")));
    QCOMPARE(notShown(view, "data.text_path data.seq_len"), QStringList());
    QVERIFY(!shown(view, QStringLiteral("data.digits")));

    view.undoStack()->undo(); // the kind
    view.undoStack()->undo(); // the family
    QVERIFY(view.config().model.family == mor::Family::Reflection);
    QCOMPARE(view.config().data.kind, mor::DataKind::Parity);
    QCOMPARE(family->currentData().toString(), QStringLiteral("reflection"));
    QCOMPARE(notShown(view, "model.router.strategy"), QStringList());
    QCOMPARE(notShown(view, "model.recursion.routing", false), QStringList());
    QVERIFY(kinds->item(kind->findData(QStringLiteral("parity")))->isEnabled());
    QVERIFY(!kinds->item(kind->findData(QStringLiteral("addition")))->isEnabled());

    // And back by hand: a sequence kind does not fit the reflection family either.
    family->setCurrentIndex(family->findData(QStringLiteral("recursion")));
    family->setCurrentIndex(family->findData(QStringLiteral("reflection")));
    QCOMPARE(view.config().data.kind, mor::DataKind::Parity);
    QVERIFY(view.isValid());
}

void TstSetupRecursion::recursionRowsFollowTheRouting_data() {
    QTest::addColumn<QString>("routing");
    QTest::addColumn<QString>("visible");
    QTest::addColumn<QString>("hidden");
    QTest::newRow("expert_choice")
        << "expert_choice"
        << "capacity capacity_warmup_steps capacity_hold_steps router_per_step threshold "
           "router_weight kv_sharing"
        << "depth_capacity depth_every gate balance_weight";
    QTest::newRow("token_choice")
        << "token_choice" << "gate balance_weight gate_alpha kv_sharing"
        << "capacity capacity_warmup_steps capacity_hold_steps router_per_step threshold "
           "depth_capacity";
    QTest::newRow("mixture_of_depths")
        << "mixture_of_depths" << "depth_capacity depth_every threshold router_weight"
        << "capacity kv_sharing gate balance_weight";
    QTest::newRow("vanilla") << "vanilla" << "recursions sharing dropout"
                             << "capacity kv_sharing threshold gate_alpha";
}

void TstSetupRecursion::recursionRowsFollowTheRouting() {
    QFETCH(QString, routing);
    QFETCH(QString, visible);
    QFETCH(QString, hidden);
    setup::SetupView view;
    view.show();
    QVERIFY(view.loadDemo(QStringLiteral("recursion-addition")));
    auto* box =
        qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("model.recursion.routing")));
    QVERIFY(box);
    box->setCurrentIndex(box->findData(routing));
    QCOMPARE(mor::choiceName(view.config().model.recursion.routing, mor::recursionRoutingNames()),
             routing.toStdString());
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    const auto paths = [](const QString& keys) { // "a b" -> "model.recursion.a model.recursion.b"
        return QString(QLatin1Char(' ') + keys).replace(' ', " model.recursion.").trimmed();
    };
    QCOMPARE(notShown(view, paths(visible)), QStringList());
    QCOMPARE(notShown(view, paths(hidden), false), QStringList());
}

void TstSetupRecursion::recursionDemoFillsTheFormAndRoundTrips_data() {
    QTest::addColumn<QString>("demo");
    QTest::newRow("recursion-addition") << "recursion-addition";
    QTest::newRow("recursion-fortunes") << "recursion-fortunes";
    QTest::newRow("recursion-pointer") << "recursion-pointer";
    QTest::newRow("mixture-of-depths") << "mixture-of-depths";
}

void TstSetupRecursion::recursionDemoFillsTheFormAndRoundTrips() {
    QFETCH(QString, demo);
    const auto file =
        mor::loadConfigFile((MOR_SOURCE_DIR "/resources/demos/" + demo + ".json").toStdString());
    QVERIFY2(file.ok(), file.message().c_str());
    const mor::RecursionConfig& r = file.config.model.recursion;

    setup::SetupView view;
    view.show();
    QVERIFY(view.loadDemo(demo));
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QCOMPARE(mor::toJson(view.config()), mor::toJson(file.config));
    // Every bound widget shows the file's value (numbers compared as numbers).
    int bound = 0;
    for (const auto& [key, text] : mor::flattenConfigJson(mor::toJson(file.config))) {
        QWidget* w = view.fieldWidget(QString::fromStdString(key));
        if (!w) {
            continue;
        }
        const QString want = QString::fromStdString(text);
        bool number = false;
        const double wantNumber = want.toDouble(&number);
        if (number) {
            QCOMPARE(shownValue(w).toDouble(), wantNumber);
        } else {
            QCOMPARE(shownValue(w).toString(), want);
        }
        bound += key.rfind("model.recursion.", 0) == 0 ? 1 : 0;
    }
    QCOMPARE(bound, int(kRecursionPaths.size()));

    // Setup -> JSON -> Setup: the same config and the same widgets, every recursion field.
    const std::string json = mor::toJson(view.config());
    setup::SetupView other; // loads it as "Load into Setup" does a run's stored config
    QString error;
    QVERIFY2(other.loadRunConfig(json, QStringLiteral("Load run"), &error), qPrintable(error));
    QCOMPARE(mor::toJson(other.config()), json);
    for (const QString& path : kRecursionPaths) {
        const QVariant shownHere = shownValue(view.fieldWidget(path));
        QVERIFY2(shownHere.isValid(), qPrintable(path));
        QCOMPARE(shownValue(other.fieldWidget(path)), shownHere);
    }
    // An edit changes that field and nothing else (no value is rewritten as a widget
    // rounds it).
    other.show();
    auto* heads =
        qobject_cast<QSpinBox*>(other.fieldWidget(QStringLiteral("model.recursion.heads")));
    const int newHeads = r.heads == 8 ? 4 : 8;
    typeValue(heads, newHeads);
    mor::ExperimentConfig expected = file.config;
    expected.model.recursion.heads = newHeads;
    QCOMPARE(mor::toJson(other.config()), mor::toJson(expected));
}

void TstSetupRecursion::badRecursionValueNamesTheField_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("messagePart");
    // Values the widgets offer but the validator refuses with the other fields.
    QTest::newRow("heads not dividing d_model")
        << "model.recursion.heads" << "5" << "model.recursion.heads = 5 must divide";
    QTest::newRow("capacity list too short")
        << "model.recursion.capacity" << "1,0.5" << "model.recursion.capacity = \"1,0.5\"";
    QTest::newRow("capacity increases")
        << "model.recursion.capacity" << "0.5,1,0.25" << "model.recursion.capacity";
    QTest::newRow("kv sharing with distinct blocks")
        << "model.recursion.kv_sharing" << "vanilla" << "model.recursion.kv_sharing needs";
}

void TstSetupRecursion::badRecursionValueNamesTheField() {
    QFETCH(QString, path);
    QFETCH(QString, value);
    QFETCH(QString, messagePart);
    setup::SetupView view;
    view.show();
    QVERIFY(view.loadDemo(QStringLiteral("recursion-addition")));
    QVERIFY(view.isValid());
    QWidget* field = view.fieldWidget(path);
    QVERIFY(field);
    if (auto* spin = qobject_cast<QSpinBox*>(field)) {
        typeValue(spin, value.toInt());
    } else if (auto* edit = qobject_cast<QLineEdit*>(field)) {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClicks(edit, value);
    } else {
        // kv_sharing on, then a routing with distinct blocks: the error is kv_sharing's.
        qobject_cast<QCheckBox*>(field)->setChecked(true);
        QVERIFY(view.isValid());
        auto* routing =
            qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("model.recursion.routing")));
        routing->setCurrentIndex(routing->findData(value));
    }
    QVERIFY(!view.isValid());
    QVERIFY(!view.startButton()->isEnabled());
    const QString message = field->property("validationError").toString();
    QVERIFY2(message.contains(messagePart), qPrintable(message));
    QCOMPARE(field->toolTip(), message);
    QVERIFY2(view.messageLabel()->text().contains(messagePart.toHtmlEscaped()),
             qPrintable(view.messageLabel()->text()));
    QCOMPARE(view.messageLabel()->textFormat(), Qt::RichText); // shows " not &quot;
    // The flagged row stays in view even where the routing would hide it (kv_sharing).
    QVERIFY(field->isVisibleTo(&view));
    if (const QString shots = qEnvironmentVariable("MOR_SCREENSHOT_DIR"); !shots.isEmpty()) {
        view.resize(1280, 760);
        view.grab().save(shots + "/setup-recursion-invalid-" + path.section('.', -1) + ".png");
    }
    view.undoStack()->undo();
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QVERIFY(field->property("validationError").toString().isEmpty());
    QVERIFY(!field->toolTip().isEmpty()); // its own tooltip again
}

void TstSetupRecursion::recursionWidgetRangesAreTheValidators() {
    // Every spin box of the recursion section (and the sequence data) offers exactly the
    // values core's validator accepts: its bounds pass, one step beyond them fails naming
    // the field.
    setup::SetupView view;
    QVERIFY(view.loadDemo(QStringLiteral("recursion-addition")));
    const mor::ExperimentConfig base = view.config();
    int checked = 0;
    for (const QString& path :
         QStringList{"data.seq_len", "data.digits", "data.hops"} + kRecursionPaths) {
        QWidget* w = view.fieldWidget(path);
        QVERIFY2(w, qPrintable(path));
        double lo = 0, hi = 0, step = 1;
        if (auto* spin = qobject_cast<QSpinBox*>(w)) {
            lo = spin->minimum();
            hi = spin->maximum();
        } else if (auto* real = qobject_cast<QDoubleSpinBox*>(w)) {
            lo = real->minimum();
            hi = real->maximum();
            step = std::pow(10.0, -real->decimals());
        } else {
            continue; // choices, text and check boxes
        }
        // heads is checked against d_model 64 (its maximum divides it), d_model with 4 heads.
        for (const auto& [value, valid] :
             {std::pair{lo, true}, std::pair{hi, true}, std::pair{lo - step, false},
              std::pair{hi + step, false}}) {
            // On the spin box's grid, so float noise cannot make "0" a tiny positive number.
            const double onGrid = std::round(value / step) * step;
            const auto parsed = mor::parseConfig(jsonWith(base, path, onGrid));
            const QString error = errorOf(parsed.errors, path);
            QVERIFY2(error.isEmpty() == valid,
                     qPrintable(QStringLiteral("%1 = %2: %3").arg(path).arg(onGrid).arg(error)));
        }
        ++checked;
    }
    QCOMPARE(checked, 19); // 3 data + 16 numeric recursion fields
}

void TstSetupRecursion::startTrainsARecursionConfig() {
    // What Start does in the window (MainWindow::startTraining): the config it emits goes to
    // the training controller, which trains it into the log.
    qputenv("OMP_WAIT_POLICY", "PASSIVE");
    QTemporaryDir dir;
    setup::SetupView view;
    view.show();
    QVERIFY(view.loadDemo(QStringLiteral("recursion-addition")));
    mor::ExperimentConfig small = view.config();
    small.data.samples = 120;
    small.data.digits = 2;
    auto& r = small.model.recursion;
    std::tie(r.recursions, r.dModel, r.heads, r.ffn) = std::tuple(2, 16, 2, 32);
    auto& t = small.train;
    std::tie(t.epochs, t.batchSize, t.evalEvery, t.threads) = std::tuple(1, 32, 0, 1);
    view.setConfig(small);
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QSignalSpy start(&view, &setup::SetupView::startRequested);
    QTest::mouseClick(view.startButton(), Qt::LeftButton);
    QCOMPARE(start.count(), 1);
    const auto config = start.at(0).at(0).value<mor::ExperimentConfig>();

    training::TrainingController controller;
    QSignalSpy finished(&controller, &training::TrainingController::finished);
    const QString log = dir.filePath(QStringLiteral("setup.sqlite"));
    QVERIFY(controller.start(config, log));
    QVERIFY(finished.wait(60000));
    // "finished" and no error message.
    QCOMPARE(finished.at(0).at(1).toString() + finished.at(0).at(2).toString(), "finished");
    std::string error;
    const auto reader = mor::LogReader::open(log.toStdString());
    QVERIFY2(reader, reader.error().c_str());
    const auto run = reader->run(finished.at(0).at(0).toLongLong());
    QVERIFY(run);
    QCOMPARE(run->status, std::string("finished"));
    const auto stored = mor::parseConfig(run->configJson);
    QVERIFY(stored.config.model.family == mor::Family::Recursion);
    QCOMPARE(stored.config.model.recursion.dModel, int64_t{16});
}

QTEST_MAIN(TstSetupRecursion)
#include "tst_setup_recursion.moc"
