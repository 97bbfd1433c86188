#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The trace reader of issue 20 (model_trace.h), kept in its own file so that tst_trainer.cpp
// stays below the size limit; a TstTrainer slot calls it.
namespace trace_reader_test {

/// trace()'s host-array reader gives the reference's traces field by field (model outputs of
/// several fusions, interventions, and the traces a family writes to the log).
void traceReadsThePassAsTheReferenceDoes();

} // namespace trace_reader_test
