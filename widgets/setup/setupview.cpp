#include "setup/setupview.h"

#include "common/demolibrary.h"
#include "setup/choicedelegate.h"
#include "setup/configbinding.h"
#include "setup/datasetsection.h"
#include "setup/experttablemodel.h"
#include "setup/setupcommand.h"
#include "setup/setuprecursion.h"
#include "setup/setupsections.h"

#include <QComboBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTextBrowser>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace setup {

SetupView::SetupView(QWidget* parent) : QWidget(parent) {
    m_binding = new ConfigBinding(this);
    auto* layout = new QVBoxLayout(this);

    // Presets and the run name.
    auto* top = new QHBoxLayout;
    m_presetLabel = new QLabel(this);
    m_presets = new QComboBox(this);
    m_presets->setObjectName(QStringLiteral("presets"));
    m_presets->setMinimumContentsLength(22);
    m_presetLabel->setBuddy(m_presets);
    m_loadPreset = new QPushButton(this);
    m_savePreset = new QPushButton(this);
    m_nameLabel = new QLabel(this);
    auto* name = new QLineEdit(this);
    m_nameLabel->setBuddy(name);
    m_binding->bind(name, QStringLiteral("name"), MOR_FIELD(name));
    top->addWidget(m_presetLabel);
    top->addWidget(m_presets);
    top->addWidget(m_loadPreset);
    top->addWidget(m_savePreset);
    top->addSpacing(16);
    // The model family switches the form between the reflection sections (router, experts,
    // integration) and the recursion section.
    m_familyLabel = new QLabel(this);
    m_family = SetupRecursion::familyChoice(*m_binding, this);
    m_familyLabel->setBuddy(m_family);
    top->addWidget(m_familyLabel);
    top->addWidget(m_family);
    top->addSpacing(16);
    top->addWidget(m_nameLabel);
    top->addWidget(name, 1);
    layout->addLayout(top);

    // The form in three columns (two or one when the width is short), the lesson beside it.
    m_form = new QWidget(this);
    m_formGrid = new QGridLayout(m_form);
    m_data = new DatasetSection(*m_binding, m_form);
    m_router = SetupSections::router(*m_binding, m_form);
    m_integration = SetupSections::integration(*m_binding, m_form);
    m_training = SetupSections::training(*m_binding, m_form);
    m_recursion = SetupRecursion::section(*m_binding, m_form);
    buildExperts();
    m_formScroll = new QScrollArea(this);
    m_formScroll->setWidget(m_form);
    m_formScroll->setWidgetResizable(true);
    m_formScroll->setFrameShape(QFrame::NoFrame);
    arrangeFormColumns();
    // A new width, or sections that need another (language, font, advanced rows hidden).
    m_formScroll->installEventFilter(this);
    m_form->installEventFilter(this);

    auto* lessonPanel = new QWidget(this);
    auto* lessonLayout = new QVBoxLayout(lessonPanel);
    lessonLayout->setContentsMargins(0, 0, 0, 0);
    m_lessonTitle = new QLabel(lessonPanel);
    QFont titleFont = m_lessonTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_lessonTitle->setFont(titleFont);
    m_lessonTitle->setWordWrap(true);
    m_lesson = new QTextBrowser(lessonPanel);
    m_lesson->setObjectName(QStringLiteral("lesson"));
    m_lesson->setOpenExternalLinks(true);
    lessonLayout->addWidget(m_lessonTitle);
    lessonLayout->addWidget(m_lesson, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_formScroll);
    splitter->addWidget(lessonPanel);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1060, 300});
    layout->addWidget(splitter, 1);

    // Validation messages and Start.
    auto* bottom = new QHBoxLayout;
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("validationMessage"));
    m_message->setWordWrap(true);
    // Always rich text: the messages are HTML-escaped, and one message alone (no <br>) would
    // otherwise show its quotes as "&quot;".
    m_message->setTextFormat(Qt::RichText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_start = new QPushButton(this);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setDefault(true);
    m_start->setMinimumWidth(140);
    bottom->addWidget(m_message, 1);
    bottom->addWidget(m_start);
    layout->addLayout(bottom);

    connect(m_binding, &ConfigBinding::edited, this, &SetupView::onEdited);
    connect(m_start, &QPushButton::clicked, this, [this] {
        if (isValid() && !m_trainingActive) {
            Q_EMIT startRequested(m_config);
        }
    });
    connect(m_presets, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        const QString demo = m_presets->itemData(index).toString();
        if (!demo.isEmpty()) {
            loadDemo(demo);
        }
    });
    connect(m_loadPreset, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load preset"), {},
                                                          tr("Experiment configs (*.json)"));
        QString error;
        if (!path.isEmpty() && !loadPreset(path, &error)) {
            QMessageBox::warning(this, tr("Load preset"), error);
        }
    });
    connect(m_savePreset, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save preset"), {},
                                                          tr("Experiment configs (*.json)"));
        QString error;
        if (!path.isEmpty() && !savePreset(path, &error)) {
            QMessageBox::warning(this, tr("Save preset"), error);
        }
    });

    retranslateUi();
    fillPresets();
    apply(newExperimentConfig());
}

