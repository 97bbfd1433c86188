#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// How MoRModelImpl::trace (model_trace.cpp) reads a pass into SampleTraces (issue 20).
#include "model/thread_flag.h"

namespace mor::model {

/// The calling thread's switch for trace(): false (default) reads the pass's tensors once each
/// into host arrays and fills the traces from them, and runs the pass without the labels (they
/// only feed the critic's calibration inputs, which a trace does not read); true takes the
/// reference, the per-element tensor reads of session 13 on a labelled pass (about 250 ATen
/// ops per traced input). Both give equal traces, field by field (tst_trainer).
bool& traceReferenceFlag();
/// TraceReferenceGuard(true): trace() takes the reference path on this thread while alive.
using TraceReferenceGuard = ScopedThreadFlag<traceReferenceFlag>;

} // namespace mor::model
