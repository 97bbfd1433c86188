#pragma once
// Binds form widgets to fields of an ExperimentConfig by their dotted JSON path
// ("model.router.top_k"), so the setup view can copy a config into its widgets, read the
// edited config back, and flag the widget a validator message names.
#include "mor/config.h"

#include <QComboBox>
#include <QObject>
#include <QString>

#include <functional>
#include <string>
#include <utility>
#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QWidget;

/// Gives a reference to one field of a config: MOR_FIELD(model.router.topK).
#define MOR_FIELD(member)                                                                          \
    [](mor::ExperimentConfig & c) -> auto& {                                                       \
        return c.member;                                                                           \
    }

namespace setup {

class ConfigBinding : public QObject {
    Q_OBJECT
public:
    using Config = mor::ExperimentConfig;
    explicit ConfigBinding(QObject* parent = nullptr);

    void bind(QSpinBox* w, const QString& path, std::function<int64_t&(Config&)> field);
    void bind(QDoubleSpinBox* w, const QString& path, std::function<double&(Config&)> field);
    /// Combo items carry the JSON value as their item data.
    void bind(QComboBox* w, const QString& path, std::function<std::string&(Config&)> field);
    /// A config enum in a combo: one item per (value, JSON name), the JSON name shown and
    /// carried as item data (as model.family: mor::familyNames()). offerEvery false: only the
    /// items the combo already has are offered (another value gets an item when loaded).
    template <class E>
    void bindChoice(QComboBox* w, const QString& path, std::function<E&(Config&)> field,
                    const std::vector<std::pair<E, std::string>>& names, bool offerEvery = true) {
        bindCombo(
            w, path,
            [field, names](const Config& c) {
                const E value = field(const_cast<Config&>(c));
                for (const auto& [v, name] : names) {
                    if (v == value) {
                        return QString::fromStdString(name);
                    }
                }
                return QString();
            },
            [field, names](Config& c, const QString& text) {
                for (const auto& [v, name] : names) {
                    if (QString::fromStdString(name) == text) {
                        field(c) = v;
                    }
                }
            });
        for (const auto& [v, name] : names) {
            if (offerEvery && w->findData(QString::fromStdString(name)) < 0) {
                w->addItem(QString::fromStdString(name), QString::fromStdString(name));
            }
        }
    }
    void bind(QLineEdit* w, const QString& path, std::function<std::string&(Config&)> field);
    void bind(QCheckBox* w, const QString& path, std::function<bool&(Config&)> field);
    /// A comma-separated list in a line edit.
    void bindList(QLineEdit* w, const QString& path,
                  std::function<std::vector<std::string>&(Config&)> field);
    /// Gives `w` a tooltip by its untranslated text (context "setup::SetupView"), shown again in
    /// the current language by retranslate() and when a validation error on `w` goes away.
    void setToolTip(QWidget* w, const char* source);
    /// Reports an edit made by code on the user's behalf (e.g. a file picked in a dialog).
    void notifyEdited(const QString& path) { Q_EMIT edited(path); }

    /// Adds `field` to `form` under a label translated in the "setup::SetupView" context (the label
    /// is retranslated by retranslate()); `advanced` rows hide in presentation mode.
    void addRow(QFormLayout* form, const char* label, QWidget* field, bool advanced = false);
    void retranslate();
    /// Shows or hides the form row of the widget bound to `path` (a row whose widget has a
    /// validation error stays shown, so the message always has a field to point at).
    void setRowVisible(const QString& path, bool visible);
    void setAdvancedVisible(bool visible);

    /// Copies the config into every bound widget without emitting edited().
    void load(const Config& config);
    /// Copies every bound widget into `config`.
    void store(Config& config) const;
    /// Copies only the widget bound to `path` into `config` (an edit changes that field alone,
    /// so a value a widget shows rounded is never written back by an edit of another field).
    void store(Config& config, const QString& path) const;

    /// Flags the widgets whose path an error names (red tint, tooltip) and clears the
    /// others. Returns the errors no widget claimed.
    std::vector<mor::ConfigError> showErrors(const std::vector<mor::ConfigError>& errors);
    QWidget* widget(const QString& path) const;

Q_SIGNALS:
    /// The user changed the widget bound to `path`.
    void edited(const QString& path);

private:
    struct Binding {
        QWidget* widget = nullptr;
        QString path;
        QString toolTip; ///< the widget's own tooltip, restored when its error goes away
        std::function<void(const Config&)> load;
        std::function<void(Config&)> store;
    };
    struct Row {
        QLabel* label = nullptr;
        QWidget* field = nullptr;
        QFormLayout* form = nullptr;
        const char* text = nullptr;
        bool advanced = false;
        bool visible = true;
    };
    void add(Binding binding);
    void bindCombo(QComboBox* w, const QString& path, std::function<QString(const Config&)> get,
                   std::function<void(Config&, const QString&)> set);
    void updateRow(Row& row);
    bool rowHasError(const Row& row) const;
    QString ownToolTip(const Binding& binding) const;

    std::vector<Binding> m_bindings;
    std::vector<Row> m_rows;
    bool m_loading = false;
    bool m_advancedVisible = true;
};

} // namespace setup
