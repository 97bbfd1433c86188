#include "inspect/tracecomparison.h"

#include "common/plotstyle.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace inspect {

namespace {

enum Col { ColWhat, ColGate, ColDraft, ColProb, ColCritique, ColHalt, ColNote, ColCount };

QTreeWidgetItem* findChildItem(QTreeWidgetItem* parent, int key) {
    for (int i = 0; i < parent->childCount(); ++i) {
        if (parent->child(i)->data(ColWhat, Qt::UserRole).toInt() == key) {
            return parent->child(i);
        }
    }
    return nullptr;
}

QTreeWidgetItem* findTopItem(QTreeWidget* tree, int expert) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        if (tree->topLevelItem(i)->data(ColWhat, Qt::UserRole).toInt() == expert) {
            return tree->topLevelItem(i);
        }
    }
    return nullptr;
}

/// Bold where `item`'s text differs from `reference` (missing reference: all bold).
void markItem(QTreeWidgetItem* item, QTreeWidgetItem* reference) {
    for (int c = 0; c < ColCount; ++c) {
        QFont font = item->font(c);
        font.setBold(!reference || reference->text(c) != item->text(c));
        item->setFont(c, font);
    }
}

void setValue(QLabel* label, const QString& text, const QVariant& value) {
    label->setText(text);
    label->setProperty("value", value);
}

} // namespace

float answerConfidence(const mor::SampleTrace& t) {
    return t.finalPred >= 0 && size_t(t.finalPred) < t.fusedProbs.size()
               ? t.fusedProbs[size_t(t.finalPred)]
               : 0.f;
}