SetupView::~SetupView() = default;

mor::ExperimentConfig SetupView::newExperimentConfig() {
    mor::ExperimentConfig config;
    config.name = "experiment";
    // 12-bit parity (the config default) stays at chance for these 20 epochs; 6 bits trains
    // to 100 % test accuracy in about 20 s of one core (seeds 1-3, issue 21).
    config.data.length = 6;
    config.train.threads = std::max(1, QThread::idealThreadCount() - 1);
    return config;
}

QWidget* SetupView::buildExperts() {
    m_expertsBox = new QGroupBox(this);
    auto* layout = new QVBoxLayout(m_expertsBox);
    m_experts = new ExpertTableModel(this);
    m_expertView = new QTableView(m_expertsBox);
    m_expertView->setObjectName(QStringLiteral("experts"));
    m_expertView->setModel(m_experts);
    m_expertView->setItemDelegate(new ChoiceDelegate(m_expertView));
    m_expertView->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Columns as wide as their titles and values (stretched ones cut "Max depth" and
    // "Reads/step" in presentation mode and in German); the last takes what is left over.
    m_expertView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_expertView->horizontalHeader()->setStretchLastSection(true);
    m_expertView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_expertView->setMinimumHeight(170);
    layout->addWidget(m_expertView);
    auto* buttons = new QHBoxLayout;
    m_add = new QPushButton(m_expertsBox);
    m_remove = new QPushButton(m_expertsBox);
    m_duplicate = new QPushButton(m_expertsBox);
    m_add->setObjectName(QStringLiteral("addExpert"));
    m_remove->setObjectName(QStringLiteral("removeExpert"));
    m_duplicate->setObjectName(QStringLiteral("duplicateExpert"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_duplicate);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_add, &QPushButton::clicked, this, [this] { addExpert(false); });
    connect(m_duplicate, &QPushButton::clicked, this, [this] { addExpert(true); });
    connect(m_remove, &QPushButton::clicked, this, &SetupView::removeExperts);
    connect(m_experts, &ExpertTableModel::expertsEdited, this,
            [this](const std::vector<mor::ExpertConfig>& experts) {
                mor::ExperimentConfig next = m_config;
                next.model.experts = experts;
                pushConfig(tr("Edit expert"), {}, next);
            });
    return m_expertsBox;
}

void SetupView::addExpert(bool duplicate) {
    mor::ExperimentConfig next = m_config;
    const QModelIndex current = m_expertView->currentIndex();
    mor::ExpertConfig expert;
    if (duplicate && current.isValid()) {
        expert = next.model.experts[static_cast<size_t>(current.row())];
    } else if (!next.model.experts.empty()) {
        expert = next.model.experts.back();
    }
    next.model.experts.push_back(expert);
    pushConfig(duplicate ? tr("Duplicate expert") : tr("Add expert"), {}, next);
    m_expertView->selectRow(static_cast<int>(next.model.experts.size()) - 1);
}

void SetupView::removeExperts() {
    std::set<int> rows;
    for (const QModelIndex& index : m_expertView->selectionModel()->selectedIndexes()) {
        rows.insert(index.row());
    }
    if (rows.empty() && m_expertView->currentIndex().isValid()) {
        rows.insert(m_expertView->currentIndex().row());
    }
    if (rows.empty()) {
        return;
    }
    mor::ExperimentConfig next = m_config;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        next.model.experts.erase(next.model.experts.begin() + *it);
    }
    pushConfig(tr("Remove expert"), {}, next);
}

