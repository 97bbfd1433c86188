#pragma once
// Terminal progress for `mor train` / `mor resume`: a redrawn bar on a terminal,
// plain lines otherwise; Ctrl-C asks the trainer to stop.
#include "mor/trainer.h"

#include <atomic>
#include <chrono>

class ProgressPrinter : public mor::TrainingObserver {
public:
    explicit ProgressPrinter(bool quiet);
    void onStarted(int64_t runId, int64_t totalSteps) override;
    void onProgress(const mor::TrainingProgress& progress) override;
    void onEvaluation(int64_t step, const mor::EvalResult& validation) override;
    void onEvent(const std::string& level, const std::string& message) override;
    void onFinished(const std::string& status) override;
    bool stopRequested() override;

    /// Installs the SIGINT/SIGTERM handler that sets the stop flag (a second Ctrl-C kills).
    static void installSignalHandler();

private:
    void endLine();
    bool m_quiet;
    bool m_tty;
    bool m_lineOpen = false;
    double m_lastValAccuracy = -1.0;
    std::chrono::steady_clock::time_point m_lastPrint{};
};
