#pragma once
// View 1: build an experiment config (data set, router, experts, integration, training; for
// model.family "recursion" the data set, the recursion section and training), from scratch or from a bundled demo / saved preset. Every edit is re-validated with
// mor::validateConfig (the CLI's messages) and flagged at the widget it concerns; Start stays
// disabled while the config is invalid. Edits go on an undo stack.
#include "common/metatypes.h"

#include <QUndoStack>
#include <QWidget>

class QComboBox;
class QGridLayout;
class QGroupBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QTableView;
class QTextBrowser;

namespace setup {

class ConfigBinding;
class DatasetSection;
class ExpertTableModel;

class SetupView : public QWidget {
    Q_OBJECT
public:
    explicit SetupView(QWidget* parent = nullptr);
    ~SetupView() override;

    const mor::ExperimentConfig& config() const { return m_config; }
    /// Replaces the whole config as one undoable step.
    void setConfig(const mor::ExperimentConfig& config, const QString& undoText = {});
    bool isValid() const { return m_errors.empty(); }
    const std::vector<mor::ConfigError>& errors() const { return m_errors; }
    QUndoStack* undoStack() { return &m_undo; }

    /// Loads a bundled demo by name and shows its lesson. False when there is no such demo.
    bool loadDemo(const QString& name);
    bool loadPreset(const QString& path, QString* error);
    /// Loads the config a run was trained with (its config JSON in the log), undoably.
    bool loadRunConfig(const std::string& configJson, const QString& title, QString* error);
    /// Writes the config as JSON; a name without ".json" gets it (so Load lists the file).
    /// Emits presetSaved() with the file written.
    bool savePreset(const QString& path, QString* error);
    /// `path` as savePreset() writes it: with the ".json" suffix.
    static QString presetFilePath(const QString& path);
    /// What "New experiment" (and a fresh window) starts from: the config defaults on 6-bit
    /// parity (learnt in well under a minute), with one core left free for the window.
    static mor::ExperimentConfig newExperimentConfig();
    /// The preset box: the loaded demo while the config is still that demo's, else the
    /// "Choose a demo…" entry.
    QComboBox* presetBox() const { return m_presets; }
    /// Disables Start while a run trains.
    void setTrainingActive(bool active);
    /// Hides advanced rows (presentation mode).
    void setAdvancedVisible(bool visible);

    /// For tests and the main window: the widget bound to a dotted config path, Start, the
    /// validation message label, the expert table.
    QWidget* fieldWidget(const QString& path) const;
    QPushButton* startButton() const { return m_start; }
    QLabel* messageLabel() const { return m_message; }
    ExpertTableModel* expertModel() const { return m_experts; }
    QTableView* expertView() const { return m_expertView; }

Q_SIGNALS:
    void startRequested(const mor::ExperimentConfig& config);
    void configChanged();
    /// A demo or preset was loaded (title for the window, lesson Markdown).
    void lessonChanged(const QString& title, const QString& markdown);
    /// A preset was written to `path` (the window confirms it in its status bar).
    void presetSaved(const QString& path);

public:
    /// Columns the form is laid out in now: 3 when they fit the width, else 2, else 1.
    int formColumns() const { return m_formColumns; }

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildExperts();
    void onEdited(const QString& path);
    void pushConfig(const QString& text, const QString& mergeKey, mor::ExperimentConfig next);
    void apply(const mor::ExperimentConfig& config);
    void validate();
    void addExpert(bool duplicate);
    void removeExperts();
    void fillPresets();
    void syncPresetBox();
    bool applyLoaded(const mor::ConfigParseResult& result, const QString& undoText,
                     QString* error);
    void showLesson(const QString& title, const QString& description, const QString& lesson);
    void retranslateUi();
    /// Lays the sections out in as many columns (3, 2, 1) as fit the scroll area's width:
    /// a column is never cut off (Integration was, at 1280x800 with the lesson beside it).
    void arrangeFormColumns();
    /// The same for the recursion family: data set, recursion, training.
    void arrangeRecursionColumns(int width);

    mor::ExperimentConfig m_config;
    std::vector<mor::ConfigError> m_errors;
    QUndoStack m_undo;
    bool m_trainingActive = false;
    ConfigBinding* m_binding = nullptr;
    DatasetSection* m_data = nullptr;
    QGroupBox* m_router = nullptr;
    QGroupBox* m_expertsBox = nullptr;
    QGroupBox* m_integration = nullptr;
    QGroupBox* m_training = nullptr;
    QGroupBox* m_recursion = nullptr; ///< model.family "recursion" only
    QComboBox* m_family = nullptr;
    QLabel* m_familyLabel = nullptr;
    QWidget* m_form = nullptr;
    QGridLayout* m_formGrid = nullptr;
    QScrollArea* m_formScroll = nullptr;
    int m_formColumns = 0; ///< 0 until first arranged
    bool m_formRecursion = false; ///< the arrangement is the recursion family's
    ExpertTableModel* m_experts = nullptr;
    QTableView* m_expertView = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_duplicate = nullptr;
    QComboBox* m_presets = nullptr;
    QPushButton* m_loadPreset = nullptr;
    QPushButton* m_savePreset = nullptr;
    QLabel* m_presetLabel = nullptr;
    QLabel* m_nameLabel = nullptr;
    QLabel* m_lessonTitle = nullptr;
    QTextBrowser* m_lesson = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_start = nullptr;
    QString m_lessonName;
    QString m_presetName; ///< the demo last loaded ("" after loading a file)
    std::string m_presetJson; ///< its config as loaded, to tell when it was edited
};

} // namespace setup
