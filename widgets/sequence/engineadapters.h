#pragma once
// The Sequence tab's tracer and generator taken from the injected engine (common::EngineAccess):
// typed text is traced and continued by the installed engine; with none installed, none.
#include "sequence/generatepanel.h"
#include "sequence/sequenceview.h"

namespace sequence {
/// A new view's tracer: the installed engine's traceTokens (none installed: an empty function,
/// and the view's text field stays disabled).
SequenceView::TextTracer engineTextTracer();
/// A new view's generator: the installed engine's generate (none installed: an empty function).
GeneratePanel::TextGenerator engineTextGenerator();
} // namespace sequence
