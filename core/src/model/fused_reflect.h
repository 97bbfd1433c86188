#pragma once
// A fused CPU evaluation step for ReflectionExpertImpl::reflect() without autograd (issue 20):
// answer-only passes, and since session 18 also passes with evaluation detail (the fused step
// records it: fused_reflect_detail.h).
//
// In an answer-only pass (eval_detail.h: no evaluation detail, no autograd, halted rows dropped)
// one expert step cost ~15-20 dispatched ATen ops plus the loop's bookkeeping (index_copy,
// index_fill, the halting test, nonzero, five index_selects): 50-80 us per call whatever the
// rows, which dominated the late steps of a critique-gated pass (~40 rows per expert at
// batch 256). The fused path computes one step of all active rows with four BLAS products
// into per-thread buffers reused across reflections, vectorised loops for the elementwise
// parts (GRU gates, softmax, erf-form gelu, sigmoids, the critic's temperature), and compacts
// the active rows in place; the halting rules are HaltingPolicy's (critique-gated: its
// threshold comparison; PonderNet: HaltingPolicy::haltsNow itself on the step's lambdas;
// fixed: the last step).
//
// Supported: CPU float32, GRU cell, feedback on or off, step embedding on or off, either
// initial state, critique-gated / fixed / PonderNet halting. Everything else (other cells,
// readTokens, readFeatures, ACT, other dtypes or devices, an empty batch) takes the ATen path
// of reflect(), which stays the reference: FusedReflectGuard(false) forces it.
#include "model/halting_policy.h"
#include "model/thread_flag.h"
#include "model/reflection_expert.h"

#include <torch/torch.h>

namespace mor::model {

/// Turns the fused step on (true, the default) or off for the calling thread while alive;
/// restores the previous setting when destroyed. Off: reflect() computes every pass without
/// autograd (answer-only or with detail) with its ATen step, and GruCellImpl uses ATen's cell
/// (the references the tests compare the fused code with).
bool& fusedReflectFlag();
using FusedReflectGuard = ScopedThreadFlag<fusedReflectFlag>;

/// Whether the fused step is on for the calling thread.
bool fusedReflectEnabled();

/// Whether the fused step's products call the BLAS sgemm directly on this thread (the symbol
/// is visible and passed a one-time check); false: at::cpu::addmm_out on views of its buffers.
bool fusedReflectDirectBlas();
/// Turns the direct sgemm calls off (false) or back on for the calling thread (tests of the
/// at::cpu::addmm_out products).
void setFusedReflectDirectBlas(bool direct);

/// Whether the fused step computes this reflect() (no autograd, shrink): it is on, and the
/// expert, the encodings e [n, H] (n > 0) and the policy are of a supported kind (see above).
bool fusedReflectSupports(const ReflectionExpertImpl& expert, const torch::Tensor& e,
                          const HaltingPolicy& policy);

/// reflect() without autograd (answer, confidence, state at the halting step, haltStep,
/// iterations), fused. critiqueThreshold: ReflectionExpertImpl::activeHaltThreshold(). Call
/// only where fusedReflectSupports() is true; counts the rows it computes (rowsProcessed()).
/// detail: also the [T, n] values reflect() returns with evaluation detail (shrink, no
/// autograd): logits, probs, critique, criticLogit, heldCritique, lambda, computed.
ExpertRun fusedReflect(ReflectionExpertImpl& expert, const torch::Tensor& e,
                       const HaltingPolicy& policy, double critiqueThreshold,
                       bool detail = false);

} // namespace mor::model
