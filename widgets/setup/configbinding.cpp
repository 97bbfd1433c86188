#include "setup/configbinding.h"

#include <QApplication>
#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace setup {

namespace {
/// Marks a widget as invalid with a red tint of its field (a style sheet would switch spin
/// boxes and combos to style-sheet rendering and lose their native arrows).
void markInvalid(QWidget* w, bool invalid) {
    if (!invalid) {
        w->setPalette(QPalette());
        return;
    }
    const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
    const QColor tint = dark ? QColor(110, 35, 35) : QColor(255, 205, 205);
    QPalette p = QApplication::palette();
    p.setColor(QPalette::Base, tint);
    p.setColor(QPalette::Button, tint);
    w->setPalette(p);
}

/// Does a validator field path name the bound path? ("model.router.top_k" names itself;
/// "data.path" also names a binding "data.path" exactly; no fuzzy matching beyond that.)
bool names(const std::string& field, const QString& path) {
    const QString f = QString::fromStdString(field);
    return f == path || f.startsWith(path + QLatin1Char('.')) ||
           f.startsWith(path + QLatin1Char('['));
}
} // namespace

ConfigBinding::ConfigBinding(QObject* parent) : QObject(parent) {}

void ConfigBinding::add(Binding binding) {
    binding.toolTip = binding.widget->toolTip();
    binding.widget->setObjectName(binding.path);
    m_bindings.push_back(std::move(binding));
}