TraceComparison::TraceComparison(QWidget* parent) : QWidget(parent), m_summary(new QLabel(this)) {
    setObjectName("traceComparison");
    m_summary->setObjectName("cfSummary");
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* columns = new QHBoxLayout;
    columns->addWidget(makeColumn(m_columns[Original], QStringLiteral("original")), 1);
    columns->addWidget(makeColumn(m_columns[Changed], QStringLiteral("changed")), 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addLayout(columns, 1);
    clear(tr("Pick an input, choose a change above and press Run what-if."));
}

QWidget* TraceComparison::makeColumn(Column& column, const QString& name) {
    auto* box = new QWidget(this);
    box->setObjectName(name + QStringLiteral("Column"));
    column.title = new QLabel(box);
    column.title->setObjectName(name + QStringLiteral("Title"));
    column.title->setWordWrap(true);
    QFont bold = column.title->font();
    bold.setBold(true);
    column.title->setFont(bold);
    auto makeField = [box, &name](const char* field) {
        auto* label = new QLabel(box);
        label->setObjectName(name + QLatin1String("_") + QLatin1String(field));
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };
    column.answer = makeField("answer");
    column.confidence = makeField("confidence");
    column.conflict = makeField("conflict");
    column.verdict = makeField("verdict");
    column.expertSteps = makeField("expertSteps");
    auto* form = new QFormLayout;
    form->addRow(tr("Fused answer"), column.answer);
    form->addRow(tr("Confidence"), column.confidence);
    form->addRow(tr("Conflict score D"), column.conflict);
    form->addRow(tr("Verdict"), column.verdict);
    form->addRow(tr("Expert-steps"), column.expertSteps);
    column.tree = new QTreeWidget(box);
    column.tree->setObjectName(name + QStringLiteral("Tree"));
    column.tree->setColumnCount(ColCount);
    column.tree->setHeaderLabels({tr("Expert / step"), tr("Gate"), tr("Draft"), tr("p(draft)"),
                                  tr("Critique"), tr("Halt λ"), tr("Halting")});
    column.tree->setRootIsDecorated(true);
    column.tree->setUniformRowHeights(true);
    column.tree->header()->setStretchLastSection(true);
    // Empty until a what-if runs: each column as wide as its header text (German
    // "Experte / Schritt" was cut by the default section width at 1280x800).
    for (int c = 0; c < ColCount - 1; ++c) {
        column.tree->resizeColumnToContents(c);
    }
    column.tree->setMinimumHeight(160);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(column.title);
    layout->addLayout(form);
    layout->addWidget(column.tree, 1);
    return box;
}

QLabel* TraceComparison::field(Side side, const QString& name) const {
    const Column& c = m_columns[side];
    if (name == QLatin1String("answer")) {
        return c.answer;
    }
    if (name == QLatin1String("confidence")) {
        return c.confidence;
    }
    if (name == QLatin1String("conflict")) {
        return c.conflict;
    }
    if (name == QLatin1String("verdict")) {
        return c.verdict;
    }
    return name == QLatin1String("expertSteps") ? c.expertSteps : nullptr;
}

QString TraceComparison::summary() const {
    return m_summary->text();
}

void TraceComparison::clear(const QString& message) {
    for (Column& c : m_columns) {
        c.tree->clear();
        for (QLabel* l : {c.answer, c.confidence, c.conflict, c.verdict, c.expertSteps}) {
            setValue(l, QStringLiteral("–"), QVariant());
        }
    }
    m_columns[Original].title->setText(tr("Original"));
    m_columns[Changed].title->setText(tr("What if"));
    m_summary->setText(message);
}

void TraceComparison::setTraces(const mor::SampleTrace& original, const mor::SampleTrace& changed,
                                const QString& what) {
    m_columns[Original].title->setText(tr("Original (input #%1)").arg(original.sampleId));
    m_columns[Changed].title->setText(tr("What if: %1").arg(what));
    fill(m_columns[Original], original);
    fill(m_columns[Changed], changed);
    markDifferences();
    m_summary->setText(changeSummary(original, changed));
}

void TraceComparison::fill(Column& column, const mor::SampleTrace& t) {
    const float confidence = answerConfidence(t);
    setValue(column.answer, QString::number(t.finalPred), qlonglong(t.finalPred));
    setValue(column.confidence, common::fmt(confidence, 4), double(confidence));
    setValue(column.conflict,
             common::fmt(t.conflictScore, 4) + (t.conflict ? tr("  (conflict)") : QString()),
             double(t.conflictScore));
    const QString verdict = t.label < 0 ? tr("no label") : (t.correct ? tr("right") : tr("wrong"));
    setValue(column.verdict, verdict, t.correct);
    if (t.label >= 0) {
        column.verdict->setStyleSheet(QStringLiteral("color: %1; font-weight: bold")
                                          .arg(common::verdictColor(t.correct).name()));
    } else {
        column.verdict->setStyleSheet(QString());
    }
    setValue(column.expertSteps, QString::number(t.expertSteps), t.expertSteps);

    QTreeWidget* tree = column.tree;
    tree->clear();
    for (const mor::ExpertTrace& e : t.experts) {
        auto* top = new QTreeWidgetItem(tree);
        top->setText(ColWhat, tr("E%1").arg(e.expert));
        top->setData(ColWhat, Qt::UserRole, e.expert);
        top->setForeground(ColWhat, common::expertColor(e.expert));
        top->setText(ColGate, common::fmt(e.gate, 4));
        top->setData(ColGate, Qt::UserRole, double(e.gate));
        top->setText(ColDraft, QString::number(e.pred));
        top->setData(ColDraft, Qt::UserRole, qlonglong(e.pred));
        top->setText(ColProb, common::fmt(e.confidence, 4));
        top->setData(ColProb, Qt::UserRole, double(e.confidence));
        top->setText(ColNote, tr("halts at t=%1").arg(e.haltStep));
        top->setData(ColNote, Qt::UserRole, e.haltStep);
        for (const mor::StepTrace& s : e.steps) {
            auto* item = new QTreeWidgetItem(top);
            item->setText(ColWhat, tr("t=%1").arg(s.iteration));
            item->setData(ColWhat, Qt::UserRole, s.iteration);
            const bool known = t.label >= 0;
            item->setText(ColDraft,
                          QString::number(s.pred) +
                              (known ? (s.correct ? QStringLiteral(" ✓") : QStringLiteral(" ✗"))
                                     : QString()));
            item->setData(ColDraft, Qt::UserRole, qlonglong(s.pred));
            if (known) {
                item->setForeground(ColDraft, common::verdictColor(s.correct));
            }
            const double p = s.pred >= 0 && size_t(s.pred) < s.probs.size()
                                 ? double(s.probs[size_t(s.pred)])
                                 : 0.0;
            item->setText(ColProb, common::fmt(p, 4));
            item->setData(ColProb, Qt::UserRole, p);
            item->setText(ColCritique, common::fmt(s.critique, 4));
            item->setData(ColCritique, Qt::UserRole, double(s.critique));
            item->setText(ColHalt, common::fmt(s.haltProb, 4));
            item->setData(ColHalt, Qt::UserRole, double(s.haltProb));
            if (s.iteration == e.haltStep) {
                item->setText(ColNote, tr("← answer"));
            } else if (s.iteration > int(e.steps.size()) - e.extraSteps) {
                item->setText(ColNote, tr("re-reflection"));
            }
        }
    }
    tree->expandAll();
    for (int c = 0; c < ColCount - 1; ++c) {
        tree->resizeColumnToContents(c);
    }
}

void TraceComparison::markDifferences() {
    QTreeWidget* before = m_columns[Original].tree;
    QTreeWidget* after = m_columns[Changed].tree;
    for (int i = 0; i < after->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = after->topLevelItem(i);
        QTreeWidgetItem* ref = findTopItem(before, top->data(ColWhat, Qt::UserRole).toInt());
        markItem(top, ref);
        for (int j = 0; j < top->childCount(); ++j) {
            QTreeWidgetItem* step = top->child(j);
            markItem(step,
                     ref ? findChildItem(ref, step->data(ColWhat, Qt::UserRole).toInt()) : nullptr);
        }
    }
    const auto markLabel = [](QLabel* a, QLabel* b) {
        QFont font = b->font();
        font.setBold(a->text() != b->text());
        b->setFont(font);
    };
    const Column& o = m_columns[Original];
    const Column& c = m_columns[Changed];
    markLabel(o.answer, c.answer);
    markLabel(o.confidence, c.confidence);
    markLabel(o.conflict, c.conflict);
    markLabel(o.expertSteps, c.expertSteps);
}

QString TraceComparison::changeSummary(const mor::SampleTrace& a, const mor::SampleTrace& b) {
    const auto verdict = [](const mor::SampleTrace& t) {
        return t.label < 0 ? QString() : (t.correct ? tr(" (right)") : tr(" (wrong)"));
    };
    QString answer;
    if (a.finalPred == b.finalPred && a.correct == b.correct) {
        answer = tr("answer %1%2 unchanged").arg(a.finalPred).arg(verdict(a));
    } else {
        answer = tr("answer %1%2 → %3%4")
                     .arg(a.finalPred)
                     .arg(verdict(a))
                     .arg(b.finalPred)
                     .arg(verdict(b));
    }
    return tr("What changed: %1, confidence %2 → %3, conflict D %4 → %5, expert-steps %6 → %7")
        .arg(answer)
        .arg(common::fmt(answerConfidence(a), 3))
        .arg(common::fmt(answerConfidence(b), 3))
        .arg(common::fmt(a.conflictScore, 3))
        .arg(common::fmt(b.conflictScore, 3))
        .arg(a.expertSteps)
        .arg(b.expertSteps);
}

} // namespace inspect