void SetupView::onEdited(const QString& path) {
    mor::ExperimentConfig next = m_config;
    m_binding->store(next, path);
    if (path == QLatin1String("model.family")) {
        SetupRecursion::fitDataToFamily(next); // addition for recursion, parity back
    }
    // Text fields report every keystroke: merge them into one undo step per field.
    const bool text = qobject_cast<QLineEdit*>(m_binding->widget(path)) != nullptr;
    pushConfig(tr("Edit %1").arg(path), text ? path : QString(), next);
}

void SetupView::pushConfig(const QString& text, const QString& mergeKey,
                           mor::ExperimentConfig next) {
    m_undo.push(new SetupCommand(text, mergeKey, m_config, std::move(next),
                                 [this](const mor::ExperimentConfig& c) { apply(c); }));
}

void SetupView::setConfig(const mor::ExperimentConfig& config, const QString& undoText) {
    pushConfig(undoText.isEmpty() ? tr("Load config") : undoText, {}, config);
}

void SetupView::apply(const mor::ExperimentConfig& config) {
    m_config = config;
    m_binding->load(config);
    m_experts->setExperts(config.model.experts);
    m_data->update(config.data, config.model.family);
    SetupSections::showRouterRowsFor(*m_binding, config.model.router.strategy);
    SetupSections::showIntegrationRowsFor(*m_binding, config.model.integration.resolution);
    SetupRecursion::showRowsFor(*m_binding, config.model.recursion.routing);
    // Only sections hidden here are shown again: showing a never-shown one would lay out the
    // form at once, before the view itself has a size.
    const bool recursion = config.model.family == mor::Family::Recursion;
    for (QWidget* w : {static_cast<QWidget*>(m_router), static_cast<QWidget*>(m_expertsBox),
                       static_cast<QWidget*>(m_integration), static_cast<QWidget*>(m_recursion)}) {
        const bool visible = (w == m_recursion) == recursion;
        if (!visible) {
            w->hide();
        } else if (w->isHidden() && w->testAttribute(Qt::WA_WState_ExplicitShowHide)) {
            w->show();
        }
    }
    arrangeFormColumns();
    validate();
    syncPresetBox();
    Q_EMIT configChanged();
}

void SetupView::validate() {
    m_errors = mor::validateConfig(m_config);
    const std::vector<mor::ConfigError> rest = m_binding->showErrors(m_errors);
    // Expert errors name a row ("model.experts[2].max_depth"); they mark the table cell.
    static const QRegularExpression expertField(
        QStringLiteral(R"(^model\.experts(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?)"));
    std::map<std::pair<int, int>, QString> cellErrors;
    for (const mor::ConfigError& e : rest) {
        const auto match = expertField.match(QString::fromStdString(e.field));
        if (!match.hasMatch()) {
            continue;
        }
        const int row =
            (match.captured(1).isEmpty() ? match.captured(2) : match.captured(1)).toInt();
        const int column = std::max(0, ExpertTableModel::columnForKey(match.captured(3)));
        QString& message = cellErrors[{row, column}];
        message += (message.isEmpty() ? QString() : QStringLiteral("\n")) +
                   QString::fromStdString(e.message);
    }
    m_experts->setErrors(cellErrors);
    m_expertsBox->setStyleSheet(
        rest.empty() ? QString() : QStringLiteral("QGroupBox { border: 1px solid #d32f2f; }"));
    if (m_errors.empty()) {
        m_message->setText(tr("The configuration is valid."));
        m_message->setStyleSheet(QString());
    } else {
        QStringList lines;
        for (const mor::ConfigError& e : m_errors) {
            lines << QString::fromStdString(e.message).toHtmlEscaped();
        }
        m_message->setText(lines.join(QStringLiteral("<br>")));
        m_message->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    }
    m_start->setEnabled(m_errors.empty() && !m_trainingActive);
}

bool SetupView::loadDemo(const QString& name) {
    const common::DemoInfo demo = common::DemoLibrary::find(name);
    if (demo.name.isEmpty()) {
        return false;
    }
    QString error;
    if (!loadPreset(demo.jsonPath, &error)) {
        m_message->setText(error.toHtmlEscaped());
        return false;
    }
    showLesson(demo.name, demo.description, demo.lesson());
    m_presetName = demo.name;
    m_presetJson = mor::toJson(m_config);
    syncPresetBox();
    return true;
}

