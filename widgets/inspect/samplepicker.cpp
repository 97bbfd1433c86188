#include "inspect/samplepicker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace inspect {

int reflectionDepth(const mor::SampleTrace& trace) {
    int depth = 0;
    for (const mor::ExpertTrace& e : trace.experts) {
        depth = std::max(depth, e.haltStep);
    }
    return depth;
}

SamplePicker::SamplePicker(QWidget* parent)
    : QWidget(parent), m_stepCombo(new QComboBox(this)), m_filterCombo(new QComboBox(this)),
      m_deepest(new QCheckBox(tr("Deepest reflection first"), this)), m_list(new QListWidget(this)),
      m_prev(new QPushButton(tr("◀ Previous"), this)), m_next(new QPushButton(tr("Next ▶"), this)),
      m_position(new QLabel(this)) {
    m_stepCombo->setObjectName("evalStepCombo");
    m_filterCombo->setObjectName("filterCombo");
    // The pane never gets narrower than the longest filter text (German "Alle Eingaben" was cut).
    m_filterCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_deepest->setObjectName("deepestCheck");
    m_list->setObjectName("sampleList");
    m_stepCombo->setToolTip(
        tr("Training step of the evaluation (checkpoint) whose traces are shown"));
    auto* form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows); // a field too wide goes under its label
    form->addRow(tr("Evaluation step"), m_stepCombo);
    form->addRow(tr("Show"), m_filterCombo);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_prev);
    buttons->addWidget(m_next);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_deepest);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_position);
    layout->addLayout(buttons);
    fitWidth();
    rebuildFilterChoices();

    connect(m_stepCombo, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (i >= 0) {
            Q_EMIT stepChanged(m_stepCombo->itemData(i).toLongLong());
        }
    });
    connect(m_filterCombo, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &SamplePicker::rebuildList);
    connect(m_deepest, &QCheckBox::toggled, this, &SamplePicker::rebuildList);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        m_position->setText(row < 0 ? tr("%1 inputs").arg(m_list->count())
                                    : tr("%1 / %2").arg(row + 1).arg(m_list->count()));
        m_prev->setEnabled(row > 0);
        m_next->setEnabled(row >= 0 && row + 1 < m_list->count());
        if (row >= 0) {
            Q_EMIT sampleChosen(m_list->item(row)->data(Qt::UserRole).toLongLong());
        }
    });
    connect(m_prev, &QPushButton::clicked, this, &SamplePicker::previous);
    connect(m_next, &QPushButton::clicked, this, &SamplePicker::next);
}

void SamplePicker::setSteps(const std::vector<int64_t>& steps, int64_t current) {
    const QSignalBlocker blocker(m_stepCombo);
    m_stepCombo->clear();
    for (int64_t s : steps) {
        m_stepCombo->addItem(tr("step %1").arg(s), QVariant::fromValue<qlonglong>(s));
    }
    int index = m_stepCombo->findData(QVariant::fromValue<qlonglong>(current));
    m_stepCombo->setCurrentIndex(index >= 0 ? index : m_stepCombo->count() - 1);
}

int64_t SamplePicker::currentStep() const {
    return m_stepCombo->currentIndex() < 0 ? -1 : m_stepCombo->currentData().toLongLong();
}

void SamplePicker::setPreviews(QHash<qint64, QString> previews) {
    m_previews = std::move(previews);
}

void SamplePicker::setTraces(const std::vector<mor::SampleTrace>& traces) {
    m_traces = traces;
    rebuildFilterChoices();
    rebuildList();
}

