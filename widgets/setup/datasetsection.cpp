#include "setup/datasetsection.h"

#include "setup/configbinding.h"
#include "setup/setupsections.h"

#include "mor/dataset.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace setup {

namespace {
constexpr int kDatasetPreviewRows = 20;
} // namespace

DatasetSection::DatasetSection(ConfigBinding& b, QWidget* parent)
    : QGroupBox(parent), m_binding(b) {
    using SetupSections::choice;
    using SetupSections::intSpin;
    using SetupSections::realSpin;
    auto* outer = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    outer->addLayout(form);

    // The classification sets (model.family "reflection"), then the token-sequence tasks
    // ("recursion"); update() offers only the family's own.
    m_kind = choice(this, {QStringLiteral("parity"), QStringLiteral("modular"),
                           QStringLiteral("majority"), QStringLiteral("mixed"),
                           QStringLiteral("csv"), QStringLiteral("idx"), QStringLiteral("text"),
                           QStringLiteral("running_parity"), QStringLiteral("addition"),
                           QStringLiteral("pointer_chase")});
    auto* kind = m_kind;
    // The 2-D point sets are the Playground's: offered only when a loaded config has one.
    b.bindChoice<mor::DataKind>(kind, QStringLiteral("data.kind"), MOR_FIELD(data.kind),
                                mor::dataKindNames(), false);
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Kind"), kind);

    auto* samples = intSpin(this, 0, 10000000);
    samples->setSingleStep(500);
    b.bind(samples, QStringLiteral("data.samples"), MOR_FIELD(data.samples));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Samples"), samples);
    auto* length = intSpin(this, 0, 4096);
    b.bind(length, QStringLiteral("data.length"), MOR_FIELD(data.length));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Length (bits)"), length);
    auto* modulus = intSpin(this, 0, 100000);
    b.bind(modulus, QStringLiteral("data.modulus"), MOR_FIELD(data.modulus));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Modulus"), modulus);
    auto* operands = intSpin(this, 0, 64);
    b.bind(operands, QStringLiteral("data.operands"), MOR_FIELD(data.operands));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Operands"), operands);
    auto* domains = new QLineEdit(this);
    b.bindList(domains, QStringLiteral("data.domains"), MOR_FIELD(data.domains));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Domains"), domains);
    auto* noise = realSpin(this, -1.0, 2.0, 3, 0.01);
    b.bind(noise, QStringLiteral("data.label_noise"), MOR_FIELD(data.labelNoise));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Label noise"), noise, true);

    auto* csvPath = new QLineEdit(this);
    b.bind(csvPath, QStringLiteral("data.path"), MOR_FIELD(data.path));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "CSV file"),
             fileRow(csvPath, QStringLiteral("data.path"),
                     tr("CSV files (*.csv *.csv.gz *.txt);;All files (*)")));
    auto* labelColumn = new QLineEdit(this);
    labelColumn->setPlaceholderText(QStringLiteral("last | first | <index> | <name>"));
    b.bind(labelColumn, QStringLiteral("data.label_column"), MOR_FIELD(data.labelColumn));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Label column"), labelColumn);
    auto* images = new QLineEdit(this);
    b.bind(images, QStringLiteral("data.images"), MOR_FIELD(data.images));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "IDX images"),
             fileRow(images, QStringLiteral("data.images"),
                     tr("IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)")));
    auto* labels = new QLineEdit(this);
    b.bind(labels, QStringLiteral("data.labels"), MOR_FIELD(data.labels));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "IDX labels"),
             fileRow(labels, QStringLiteral("data.labels"),
                     tr("IDX files (*-ubyte *-ubyte.gz *.idx*);;All files (*)")));
    auto* limit = intSpin(this, -1, 100000000);
    limit->setSpecialValueText(tr("all"));
    limit->setMinimum(0);
    b.bind(limit, QStringLiteral("data.limit"), MOR_FIELD(data.limit));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Use at most"), limit);

    // The token-sequence tasks (ranges: core/src/config/config_validation.cpp, checkData).
    auto* textPath = new QLineEdit(this);
    m_textPath = textPath; // its placeholder is set by retranslate()
    b.setToolTip(textPath, QT_TRANSLATE_NOOP("setup::SetupView",
                                             "A UTF-8 text file to learn character by "
                                             "character; empty: the bundled fortunes corpus"));
    b.bind(textPath, QStringLiteral("data.text_path"), MOR_FIELD(data.textPath));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Text file"),
             fileRow(textPath, QStringLiteral("data.text_path"),
                     tr("Text files (*.txt);;All files (*)")));
    auto* seqLen = intSpin(this, 2, 4096);
    b.setToolTip(seqLen, QT_TRANSLATE_NOOP("setup::SetupView",
                                           "Tokens per training sequence (text: characters "
                                           "of context; running_parity: bits)"));
    b.bind(seqLen, QStringLiteral("data.seq_len"), MOR_FIELD(data.seqLen));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Sequence length"), seqLen);
    auto* digits = intSpin(this, 1, 30);
    b.setToolTip(digits, QT_TRANSLATE_NOOP("setup::SetupView",
                                           "Digits of each operand of the addition (a "
                                           "sequence has 3 x digits + 2 tokens)"));
    b.bind(digits, QStringLiteral("data.digits"), MOR_FIELD(data.digits));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Digits per operand"), digits);
    auto* hops = intSpin(this, 1, 8);
    b.setToolTip(hops, QT_TRANSLATE_NOOP("setup::SetupView",
                                         "Most steps a query follows through the "
                                         "permutation: \"2>>\" asks where 2 leads in two steps"));
    b.bind(hops, QStringLiteral("data.hops"), MOR_FIELD(data.hops));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Hops"), hops);

    auto* validation = realSpin(this, -1.0, 2.0, 2, 0.05);
    b.bind(validation, QStringLiteral("data.validation_fraction"),
           MOR_FIELD(data.validationFraction));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Validation fraction"), validation, true);
    auto* test = realSpin(this, -1.0, 2.0, 2, 0.05);
    b.bind(test, QStringLiteral("data.test_fraction"), MOR_FIELD(data.testFraction));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Test fraction"), test, true);
    auto* probe = intSpin(this, 0, 100000);
    b.bind(probe, QStringLiteral("data.probe_size"), MOR_FIELD(data.probeSize));
    b.addRow(form, QT_TRANSLATE_NOOP("setup::SetupView", "Traced probe inputs"), probe, true);

    m_idxInfo = new QLabel(this);
    m_idxInfo->setWordWrap(true);
    outer->addWidget(m_idxInfo);
    m_previewInfo = new QLabel(this);
    m_previewInfo->setWordWrap(true);
    outer->addWidget(m_previewInfo);
    m_preview = new QTableWidget(this);
    m_preview->setObjectName(QStringLiteral("csvPreview"));
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_preview->setMinimumHeight(160);
    outer->addWidget(m_preview);
    retranslate();
}