void SetupView::syncPresetBox() {
    // An edited demo is no longer that demo: the box must not keep its name.
    const bool unchanged = !m_presetName.isEmpty() && mor::toJson(m_config) == m_presetJson;
    const int index = unchanged ? m_presets->findData(m_presetName) : 0;
    m_presets->setCurrentIndex(std::max(0, index));
}

bool SetupView::loadPreset(const QString& path, QString* error) {
    return applyLoaded(mor::loadConfigFile(path.toStdString()),
                       tr("Load %1").arg(QFileInfo(path).fileName()), error);
}

bool SetupView::loadRunConfig(const std::string& configJson, const QString& title,
                              QString* error) {
    return applyLoaded(mor::parseConfig(configJson), title, error);
}

bool SetupView::applyLoaded(const mor::ConfigParseResult& result, const QString& undoText,
                            QString* error) {
    if (!result.ok()) {
        if (error) {
            *error = QString::fromStdString(result.message());
        }
        return false;
    }
    m_presetName.clear(); // a file or a run is not one of the demos of the box
    setConfig(result.config, undoText);
    showLesson(QString::fromStdString(result.config.name),
               QString::fromStdString(result.config.description), {});
    return true;
}

QString SetupView::presetFilePath(const QString& path) {
    return path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)
               ? path
               : path + QStringLiteral(".json");
}

bool SetupView::savePreset(const QString& path, QString* error) {
    const QString target = presetFilePath(path);
    QSaveFile file(target);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QByteArray::fromStdString(mor::toJson(m_config))) < 0 || !file.commit()) {
        if (error) {
            *error = tr("Cannot write %1: %2").arg(target, file.errorString());
        }
        return false;
    }
    Q_EMIT presetSaved(target);
    return true;
}

void SetupView::showLesson(const QString& title, const QString& description,
                           const QString& lesson) {
    m_lessonName = title;
    m_lessonTitle->setText(title);
    // The lesson starts with its own heading; the one-line description leads in, in italics.
    QString markdown = description.isEmpty() ? QString() : QStringLiteral("*%1*").arg(description);
    if (!lesson.isEmpty()) {
        // Headings two levels down: a panel beside the form is no place for an <h1>.
        QString demoted = lesson;
        demoted.replace(QRegularExpression(QStringLiteral("(^|\n)(#{1,4}) ")),
                        QStringLiteral("\\1##\\2 "));
        markdown += QStringLiteral("\n\n") + demoted;
    }
    m_lesson->setMarkdown(markdown);
    Q_EMIT lessonChanged(title, markdown);
}

void SetupView::fillPresets() {
    m_presets->clear();
    m_presets->addItem(tr("Choose a demo…"), QString());
    for (const common::DemoInfo& demo : common::DemoLibrary::demos()) {
        m_presets->addItem(demo.name, demo.name);
        m_presets->setItemData(m_presets->count() - 1, demo.description, Qt::ToolTipRole);
    }
}

void SetupView::setTrainingActive(bool active) {
    m_trainingActive = active;
    m_start->setEnabled(m_errors.empty() && !active);
}

void SetupView::setAdvancedVisible(bool visible) {
    m_binding->setAdvancedVisible(visible);
}

QWidget* SetupView::fieldWidget(const QString& path) const {
    return m_binding->widget(path);
}

bool SetupView::eventFilter(QObject* watched, QEvent* event) {
    if ((watched == m_formScroll && event->type() == QEvent::Resize) ||
        (watched == m_form && event->type() == QEvent::LayoutRequest)) {
        arrangeFormColumns();
    }
    return QWidget::eventFilter(watched, event);
}

