// The setup view: invalid values are flagged in place with the validator's message and keep
// Start disabled; fixing them enables Start; undo restores the previous value; the expert
// table, CSV preview and demos. The recursion family's form is in tst_setup_recursion.cpp.
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

class TstSetupView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultConfigIsValidAndStartEnabled();
    void invalidFieldShowsMessageAndDisablesStart_data();
    void invalidFieldShowsMessageAndDisablesStart();
    void fixingTheFieldEnablesStart();
    void undoRestoresThePreviousValue();
    void expertTableEditsAndAddRemove();
    void startEmitsTheEditedConfig();
    void csvFileShowsAPreviewOfColumnsAndLabel();
    void demoLoadsWithItsLesson();
};

void TstSetupView::defaultConfigIsValidAndStartEnabled() {
    setup::SetupView view;
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QVERIFY(view.startButton()->isEnabled());
}

void TstSetupView::invalidFieldShowsMessageAndDisablesStart_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("top_k above expert count") << "model.router.top_k" << 9 << "top_k";
    QTest::newRow("zero epochs") << "train.epochs" << 0 << "epochs";
    QTest::newRow("zero batch size") << "train.batch_size" << 0 << "batch_size";
}

void TstSetupView::invalidFieldShowsMessageAndDisablesStart() {
    QFETCH(QString, path);
    QFETCH(int, value);
    QFETCH(QString, messagePart);
    setup::SetupView view;
    view.show();
    auto* spin = qobject_cast<QSpinBox*>(view.fieldWidget(path));
    QVERIFY(spin);
    typeValue(spin, value);
    QCOMPARE(spin->value(), value);
    QVERIFY(!view.isValid());
    QVERIFY(!view.startButton()->isEnabled());
    // The widget itself carries the validator's message (tooltip + red border)...
    const QString message = spin->property("validationError").toString();
    QVERIFY2(message.contains(messagePart), qPrintable(message));
    QCOMPARE(spin->toolTip(), message);
    const QColor tint = spin->palette().color(QPalette::Base);
    QVERIFY(tint.red() > tint.green() + 30); // the field is tinted red
    // ... and the message line under the form shows the same text as the CLI's validator.
    QVERIFY(view.messageLabel()->text().contains(message.split('\n').first().toHtmlEscaped()));
    // For the README: MOR_SCREENSHOT_DIR=... keeps a picture of the flagged form.
    const QString shots = qEnvironmentVariable("MOR_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        view.resize(1280, 760);
        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '-');
        view.grab().save(shots + QStringLiteral("/setup-invalid-%1.png").arg(tag));
    }
}

void TstSetupView::fixingTheFieldEnablesStart() {
    setup::SetupView view;
    view.show();
    auto* topK = qobject_cast<QSpinBox*>(view.fieldWidget(QStringLiteral("model.router.top_k")));
    QVERIFY(topK);
    typeValue(topK, 9);
    QVERIFY(!view.startButton()->isEnabled());
    typeValue(topK, 3);
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QVERIFY(view.startButton()->isEnabled());
    QVERIFY(topK->property("validationError").toString().isEmpty());
    QCOMPARE(topK->palette().color(QPalette::Base), QApplication::palette().color(QPalette::Base));
}

void TstSetupView::undoRestoresThePreviousValue() {
    setup::SetupView view;
    view.show();
    auto* topK = qobject_cast<QSpinBox*>(view.fieldWidget(QStringLiteral("model.router.top_k")));
    QVERIFY(topK);
    const int original = topK->value();
    typeValue(topK, 9);
    typeValue(topK, 3);
    QCOMPARE(view.config().model.router.topK, 3);
    view.undoStack()->undo();
    QCOMPARE(topK->value(), 9);
    QCOMPARE(view.config().model.router.topK, 9);
    QVERIFY(!view.startButton()->isEnabled());
    view.undoStack()->undo();
    QCOMPARE(topK->value(), original);
    QVERIFY(view.startButton()->isEnabled());
    view.undoStack()->redo();
    QCOMPARE(topK->value(), 9);
    QVERIFY(!view.startButton()->isEnabled());
}

