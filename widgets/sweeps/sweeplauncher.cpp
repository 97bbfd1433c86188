// SPDX-License-Identifier: GPL-3.0-or-later
#include "sweeps/sweeplauncher.h"

#include "mor/config.h"
#include "mor/sweep.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QVBoxLayout>

namespace sweeps {

namespace {

/// Seeds in `mor sweep --seeds` form ("1,2,3", "1-5", a mix): how many, 0 when unreadable.
int seedCount(const QString& text) {
    int count = 0;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList ends = part.trimmed().split(QLatin1Char('-'));
        bool okA = false, okB = true;
        const int a = ends.value(0).toInt(&okA);
        const int b = ends.size() == 2 ? ends[1].toInt(&okB) : a;
        if (!okA || !okB || ends.size() > 2 || a < 0 || b < a) {
            return 0;
        }
        count += b - a + 1;
    }
    return count;
}

QComboBox* fieldBox(QTableWidget* table, int row) {
    return qobject_cast<QComboBox*>(table->cellWidget(row, 0));
}

} // namespace

SweepLauncher::SweepLauncher(QWidget* parent)
    : QDialog(parent), m_program(findMorProgram()), m_intro(new QLabel(this)),
      m_nameLabel(new QLabel(this)), m_name(new QLineEdit(this)),
      m_axes(new QTableWidget(0, 2, this)), m_addAxis(new QPushButton(this)),
      m_removeAxis(new QPushButton(this)), m_seedsLabel(new QLabel(this)),
      m_seeds(new QLineEdit(QStringLiteral("1-3"), this)), m_jobsLabel(new QLabel(this)),
      m_jobs(new QSpinBox(this)), m_threadsLabel(new QLabel(this)),
      m_threads(new QSpinBox(this)), m_plan(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_output(new QPlainTextEdit(this)),
      m_check(new QPushButton(this)), m_start(new QPushButton(this)),
      m_stop(new QPushButton(this)), m_close(new QPushButton(this)) {
    setObjectName(QStringLiteral("sweepLauncher"));
    m_intro->setWordWrap(true);
    m_axes->setObjectName(QStringLiteral("sweepAxes"));
    m_axes->verticalHeader()->setVisible(false);
    m_axes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_axes->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_axes->setMinimumHeight(120);
    m_jobs->setRange(1, 64);
    m_jobs->setValue(2);
    m_threads->setRange(0, 64);
    m_threads->setValue(1);
    m_output->setReadOnly(true);
    m_output->setObjectName(QStringLiteral("sweepOutput"));
    m_output->setMaximumBlockCount(2000);
    m_progress->setFormat(QStringLiteral("%v / %m"));
    m_start->setDefault(true);

    auto* axisButtons = new QHBoxLayout;
    axisButtons->addWidget(m_addAxis);
    axisButtons->addWidget(m_removeAxis);
    axisButtons->addStretch(1);
    auto* form = new QFormLayout;
    form->addRow(m_nameLabel, m_name);
    form->addRow(m_seedsLabel, m_seeds);
    form->addRow(m_jobsLabel, m_jobs);
    form->addRow(m_threadsLabel, m_threads);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_check);
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_close);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_intro);
    layout->addWidget(m_axes, 1);
    layout->addLayout(axisButtons);
    layout->addLayout(form);
    layout->addWidget(m_plan);
    layout->addWidget(m_output, 1);
    layout->addLayout(buttons);
    resize(620, 560);

    connect(m_addAxis, &QPushButton::clicked, this, [this] { addAxis(QString(), QString()); });
    connect(m_removeAxis, &QPushButton::clicked, this, [this] {
        m_axes->removeRow(m_axes->currentRow() >= 0 ? m_axes->currentRow()
                                                    : m_axes->rowCount() - 1);
        updatePlan();
    });
    connect(m_axes, &QTableWidget::itemChanged, this, &SweepLauncher::updatePlan);
    connect(m_seeds, &QLineEdit::textChanged, this, &SweepLauncher::updatePlan);
    connect(m_check, &QPushButton::clicked, this, [this] { start(true); });
    connect(m_start, &QPushButton::clicked, this, [this] { start(false); });
    connect(m_stop, &QPushButton::clicked, this, &SweepLauncher::stop);
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    retranslateUi();
    updateButtons();
}