void SamplePicker::rebuildFilterChoices() {
    const QString keep = m_filterCombo->currentText();
    std::set<int64_t> classes, domains;
    for (const mor::SampleTrace& t : m_traces) {
        classes.insert(t.label);
        domains.insert(t.domain);
    }
    const QSignalBlocker blocker(m_filterCombo);
    m_filterCombo->clear();
    m_filterCombo->addItem(tr("All inputs"), QVariantList{int(Filter::All), 0});
    m_filterCombo->addItem(tr("Wrong answers"), QVariantList{int(Filter::Wrong), 0});
    m_filterCombo->addItem(tr("Conflicted"), QVariantList{int(Filter::Conflicted), 0});
    for (int64_t c : classes) {
        m_filterCombo->addItem(tr("Class %1").arg(c),
                               QVariantList{int(Filter::Class), qlonglong(c)});
    }
    if (domains.size() > 1) {
        for (int64_t d : domains) {
            m_filterCombo->addItem(tr("Domain %1").arg(d),
                                   QVariantList{int(Filter::Domain), qlonglong(d)});
        }
    }
    const int index = m_filterCombo->findText(keep);
    m_filterCombo->setCurrentIndex(index >= 0 ? index : 0);
}

void SamplePicker::setFilter(Filter filter, int64_t value) {
    for (int i = 0; i < m_filterCombo->count(); ++i) {
        const QVariantList data = m_filterCombo->itemData(i).toList();
        if (data.value(0).toInt() == int(filter) &&
            (filter == Filter::All || filter == Filter::Wrong || filter == Filter::Conflicted ||
             data.value(1).toLongLong() == value)) {
            m_filterCombo->setCurrentIndex(i);
            return;
        }
    }
}

void SamplePicker::setDeepestFirst(bool on) {
    m_deepest->setChecked(on);
}

bool SamplePicker::passes(const mor::SampleTrace& trace) const {
    const QVariantList data = m_filterCombo->currentData().toList();
    const auto filter = Filter(data.value(0).toInt());
    const int64_t value = data.value(1).toLongLong();
    switch (filter) {
    case Filter::All:
        return true;
    case Filter::Wrong:
        return !trace.correct;
    case Filter::Conflicted:
        return trace.conflict;
    case Filter::Class:
        return trace.label == value;
    case Filter::Domain:
        return trace.domain == value;
    }
    return true;
}

void SamplePicker::rebuildList() {
    const int64_t keep = currentSample();
    std::vector<const mor::SampleTrace*> shown;
    for (const mor::SampleTrace& t : m_traces) {
        if (passes(t)) {
            shown.push_back(&t);
        }
    }
    if (m_deepest->isChecked()) {
        std::stable_sort(shown.begin(), shown.end(), [](const auto* a, const auto* b) {
            const int da = reflectionDepth(*a), db = reflectionDepth(*b);
            return da != db ? da > db : a->expertSteps > b->expertSteps;
        });
    }
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    int keepRow = -1;
    for (const mor::SampleTrace* t : shown) {
        auto* item =
            new QListWidgetItem(tr("#%1  y=%2 → %3 %4  depth %5%6")
                                    .arg(t->sampleId)
                                    .arg(t->label)
                                    .arg(t->finalPred)
                                    .arg(t->correct ? QStringLiteral("✓") : QStringLiteral("✗"))
                                    .arg(reflectionDepth(*t))
                                    .arg(t->conflict ? tr("  conflict") : QString()),
                                m_list);
        item->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(t->sampleId));
        item->setToolTip(m_previews.value(t->sampleId));
        item->setData(Qt::UserRole + 1, t->correct);
        if (t->sampleId == keep) {
            keepRow = m_list->count() - 1;
        }
    }
    colourItems();
    fitWidth();
    const int row = keepRow >= 0 ? keepRow : (m_list->count() > 0 ? 0 : -1);
    m_list->setCurrentRow(row);
    // Emit even when the row number did not change: the sample under it may have.
    m_position->setText(row < 0 ? tr("no input matches")
                                : tr("%1 / %2").arg(row + 1).arg(m_list->count()));
    m_prev->setEnabled(row > 0);
    m_next->setEnabled(row >= 0 && row + 1 < m_list->count());
    // Emit even for an empty list: the details of an input the filter hides must go too.
    Q_EMIT sampleChosen(row >= 0 ? m_list->item(row)->data(Qt::UserRole).toLongLong() : -1);
}