void SetupView::arrangeFormColumns() {
    // Measured without a vertical scroll bar, less one: a layout that adds the bar must not
    // flip back and forth with the width it takes.
    const int width = m_formScroll->maximumViewportSize().width() -
                      m_formScroll->style()->pixelMetric(QStyle::PM_ScrollBarExtent);
    if (m_config.model.family == mor::Family::Recursion) {
        arrangeRecursionColumns(width);
        return;
    }
    QWidget* sections[] = {m_data, m_router, m_integration, m_training, m_expertsBox, m_recursion};
    const auto minWidth = [](QWidget* w) {
        return std::max(w->minimumSizeHint().width(), w->minimumWidth());
    };
    const int data = minWidth(m_data), router = minWidth(m_router),
              integration = minWidth(m_integration), training = minWidth(m_training),
              experts = minWidth(m_expertsBox);
    const int spacing = std::max(0, m_formGrid->horizontalSpacing());
    const QMargins margins = m_formGrid->contentsMargins();
    const int frame = margins.left() + margins.right();
    const int three = frame + std::max(data + router + spacing, experts) + spacing +
                      std::max(integration, training);
    const int two = frame + std::max({std::max(data, integration) + spacing +
                                          std::max(router, training),
                                      experts});
    const int columns = width >= three ? 3 : width >= two ? 2 : 1;
    if (columns == m_formColumns && !m_formRecursion) {
        return;
    }
    m_formColumns = columns;
    m_formRecursion = false;
    for (QWidget* w : sections) {
        m_formGrid->removeWidget(w);
    }
    for (int c = 0; c < 3; ++c) {
        m_formGrid->setColumnStretch(c, c < columns ? 1 : 0);
    }
    for (int r = 0; r < 6; ++r) {
        m_formGrid->setRowStretch(r, 0);
    }
    if (columns == 3) {
        m_formGrid->addWidget(m_data, 0, 0);
        m_formGrid->addWidget(m_router, 0, 1);
        m_formGrid->addWidget(m_integration, 0, 2);
        m_formGrid->addWidget(m_expertsBox, 1, 0, 1, 2);
        m_formGrid->addWidget(m_training, 1, 2);
        m_formGrid->setRowStretch(2, 1);
    } else if (columns == 2) {
        m_formGrid->addWidget(m_data, 0, 0);
        m_formGrid->addWidget(m_router, 0, 1);
        m_formGrid->addWidget(m_integration, 1, 0);
        m_formGrid->addWidget(m_training, 1, 1);
        m_formGrid->addWidget(m_expertsBox, 2, 0, 1, 2);
        m_formGrid->setRowStretch(3, 1);
    } else {
        int row = 0;
        for (QWidget* w : {static_cast<QWidget*>(m_data), static_cast<QWidget*>(m_router),
                           static_cast<QWidget*>(m_expertsBox),
                           static_cast<QWidget*>(m_integration),
                           static_cast<QWidget*>(m_training)}) {
            m_formGrid->addWidget(w, row++, 0);
        }
        m_formGrid->setRowStretch(row, 1);
    }
}

void SetupView::arrangeRecursionColumns(int width) {
    const int columns =
        SetupRecursion::columnsFor(*m_formGrid, {m_data, m_recursion, m_training}, width);
    if (columns == m_formColumns && m_formRecursion) {
        return;
    }
    m_formColumns = columns;
    m_formRecursion = true;
    QWidget* sections[] = {m_data, m_router, m_integration, m_training, m_expertsBox, m_recursion};
    for (QWidget* w : sections) {
        m_formGrid->removeWidget(w);
    }
    SetupRecursion::placeSections(*m_formGrid, {m_data, m_recursion, m_training}, columns);
}

void SetupView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        // A demo's lesson in the new language, where the demo has one (<name>.de.md).
        if (const common::DemoInfo demo = common::DemoLibrary::find(m_lessonName);
            !demo.name.isEmpty()) {
            showLesson(demo.name, demo.description, demo.lesson());
        }
    }
    QWidget::changeEvent(event);
}

void SetupView::retranslateUi() {
    m_binding->retranslate();
    m_data->retranslate();
    m_data->update(m_config.data, m_config.model.family);
    m_router->setTitle(tr("Router"));
    m_recursion->setTitle(tr("Recursion"));
    m_familyLabel->setText(tr("&Model:"));
    m_expertsBox->setTitle(tr("Experts"));
    m_integration->setTitle(tr("Integration"));
    m_training->setTitle(tr("Training"));
    m_add->setText(tr("&Add"));
    m_remove->setText(tr("&Remove"));
    m_duplicate->setText(tr("D&uplicate"));
    m_presetLabel->setText(tr("&Preset:"));
    m_loadPreset->setText(tr("Load…"));
    m_savePreset->setText(tr("Save…"));
    m_nameLabel->setText(tr("Run &name:"));
    m_start->setText(tr("&Start training"));
    if (m_presets->count() > 0) {
        m_presets->setItemText(0, tr("Choose a demo…"));
    }
    if (m_lessonName.isEmpty()) {
        m_lessonTitle->setText(tr("Lesson"));
        m_lesson->setMarkdown(
            tr("Choose a demo above to load a ready-made experiment and read what it shows, "
               "or build your own configuration on the left."));
    }
    if (m_expertsBox) {
        validate();
    }
}

} // namespace setup