QWidget* DatasetSection::fileRow(QLineEdit* edit, const QString& path, const QString& filter) {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    edit->setParent(row);
    layout->addWidget(edit, 1);
    auto* browse = new QPushButton(QStringLiteral("…"), row);
    browse->setToolTip(tr("Choose a file"));
    browse->setMaximumWidth(fontMetrics().horizontalAdvance(QStringLiteral("MMM")));
    layout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this, edit, path, filter] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Choose a file"), QFileInfo(edit->text()).absolutePath(), filter);
        if (!file.isEmpty()) {
            edit->setText(file);
            m_binding.notifyEdited(path);
        }
    });
    return row;
}

void DatasetSection::retranslate() {
    setTitle(tr("Data set"));
    m_textPath->setPlaceholderText(tr("bundled fortunes corpus"));
    m_previewKey.clear(); // re-renders the preview's texts on the next update
    m_idxKey.clear();
}

void DatasetSection::update(const mor::DataConfig& data, mor::Family family) {
    // Only the kinds the family trains on are offered (hidden and disabled, so neither the
    // list nor the mouse wheel picks one of the other family).
    const bool recursion = family == mor::Family::Recursion;
    auto* kinds = qobject_cast<QStandardItemModel*>(m_kind->model());
    auto* list = qobject_cast<QListView*>(m_kind->view());
    for (int i = 0; i < m_kind->count(); ++i) {
        mor::DataKind itemKind = mor::DataKind::Parity;
        mor::parseChoice(m_kind->itemData(i).toString().toStdString(), mor::dataKindNames(),
                         &itemKind);
        const bool offered = mor::isSequenceDataKind(itemKind) == recursion;
        if (kinds && kinds->item(i)) {
            kinds->item(i)->setEnabled(offered);
        }
        if (list) {
            list->setRowHidden(i, !offered);
        }
    }
    using K = mor::DataKind;
    const K kind = data.kind;
    const bool sequence = mor::isSequenceDataKind(kind);
    const bool csv = kind == K::Csv;
    const bool idx = kind == K::Idx;
    const bool generated = !csv && !idx && !sequence;
    const bool bits = kind == K::Parity || kind == K::Majority || kind == K::Mixed;
    const bool modular = kind == K::Modular || kind == K::Mixed;
    m_binding.setRowVisible(QStringLiteral("data.samples"),
                            generated || kind == K::RunningParity || kind == K::Addition ||
                                kind == K::PointerChase);
    m_binding.setRowVisible(QStringLiteral("data.length"), bits);
    m_binding.setRowVisible(QStringLiteral("data.modulus"), modular);
    m_binding.setRowVisible(QStringLiteral("data.operands"), modular);
    m_binding.setRowVisible(QStringLiteral("data.domains"), kind == K::Mixed);
    m_binding.setRowVisible(QStringLiteral("data.label_noise"), generated);
    m_binding.setRowVisible(QStringLiteral("data.path"), csv);
    m_binding.setRowVisible(QStringLiteral("data.label_column"), csv);
    m_binding.setRowVisible(QStringLiteral("data.images"), idx);
    m_binding.setRowVisible(QStringLiteral("data.labels"), idx);
    m_binding.setRowVisible(QStringLiteral("data.limit"), !generated && !sequence);
    m_binding.setRowVisible(QStringLiteral("data.text_path"), kind == K::Text);
    m_binding.setRowVisible(QStringLiteral("data.seq_len"),
                            kind == K::Text || kind == K::RunningParity);
    m_binding.setRowVisible(QStringLiteral("data.digits"), kind == K::Addition);
    m_binding.setRowVisible(QStringLiteral("data.hops"), kind == K::PointerChase);
    m_preview->setVisible(csv);
    m_previewInfo->setVisible(csv);
    m_idxInfo->setVisible(idx);
    if (csv) {
        updateCsvPreview(data);
    } else if (idx) {
        updateIdxInfo(data);
    }
}

