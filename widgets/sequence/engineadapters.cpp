#include "sequence/engineadapters.h"

#include "common/engineaccess.h"

#include <mor/engine_interface.h>

namespace sequence {

/// A new view's tracer: the installed engine's traceTokens (none installed: none, and the text
/// field stays disabled).
SequenceView::TextTracer engineTextTracer() {
    if (!common::EngineAccess::installed()) {
        return {};
    }
    return [](const std::string& logPath, int64_t runId, int64_t step, const std::string& text,
              std::string* error) {
        auto traced = common::EngineAccess::engine().traceTokens(logPath, runId, step, text);
        if (!traced) {
            *error = traced.error();
            return std::vector<mor::TokenTrace>{};
        }
        return std::move(traced).value();
    };
}

/// A new view's generator: the installed engine's generate (none installed: none).
GeneratePanel::TextGenerator engineTextGenerator() {
    if (!common::EngineAccess::installed()) {
        return {};
    }
    return [](const std::string& logPath, int64_t runId, const mor::GenerateOptions& options) {
        auto generated = common::EngineAccess::engine().generate(logPath, runId, options);
        if (!generated) {
            mor::GenerateResult failed;
            failed.error = generated.error();
            return failed;
        }
        return std::move(generated).value();
    };
}

} // namespace sequence
