// SPDX-License-Identifier: GPL-3.0-or-later
#include "sequence/generatepanel.h"

#include "sequence/tokendepthmodel.h"
#include "sequence/tokenflowwidget.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace sequence {

namespace {
/// The generated tokens as a trace the token view draws: text and depth, nothing to predict.
mor::TokenTrace generateTraceOf(const mor::GenerateResult& result) {
    mor::TokenTrace trace;
    trace.maxRecursions = result.maxRecursions;
    trace.routing = result.routing;
    for (const auto& token : result.tokens) {
        mor::TokenStep step;
        step.text = token.text;
        step.depth = token.depth;
        trace.tokens.push_back(std::move(step));
    }
    return trace;
}
} // namespace

GeneratePanel::GeneratePanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("generatePanel"));
    m_button = new QPushButton(this);
    m_button->setObjectName(QStringLiteral("generateButton"));
    m_tokensLabel = new QLabel(this);
    m_tokens = new QSpinBox(this);
    m_tokens->setObjectName(QStringLiteral("generateTokens"));
    m_tokens->setRange(1, 2000);
    m_tokens->setValue(40);
    m_temperatureLabel = new QLabel(this);
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setObjectName(QStringLiteral("generateTemperature"));
    m_temperature->setRange(0.0, 5.0);
    m_temperature->setSingleStep(0.1);
    m_temperature->setDecimals(2);
    m_temperature->setValue(0.0);
    m_title = new QLabel(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("generateStatus"));
    m_status->setWordWrap(true);
    m_model = new TokenDepthModel(this);
    m_flow = new TokenFlowWidget(this);
    m_flow->setObjectName(QStringLiteral("generatedFlow"));
    m_flow->setModel(m_model);
    m_flow->setVisible(false);

    auto* row = new QHBoxLayout;
    row->addWidget(m_title);
    row->addStretch(1);
    row->addWidget(m_tokensLabel);
    row->addWidget(m_tokens);
    row->addSpacing(12); // each name beside its own box, not touching the box before it
    row->addWidget(m_temperatureLabel);
    row->addWidget(m_temperature);
    row->addSpacing(12);
    row->addWidget(m_button);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_status);
    layout->addWidget(m_flow, 1);

    retranslate();
}

void GeneratePanel::setGenerator(TextGenerator generator) {
    m_generator = std::move(generator);
    updateControls();
}

void GeneratePanel::setContext(const std::string& logPath, qint64 runId, qint64 step) {
    if (logPath == m_logPath && runId == m_runId && step == m_step) {
        return;
    }
    if (logPath != m_logPath || runId != m_runId) {
        ++m_generation;
        m_result = {};
        m_model->clear();
        m_flow->setVisible(false);
        m_status->clear();
    }
    m_logPath = logPath;
    m_runId = runId;
    m_step = step;
    updateControls();
}

mor::GenerateOptions GeneratePanel::options(const QString& prompt) const {
    mor::GenerateOptions options;
    options.prompt = prompt.toStdString();
    options.tokens = m_tokens->value();
    options.temperature = m_temperature->value();
    options.seed = 1;
    options.step = m_step;
    return options;
}

void GeneratePanel::setTokenCount(int tokens) {
    m_tokens->setValue(tokens);
}

void GeneratePanel::setTemperature(double temperature) {
    m_temperature->setValue(temperature);
}

QString GeneratePanel::generatedText() const {
    QString text;
    for (const auto& token : m_result.tokens) {
        if (!token.prompt) {
            text += QString::fromStdString(token.text);
        }
    }
    return text;
}

bool GeneratePanel::generate(const QString& prompt) {
    if (!m_generator || m_runId < 0 || m_logPath.empty() || prompt.isEmpty() || m_busy) {
        return false;
    }
    const mor::GenerateOptions opts = options(prompt);
    TextGenerator generator = m_generator;
    const std::string path = m_logPath;
    const qint64 runId = m_runId;
    const int generation = m_generation;
    m_busy = true;
    m_prompt = prompt;
    updateControls();
    m_status->setText(tr("Generating %n token(s) after “%1”…", nullptr, int(opts.tokens)).arg(prompt));
    m_status->setVisible(true);
    // The watcher is a child of the panel: if the panel goes first, the result is dropped.
    auto* watcher = new QFutureWatcher<mor::GenerateResult>(this);
    connect(watcher, &QFutureWatcher<mor::GenerateResult>::finished, this,
            [this, watcher, generation] {
                watcher->deleteLater();
                m_busy = false;
                updateControls();
                if (generation != m_generation) {
                    return; // another run was opened meanwhile
                }
                showResult(watcher->result());
            });
    watcher->setFuture(QtConcurrent::run([generator, path, runId, opts] {
        mor::GenerateResult result;
        try {
            result = generator(path, runId, opts);
        } catch (const std::exception& e) {
            result = {}; // never let a generator's exception end the worker thread
            result.error = e.what();
        }
        if (!result.ok && result.error.empty()) {
            result.error = "no result";
        }
        return result;
    }));
    return true;
}

void GeneratePanel::showResult(const mor::GenerateResult& result) {
    if (!result.ok) {
        m_result = {};
        m_model->clear();
        m_flow->setVisible(false);
        m_status->setText(tr("Generation failed: %1").arg(QString::fromStdString(result.error)));
        Q_EMIT generated(false);
        return;
    }
    m_result = result;
    m_model->setTrace(generateTraceOf(result));
    m_flow->setVisible(true);
    // Characters of the prompt the model does not know were replaced: say so.
    QString promptSeen;
    for (const auto& token : result.tokens) {
        if (token.prompt) {
            promptSeen += QString::fromStdString(token.text);
        }
    }
    QString text = tr("%n token(s) generated, mean depth %1, %2 tokens/s", nullptr,
                      int(result.generated))
                       .arg(QString::number(result.meanDepth, 'f', 2))
                       .arg(QString::number(result.tokensPerSecond, 'f', 0));
    if (promptSeen != m_prompt) {
        text += QStringLiteral(" · ") +
                tr("the model read the prompt as “%1” (characters outside its vocabulary are "
                   "replaced)")
                    .arg(promptSeen);
    }
    m_status->setText(text);
    Q_EMIT generated(true);
}

void GeneratePanel::updateControls() {
    const bool can = m_generator && m_runId >= 0 && !m_logPath.empty();
    m_button->setEnabled(can && !m_busy);
    m_tokens->setEnabled(can);
    m_temperature->setEnabled(can);
    m_button->setToolTip(can ? tr("Continue the typed text with the run's model (the checkpoint "
                                  "of this step); the tokens are coloured by their depth")
                             : tr("Generating needs a sequence run from a log"));
}

void GeneratePanel::retranslate() {
    m_title->setText(tr("Continue the typed text:"));
    m_button->setText(tr("Generate"));
    m_tokensLabel->setText(tr("Tokens"));
    m_temperatureLabel->setText(tr("Temperature"));
    m_temperature->setToolTip(tr("0 = always the most likely token"));
    updateControls();
}

void GeneratePanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace sequence
