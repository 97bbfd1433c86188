#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The Generate row of the sequence view: continues the typed prompt with the run's checkpoint
// (an injected generator, so this library stays free of torch) off the GUI thread, and shows
// the prompt and the sampled tokens coloured by their recursion depth in the token view style.
#include <mor/sequence.h>

#include <QWidget>

#include <functional>
#include <string>

class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace sequence {
class TokenDepthModel;
class TokenFlowWidget;

class GeneratePanel : public QWidget {
    Q_OBJECT
public:
    /// Samples from the checkpoint of run `runId` in the log at `logPath`. Runs on a worker
    /// thread; a failure comes back as ok = false with the error set.
    using TextGenerator = std::function<mor::GenerateResult(
        const std::string& logPath, int64_t runId, const mor::GenerateOptions& options)>;

    explicit GeneratePanel(QWidget* parent = nullptr);

    void setGenerator(TextGenerator generator);
    bool hasGenerator() const { return bool(m_generator); }
    /// The run and checkpoint step (-1 = last) generation uses; a change drops the result.
    void setContext(const std::string& logPath, qint64 runId, qint64 step);

    /// The options the controls hold for `prompt` (tokens, temperature, seed 1, the step).
    mor::GenerateOptions options(const QString& prompt) const;
    void setTokenCount(int tokens);
    void setTemperature(double temperature);
    /// Starts generation off the GUI thread; false when no generator or run is set, the
    /// prompt is empty or a generation is running.
    bool generate(const QString& prompt);
    bool busy() const { return m_busy; }

    QPushButton* generateButton() const { return m_button; }
    /// The prompt and sampled tokens of the last generation (prompt tokens first).
    const mor::GenerateResult& result() const { return m_result; }
    /// The sampled text of the last generation (prompt excluded).
    QString generatedText() const;
    TokenDepthModel* model() const { return m_model; }

Q_SIGNALS:
    void generated(bool ok);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void updateControls();
    void showResult(const mor::GenerateResult& result);

    TextGenerator m_generator;
    std::string m_logPath;
    qint64 m_runId = -1;
    qint64 m_step = -1;
    bool m_busy = false;
    int m_generation = 0; ///< bumped by setContext: results of an older context are dropped
    QString m_prompt;
    mor::GenerateResult m_result;

    QPushButton* m_button = nullptr;
    QLabel* m_tokensLabel = nullptr;
    QSpinBox* m_tokens = nullptr;
    QLabel* m_temperatureLabel = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_status = nullptr;
    TokenDepthModel* m_model = nullptr;
    TokenFlowWidget* m_flow = nullptr;
};

} // namespace sequence