void DatasetSection::updateCsvPreview(const mor::DataConfig& data) {
    const QString key = QString::fromStdString(data.path + '\n' + data.labelColumn);
    if (key == m_previewKey) {
        return;
    }
    m_previewKey = key;
    m_preview->clear();
    m_preview->setRowCount(0);
    m_preview->setColumnCount(0);
    if (data.path.empty()) {
        m_previewInfo->setText(tr("Choose a CSV file to see its parsed columns."));
        return;
    }
    const mor::CsvTable table = mor::readCsv(data.path, data.labelColumn);
    if (!table.error.empty()) {
        m_previewInfo->setText(QStringLiteral("<span style='color:#d32f2f'>%1</span>")
                                   .arg(QString::fromStdString(table.error).toHtmlEscaped()));
        return;
    }
    m_previewInfo->setText(tr("%1 rows, %2 feature columns and the label (last column below).")
                               .arg(table.rows)
                               .arg(table.columns));
    const int rows = static_cast<int>(std::min<int64_t>(table.rows, kDatasetPreviewRows));
    const int columns = static_cast<int>(table.columns);
    m_preview->setRowCount(rows);
    m_preview->setColumnCount(columns + 1);
    QStringList header;
    for (int c = 0; c < columns; ++c) {
        header << (c < static_cast<int>(table.header.size())
                       ? QString::fromStdString(table.header[static_cast<size_t>(c)])
                       : QString::number(c));
    }
    header << tr("label");
    m_preview->setHorizontalHeaderLabels(header);
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < columns; ++c) {
            const float v = table.features[static_cast<size_t>(r) * table.columns + c];
            m_preview->setItem(r, c, new QTableWidgetItem(QString::number(v, 'g', 5)));
        }
        auto* label =
            new QTableWidgetItem(QString::fromStdString(table.labelText[static_cast<size_t>(r)]));
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        m_preview->setItem(r, columns, label);
    }
    m_preview->resizeColumnsToContents();
}

void DatasetSection::updateIdxInfo(const mor::DataConfig& data) {
    const QString key = QString::fromStdString(data.images + '\n' + data.labels);
    if (key == m_idxKey) {
        return;
    }
    m_idxKey = key;
    if (data.images.empty() || data.labels.empty()) {
        m_idxInfo->setText(tr("Choose an IDX images file and its labels file (MNIST format)."));
        return;
    }
    const mor::IdxData idx = mor::readIdx(data.images, data.labels, 16);
    if (!idx.error.empty()) {
        m_idxInfo->setText(QStringLiteral("<span style='color:#d32f2f'>%1</span>")
                               .arg(QString::fromStdString(idx.error).toHtmlEscaped()));
        return;
    }
    m_idxInfo->setText(tr("Images of %1 × %2 pixels; labels match.").arg(idx.rows).arg(idx.cols));
}

} // namespace setup