SweepLauncher::~SweepLauncher() {
    if (m_process) {
        // The sweep lives on without the window: its runs keep writing the log, and
        // `mor sweep --resume` finishes it. Do not let QProcess kill it.
        m_process->disconnect(this);
        m_process->setParent(nullptr);
        if (m_process->state() != QProcess::NotRunning) {
            m_process->waitForFinished(0);
        }
    }
}

QString SweepLauncher::findMorProgram() {
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {dir + QStringLiteral("/mor"), dir + QStringLiteral("/../cli/mor")}) {
        if (QFileInfo(candidate).isExecutable()) {
            return QDir::cleanPath(candidate);
        }
    }
    return QStandardPaths::findExecutable(QStringLiteral("mor"));
}

void SweepLauncher::setLogPath(const QString& path) {
    m_logPath = path;
    updateButtons();
}

void SweepLauncher::setBaseConfig(const QString& json) {
    m_baseConfig = json;
    const QStringList keys = configKeys();
    for (int row = 0; row < m_axes->rowCount(); ++row) {
        if (QComboBox* box = fieldBox(m_axes, row)) {
            const QString text = box->currentText();
            box->clear();
            box->addItems(keys);
            box->setCurrentText(text);
        }
    }
    if (m_name->text().isEmpty()) {
        const auto leaves = mor::flattenConfigJson(json.toStdString());
        for (const auto& [key, value] : leaves) {
            if (key == "name") {
                m_name->setText(QString::fromStdString(value).remove(QLatin1Char('"')));
            }
        }
    }
    updatePlan();
}

QStringList SweepLauncher::configKeys() const {
    QStringList keys;
    for (const auto& [key, value] : mor::flattenConfigJson(m_baseConfig.toStdString())) {
        if (key != "name" && key != "train.seed") {
            keys << QString::fromStdString(key);
        }
    }
    return keys;
}

void SweepLauncher::addAxis(const QString& key, const QString& values) {
    const int row = m_axes->rowCount();
    m_axes->insertRow(row);
    auto* box = new QComboBox(m_axes);
    box->setEditable(true);
    box->addItems(configKeys());
    box->completer()->setFilterMode(Qt::MatchContains);
    box->completer()->setCompletionMode(QCompleter::PopupCompletion);
    box->setCurrentText(key);
    m_axes->setCellWidget(row, 0, box);
    m_axes->setItem(row, 1, new QTableWidgetItem(values));
    connect(box, &QComboBox::currentTextChanged, this, [this, box](const QString& field) {
        // A new field: offer its current value as a start.
        for (int r = 0; r < m_axes->rowCount(); ++r) {
            if (fieldBox(m_axes, r) == box && m_axes->item(r, 1) &&
                m_axes->item(r, 1)->text().isEmpty()) {
                for (const auto& [k, v] : mor::flattenConfigJson(m_baseConfig.toStdString())) {
                    if (QString::fromStdString(k) == field) {
                        m_axes->item(r, 1)->setText(QString::fromStdString(v));
                    }
                }
            }
        }
        updatePlan();
    });
    updatePlan();
}

int SweepLauncher::axisCount() const {
    return m_axes->rowCount();
}

void SweepLauncher::setSeeds(const QString& seeds) {
    m_seeds->setText(seeds);
}

void SweepLauncher::setJobs(int jobs) {
    m_jobs->setValue(jobs);
}

void SweepLauncher::setThreadsPerWorker(int threads) {
    m_threads->setValue(threads);
}

void SweepLauncher::setSweepName(const QString& name) {
    m_name->setText(name);
}