void SamplePicker::colourItems() {
    // Right answers keep the theme's text colour; wrong ones a red readable on it.
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    const QColor wrong = dark ? QColor(0xff, 0x7b, 0x7b) : QColor(0xc0, 0x20, 0x20);
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (item->data(Qt::UserRole + 1).toBool()) {
            item->setData(Qt::ForegroundRole, QVariant()); // follows the palette
        } else {
            item->setForeground(wrong);
        }
    }
}

void SamplePicker::fitWidth() {
    // Never narrower than the widest entry: the design 220 px cut off "depth 4" at the 1.5x
    // font of presentation mode (the splitter widens the pane to this minimum).
    const int entries = m_list->count() > 0 ? m_list->sizeHintForColumn(0) : 0;
    const int list = entries + 2 * m_list->frameWidth() +
                     m_list->verticalScrollBar()->sizeHint().width() + 4;
    const int width = std::max(220, list);
    if (minimumWidth() != width) {
        setMinimumWidth(width);
    }
}

void SamplePicker::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        // The list's items take the new font after this event: measure them afterwards.
        QMetaObject::invokeMethod(this, &SamplePicker::fitWidth, Qt::QueuedConnection);
    }
    if (event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::ApplicationPaletteChange) {
        colourItems();
        // The widget's own palette may resolve after the application's change: again then.
        QMetaObject::invokeMethod(this, &SamplePicker::colourItems, Qt::QueuedConnection);
    }
    QWidget::changeEvent(event);
}

void SamplePicker::addTrace(const mor::SampleTrace& trace) {
    const auto it = std::find_if(m_traces.begin(), m_traces.end(), [&](const auto& t) {
        return t.sampleId == trace.sampleId;
    });
    if (it != m_traces.end()) {
        *it = trace;
    } else {
        m_traces.push_back(trace);
    }
    const QSignalBlocker blocker(this);
    rebuildFilterChoices();
    rebuildList();
}

void SamplePicker::clearSelection() {
    const QSignalBlocker blocker(m_list);
    m_list->setCurrentRow(-1);
    m_list->clearSelection();
    m_position->setText(tr("%1 inputs").arg(m_list->count()));
    m_prev->setEnabled(false);
    m_next->setEnabled(m_list->count() > 0);
}

std::vector<int64_t> SamplePicker::filteredIds() const {
    std::vector<int64_t> ids;
    for (int i = 0; i < m_list->count(); ++i) {
        ids.push_back(m_list->item(i)->data(Qt::UserRole).toLongLong());
    }
    return ids;
}

int64_t SamplePicker::currentSample() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toLongLong() : -1;
}

bool SamplePicker::selectSample(int64_t sampleId) {
    auto find = [this, sampleId] {
        for (int i = 0; i < m_list->count(); ++i) {
            if (m_list->item(i)->data(Qt::UserRole).toLongLong() == sampleId) {
                return i;
            }
        }
        return -1;
    };
    int row = find();
    if (row < 0) {
        setFilter(Filter::All);
        row = find();
    }
    if (row < 0) {
        return false;
    }
    if (row == m_list->currentRow()) {
        Q_EMIT sampleChosen(sampleId);
    } else {
        m_list->setCurrentRow(row);
    }
    return true;
}

void SamplePicker::previous() {
    if (m_list->currentRow() > 0) {
        m_list->setCurrentRow(m_list->currentRow() - 1);
    }
}

void SamplePicker::next() {
    if (m_list->currentRow() < 0 && m_list->count() > 0) {
        m_list->setCurrentRow(0);
    } else if (m_list->currentRow() + 1 < m_list->count()) {
        m_list->setCurrentRow(m_list->currentRow() + 1);
    }
}

} // namespace inspect