void TstSetupView::expertTableEditsAndAddRemove() {
    setup::SetupView view;
    setup::ExpertTableModel* model = view.expertModel();
    const int experts = model->rowCount();
    QCOMPARE(experts, static_cast<int>(view.config().model.experts.size()));
    QVERIFY(model->setData(model->index(1, setup::ExpertTableModel::MaxDepth), 7, Qt::EditRole));
    QCOMPARE(view.config().model.experts[1].maxDepth, int64_t{7});
    QCOMPARE(model->index(1, setup::ExpertTableModel::MaxDepth).data().toLongLong(), 7LL);
    // read_features has its own column; the parity-reader demo fills it.
    QVERIFY(
        model->setData(model->index(1, setup::ExpertTableModel::ReadFeatures), 3, Qt::EditRole));
    QCOMPARE(view.config().model.experts[1].readFeatures, int64_t{3});
    QCOMPARE(setup::ExpertTableModel::columnForKey(QStringLiteral("read_features")),
             int(setup::ExpertTableModel::ReadFeatures));
    view.undoStack()->undo();
    QCOMPARE(view.config().model.experts[1].readFeatures, int64_t{0});
    view.expertView()->selectRow(1);
    QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("duplicateExpert")),
                      Qt::LeftButton);
    QCOMPARE(model->rowCount(), experts + 1);
    QCOMPARE(view.config().model.experts.back().maxDepth, int64_t{7});
    view.expertView()->selectRow(0);
    QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("removeExpert")), Qt::LeftButton);
    QCOMPARE(model->rowCount(), experts);
    QCOMPARE(view.config().model.experts[0].maxDepth, int64_t{7});
    view.undoStack()->undo(); // remove
    view.undoStack()->undo(); // duplicate
    view.undoStack()->undo(); // edit
    QCOMPARE(model->rowCount(), experts);
    QCOMPARE(view.config().model.experts[1].maxDepth, int64_t{4});
}

void TstSetupView::startEmitsTheEditedConfig() {
    setup::SetupView view;
    view.show();
    auto* epochs = qobject_cast<QSpinBox*>(view.fieldWidget(QStringLiteral("train.epochs")));
    QVERIFY(epochs);
    typeValue(epochs, 3);
    QSignalSpy spy(&view, &setup::SetupView::startRequested);
    QTest::mouseClick(view.startButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<mor::ExperimentConfig>().train.epochs, int64_t{3});
}

void TstSetupView::csvFileShowsAPreviewOfColumnsAndLabel() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("flowers.csv"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("petal,sepal,species\n1.5,2.0,setosa\n4.5,3.1,virginica\n1.4,2.2,setosa\n");
    file.close();

    setup::SetupView view;
    view.show();
    auto* kind = qobject_cast<QComboBox*>(view.fieldWidget(QStringLiteral("data.kind")));
    kind->setCurrentIndex(kind->findData(QStringLiteral("csv")));
    QCOMPARE(view.config().data.kind, mor::DataKind::Csv);
    auto* edit = qobject_cast<QLineEdit*>(view.fieldWidget(QStringLiteral("data.path")));
    QVERIFY(edit);
    QVERIFY(edit->isVisibleTo(&view));
    QTest::keyClicks(edit, path);
    QCOMPARE(QString::fromStdString(view.config().data.path), path);
    auto* preview = view.findChild<QTableWidget*>(QStringLiteral("csvPreview"));
    QVERIFY(preview);
    QCOMPARE(preview->rowCount(), 3);
    QCOMPARE(preview->columnCount(), 3);
    QCOMPARE(preview->horizontalHeaderItem(0)->text(), QStringLiteral("petal"));
    QCOMPARE(preview->horizontalHeaderItem(1)->text(), QStringLiteral("sepal"));
    QCOMPARE(preview->item(1, 0)->text(), QStringLiteral("4.5"));
    QCOMPARE(preview->item(1, 2)->text(), QStringLiteral("virginica"));
    // Typing the path is one undo step, not one per character.
    view.undoStack()->undo();
    QVERIFY(view.config().data.path.empty());
}

void TstSetupView::demoLoadsWithItsLesson() {
    setup::SetupView view;
    QSignalSpy lesson(&view, &setup::SetupView::lessonChanged);
    QVERIFY(!view.loadDemo(QStringLiteral("no-such-demo")));
    QVERIFY(view.loadDemo(QStringLiteral("parity-reflection")));
    QCOMPARE(view.config().name, std::string("parity-reflection"));
    // The widgets hold exactly what the bundled file says.
    const auto file = mor::loadConfigFile(MOR_SOURCE_DIR "/resources/demos/parity-reflection.json");
    QVERIFY2(file.ok(), file.message().c_str());
    QCOMPARE(view.config().data.length, file.config.data.length);
    QCOMPARE(view.config().model.experts.size(), file.config.model.experts.size());
    QCOMPARE(view.config().train.epochs, file.config.train.epochs);
    QVERIFY2(view.isValid(), qPrintable(view.messageLabel()->text()));
    QVERIFY(lesson.count() >= 1);
    QVERIFY(lesson.last().at(1).toString().contains(QStringLiteral("parity")));
    view.undoStack()->undo();
    QCOMPARE(view.config().name, std::string("experiment"));
}

QTEST_MAIN(TstSetupView)
#include "tst_setupview.moc"