int SweepLauncher::plannedRuns() const {
    int configurations = 1;
    for (int row = 0; row < m_axes->rowCount(); ++row) {
        const QComboBox* box = fieldBox(m_axes, row);
        const QString key = box ? box->currentText().trimmed() : QString();
        const QString values = m_axes->item(row, 1) ? m_axes->item(row, 1)->text() : QString();
        mor::SweepAxis axis;
        std::string error;
        if (key.isEmpty() || values.trimmed().isEmpty() ||
            !mor::parseGridArgument((key + QLatin1Char('=') + values).toStdString(), &axis,
                                    &error)) {
            return 0;
        }
        configurations *= int(axis.valuesJson.size());
    }
    return configurations * seedCount(m_seeds->text());
}

QStringList SweepLauncher::arguments(const QString& configPath, bool dryRun) const {
    QStringList args{QStringLiteral("sweep"), QStringLiteral("--config"), configPath,
                     QStringLiteral("--log"), m_logPath};
    for (int row = 0; row < m_axes->rowCount(); ++row) {
        const QComboBox* box = fieldBox(m_axes, row);
        const QString key = box ? box->currentText().trimmed() : QString();
        const QString values = m_axes->item(row, 1) ? m_axes->item(row, 1)->text().trimmed()
                                                    : QString();
        if (!key.isEmpty() && !values.isEmpty()) {
            args << QStringLiteral("--grid") << key + QLatin1Char('=') + values;
        }
    }
    if (!m_seeds->text().trimmed().isEmpty()) {
        args << QStringLiteral("--seeds") << m_seeds->text().trimmed();
    }
    if (!m_name->text().trimmed().isEmpty()) {
        args << QStringLiteral("--name") << m_name->text().trimmed();
    }
    args << QStringLiteral("--jobs") << QString::number(m_jobs->value());
    if (m_threads->value() > 0) {
        args << QStringLiteral("--threads") << QString::number(m_threads->value());
    }
    args << QStringLiteral("--json");
    if (dryRun) {
        args << QStringLiteral("--dry-run");
    }
    return args;
}

bool SweepLauncher::isRunning() const {
    return m_process && m_process->state() != QProcess::NotRunning;
}

bool SweepLauncher::start(bool dryRun) {
    if (isRunning()) {
        return false;
    }
    auto fail = [this](const QString& why) {
        m_output->appendPlainText(why);
        return false;
    };
    if (m_logPath.isEmpty()) {
        return fail(tr("Open a log first: the sweep writes its runs there."));
    }
    if (m_program.isEmpty() || !QFileInfo(m_program).isExecutable()) {
        return fail(tr("The mor command was not found next to MoR Studio or on PATH."));
    }
    if (m_baseConfig.isEmpty()) {
        return fail(tr("No base config: load or edit one in the Setup tab."));
    }
    m_dir = std::make_unique<QTemporaryDir>();
    const QString configPath = m_dir->filePath(QStringLiteral("base.json"));
    QFile file(configPath);
    if (!m_dir->isValid() || !file.open(QIODevice::WriteOnly) ||
        file.write(m_baseConfig.toUtf8()) < 0) {
        return fail(tr("Cannot write the base config to %1.").arg(configPath));
    }
    file.close();
    if (m_process) {
        m_process->deleteLater();
    }
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process, &QProcess::readyRead, this, &SweepLauncher::onOutput);
    connect(m_process, &QProcess::finished, this, &SweepLauncher::onFinished);
    m_dryRun = dryRun;
    m_ended = 0;
    m_total = plannedRuns();
    m_sweepId = -1;
    m_pending.clear();
    m_progress->setRange(0, std::max(1, m_total));
    m_progress->setValue(0);
    const QStringList args = arguments(configPath, dryRun);
    m_output->appendPlainText(QStringLiteral("$ mor ") + args.join(QLatin1Char(' ')));
    m_process->start(m_program, args);
    updateButtons();
    return true;
}

void SweepLauncher::stop() {
    if (isRunning()) {
        m_process->terminate();
    }
}

QString SweepLauncher::output() const {
    return m_output->toPlainText();
}