void ConfigBinding::bind(QSpinBox* w, const QString& path, std::function<int64_t&(Config&)> field) {
    add({w,
         path,
         {},
         [w, field](const Config& c) {
             const int v = static_cast<int>(field(const_cast<Config&>(c)));
             if (w->value() != v) {
                 w->setValue(v);
             }
         },
         [w, field](Config& c) { field(c) = w->value(); }});
    connect(w, qOverload<int>(&QSpinBox::valueChanged), this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

void ConfigBinding::bind(QDoubleSpinBox* w, const QString& path,
                         std::function<double&(Config&)> field) {
    add({w,
         path,
         {},
         [w, field](const Config& c) {
             const double v = field(const_cast<Config&>(c));
             if (w->value() != v) {
                 w->setValue(v);
             }
         },
         [w, field](Config& c) { field(c) = w->value(); }});
    connect(w, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

void ConfigBinding::bind(QComboBox* w, const QString& path,
                         std::function<std::string&(Config&)> field) {
    bindCombo(
        w, path,
        [field](const Config& c) { return QString::fromStdString(field(const_cast<Config&>(c))); },
        [field](Config& c, const QString& value) { field(c) = value.toStdString(); });
}

void ConfigBinding::bindCombo(QComboBox* w, const QString& path,
                              std::function<QString(const Config&)> get,
                              std::function<void(Config&, const QString&)> set) {
    add({w,
         path,
         {},
         [w, get](const Config& c) {
             const QString v = get(c);
             int index = w->findData(v);
             if (index < 0) {
                 // A value the combo does not offer (e.g. from a hand-written preset): show it
                 // so the validator's message has something to point at.
                 w->addItem(v, v);
                 index = w->count() - 1;
             }
             if (w->currentIndex() != index) {
                 w->setCurrentIndex(index);
             }
         },
         [w, set](Config& c) { set(c, w->currentData().toString()); }});
    connect(w, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

void ConfigBinding::bind(QLineEdit* w, const QString& path,
                         std::function<std::string&(Config&)> field) {
    add({w,
         path,
         {},
         [w, field](const Config& c) {
             const QString v = QString::fromStdString(field(const_cast<Config&>(c)));
             if (w->text() != v) {
                 w->setText(v);
             }
         },
         [w, field](Config& c) { field(c) = w->text().toStdString(); }});
    connect(w, &QLineEdit::textEdited, this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

void ConfigBinding::bind(QCheckBox* w, const QString& path, std::function<bool&(Config&)> field) {
    add({w,
         path,
         {},
         [w, field](const Config& c) {
             const bool v = field(const_cast<Config&>(c));
             if (w->isChecked() != v) {
                 w->setChecked(v);
             }
         },
         [w, field](Config& c) { field(c) = w->isChecked(); }});
    connect(w, &QCheckBox::toggled, this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

namespace {
std::vector<std::string> splitList(const QString& text) {
    std::vector<std::string> items;
    for (const QString& s : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!s.trimmed().isEmpty()) {
            items.push_back(s.trimmed().toStdString());
        }
    }
    return items;
}
} // namespace

void ConfigBinding::bindList(QLineEdit* w, const QString& path,
                             std::function<std::vector<std::string>&(Config&)> field) {
    add({w,
         path,
         {},
         [w, field](const Config& c) {
             const std::vector<std::string>& list = field(const_cast<Config&>(c));
             // Compare parsed lists, not text, so a half-typed "a, " keeps its comma.
             if (splitList(w->text()) == list) {
                 return;
             }
             QStringList items;
             for (const std::string& s : list) {
                 items << QString::fromStdString(s);
             }
             w->setText(items.join(QStringLiteral(", ")));
         },
         [w, field](Config& c) { field(c) = splitList(w->text()); }});
    connect(w, &QLineEdit::textEdited, this, [this, path] {
        if (!m_loading) {
            Q_EMIT edited(path);
        }
    });
}

void ConfigBinding::addRow(QFormLayout* form, const char* label, QWidget* field, bool advanced) {
    auto* text = new QLabel(form->parentWidget());
    text->setBuddy(field);
    form->addRow(text, field);
    m_rows.push_back({text, field, form, label, advanced, true});
    text->setText(QCoreApplication::translate("setup::SetupView", label));
}

void ConfigBinding::setToolTip(QWidget* w, const char* source) {
    w->setProperty("morToolTip", QByteArray(source));
    w->setToolTip(QCoreApplication::translate("setup::SetupView", source));
}

QString ConfigBinding::ownToolTip(const Binding& binding) const {
    const QByteArray source = binding.widget->property("morToolTip").toByteArray();
    return source.isEmpty() ? binding.toolTip
                            : QCoreApplication::translate("setup::SetupView", source.constData());
}

void ConfigBinding::retranslate() {
    for (const Binding& b : m_bindings) {
        if (!b.widget->property("validationError").isValid()) {
            b.widget->setToolTip(ownToolTip(b));
        }
    }
    for (Row& row : m_rows) {
        row.label->setText(QCoreApplication::translate("setup::SetupView", row.text));
        // A spin box's text for its minimum ("all cores"), kept untranslated in a property.
        auto* spin = qobject_cast<QAbstractSpinBox*>(row.field);
        const QByteArray special = spin ? spin->property("morSpecialText").toByteArray() : "";
        if (!special.isEmpty()) {
            spin->setSpecialValueText(
                QCoreApplication::translate("setup::SetupView", special.constData()));
        }
    }
}

bool ConfigBinding::rowHasError(const Row& row) const {
    for (const Binding& b : m_bindings) {
        if ((b.widget == row.field || row.field->isAncestorOf(b.widget)) &&
            b.widget->property("validationError").isValid()) {
            return true;
        }
    }
    return false;
}

void ConfigBinding::updateRow(Row& row) {
    row.form->setRowVisible(row.field, (row.visible && (m_advancedVisible || !row.advanced)) ||
                                           rowHasError(row));
}

void ConfigBinding::setRowVisible(const QString& path, bool visible) {
    QWidget* w = widget(path);
    for (Row& row : m_rows) {
        if (row.field == w || (w && row.field->isAncestorOf(w))) {
            row.visible = visible;
            updateRow(row);
        }
    }
}

void ConfigBinding::setAdvancedVisible(bool visible) {
    m_advancedVisible = visible;
    for (Row& row : m_rows) {
        updateRow(row);
    }
}

void ConfigBinding::load(const Config& config) {
    m_loading = true;
    for (const Binding& b : m_bindings) {
        b.load(config);
    }
    m_loading = false;
}

void ConfigBinding::store(Config& config) const {
    for (const Binding& b : m_bindings) {
        b.store(config);
    }
}

void ConfigBinding::store(Config& config, const QString& path) const {
    for (const Binding& b : m_bindings) {
        if (b.path == path) {
            b.store(config);
        }
    }
}

std::vector<mor::ConfigError>
ConfigBinding::showErrors(const std::vector<mor::ConfigError>& errors) {
    std::vector<bool> claimed(errors.size(), false);
    for (Binding& b : m_bindings) {
        QStringList messages;
        for (size_t i = 0; i < errors.size(); ++i) {
            if (names(errors[i].field, b.path)) {
                messages << QString::fromStdString(errors[i].message);
                claimed[i] = true;
            }
        }
        if (messages.isEmpty()) {
            markInvalid(b.widget, false);
            b.widget->setToolTip(ownToolTip(b));
            b.widget->setProperty("validationError", QVariant());
        } else {
            markInvalid(b.widget, true);
            b.widget->setToolTip(messages.join(QLatin1Char('\n')));
            b.widget->setProperty("validationError", messages.join(QLatin1Char('\n')));
        }
    }
    for (Row& row : m_rows) {
        updateRow(row);
    }
    std::vector<mor::ConfigError> rest;
    for (size_t i = 0; i < errors.size(); ++i) {
        if (!claimed[i]) {
            rest.push_back(errors[i]);
        }
    }
    return rest;
}

QWidget* ConfigBinding::widget(const QString& path) const {
    for (const Binding& b : m_bindings) {
        if (b.path == path) {
            return b.widget;
        }
    }
    return nullptr;
}

} // namespace setup