void SweepLauncher::onOutput() {
    m_pending += m_process->readAll();
    static const QRegularExpression sweepLine(QStringLiteral("^sweep (\\d+): (.*)$"));
    int newline = 0;
    while ((newline = int(m_pending.indexOf('\n'))) >= 0) {
        const QString line = QString::fromUtf8(m_pending.left(newline));
        m_pending.remove(0, newline + 1);
        m_output->appendPlainText(line);
        const QRegularExpressionMatch m = sweepLine.match(line);
        if (!m.hasMatch()) {
            continue;
        }
        if (m_sweepId < 0) {
            m_sweepId = m.captured(1).toLongLong();
            Q_EMIT sweepStarted(m_sweepId);
        }
        const QString what = m.captured(2);
        if (what.endsWith(QLatin1String(" ended")) || what.contains(QLatin1String("exited with"))) {
            ++m_ended;
            m_progress->setValue(std::min(m_ended, m_progress->maximum()));
            Q_EMIT progressed(m_ended, m_total);
        }
    }
}

void SweepLauncher::onFinished(int exitCode, QProcess::ExitStatus status) {
    onOutput();
    if (!m_pending.isEmpty()) {
        m_output->appendPlainText(QString::fromUtf8(m_pending));
        m_pending.clear();
    }
    const int code = status == QProcess::NormalExit ? exitCode : -1;
    m_output->appendPlainText(
        m_dryRun ? (code == 0 ? tr("Check passed: every configuration is valid.")
                              : tr("Check failed (exit code %1).").arg(code))
                 : (code == 0 ? tr("Sweep finished.")
                              : tr("The sweep ended with exit code %1; finish it later with "
                                   "mor sweep --log LOG --resume ID.")
                                    .arg(code)));
    if (!m_dryRun && code == 0) {
        m_progress->setValue(m_progress->maximum());
    }
    updateButtons();
    Q_EMIT finished(code, m_dryRun);
}

void SweepLauncher::updatePlan() {
    const int runs = plannedRuns();
    m_plan->setText(runs > 0 ? tr("%n run(s) (configurations × seeds).", nullptr, runs)
                             : tr("Give every field values (comma separated) and seeds such "
                                  "as 1-5."));
    updateButtons();
}

void SweepLauncher::updateButtons() {
    const bool running = isRunning();
    const bool ready = !m_logPath.isEmpty() && plannedRuns() > 0;
    m_check->setEnabled(!running && ready);
    m_start->setEnabled(!running && ready);
    m_stop->setEnabled(running && !m_dryRun);
}

void SweepLauncher::closeEvent(QCloseEvent* event) {
    // Closing the dialog does not stop the sweep: it runs on and its runs appear in the tab.
    QDialog::closeEvent(event);
}

void SweepLauncher::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
    }
    QDialog::changeEvent(event);
}

void SweepLauncher::retranslateUi() {
    setWindowTitle(tr("Launch a sweep"));
    m_intro->setText(tr("Every combination of the fields' values is trained with every seed, "
                        "starting from the Setup tab's config, as separate processes into "
                        "the open log (mor sweep). Values are comma separated JSON values, "
                        "e.g. 1,2,4 or \"gru\",\"mlp\"."));
    m_axes->setHorizontalHeaderLabels({tr("Field"), tr("Values")});
    m_addAxis->setText(tr("Add field"));
    m_removeAxis->setText(tr("Remove field"));
    m_nameLabel->setText(tr("Sweep name:"));
    m_seedsLabel->setText(tr("Seeds:"));
    m_jobsLabel->setText(tr("Processes at once:"));
    m_threadsLabel->setText(tr("Threads per process:"));
    m_threads->setSpecialValueText(tr("default"));
    m_check->setText(tr("Check"));
    m_check->setToolTip(tr("Validate every configuration without training (--dry-run)"));
    m_start->setText(tr("Start"));
    m_stop->setText(tr("Stop"));
    m_close->setText(tr("Close"));
    updatePlan();
}

} // namespace sweeps
