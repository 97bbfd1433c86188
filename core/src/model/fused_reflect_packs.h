#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The weights of an expert's answer-only reflection (the GRU's ih and hh layers, critic1)
// packed for fused_gemm.h's kernel, kept between reflections on the thread (issue 20, session
// 41). Until then every reflection packed them again (once per expert and batch, whatever its
// rows), and one of fewer than 4 rows (serving one input) did not pack at all but ran sgemm,
// ~2x the kernel's time at 1-8 rows. Now a reflection packs only where the weights changed
// since the thread last packed them: 300 one-row passes 2.1x (critique-gated) to 2.8x (fixed
// depth) faster, batch-256 passes unchanged (issue20.md, session 41).
//
// A pack is keyed by its six tensors (weights and biases) and, for each, its version counter
// and data pointer: in-place writes move the version (torch's in-place ops, and the project's
// fused optimizer steps: engine/optimizer.cpp bumpVersions), so a pack never outlives the
// weights it was made from. The cache holds the tensors themselves, so no tensor made later
// can take one's address while it is cached; a pack whose tensors only the cache still holds
// (its model is gone) is dropped at the thread's next miss. Inference tensors keep no version
// counter: they are never cached (packed per reflection, as before). At most kCachedPackFloats
// floats per thread: past it, a reflection packs into the per-call buffer instead.
#include "model/fused_gemm.h"

#include <torch/types.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace mor::model::fused {

/// Floats of packed weights the cache keeps per thread (16 MB: 32 experts of width 128).
constexpr size_t kCachedPackFloats = size_t(4) << 20;

/// A reflection's three packed layers (isa None: none; callers take denseProduct).
struct ReflectionPacks {
    PackedDense ih, hh, critic1;
};

/// The layers' tensors: GRU weight_ih, bias_ih, weight_hh, bias_hh, critic1 weight and bias.
using ReflectionLayers = std::array<torch::Tensor, 6>;
/// The same layers as raw views (ih, hh, critic1), the ones the packs are made from.
using ReflectionDense = std::array<Dense, 3>;

/// The packs of `layers` (`dense`: views of the same tensors) for `isa` (not None): the thread's
/// cached ones where still current, else packed now into the cache where it may hold them; else,
/// with `uncachedToo`, into packBuffer() (the caller trims it after its reflection), without it
/// none (isa None).
ReflectionPacks reflectionPacks(const ReflectionLayers& layers, const ReflectionDense& dense,
                                GemmIsa isa, bool uncachedToo);

struct ReflectionPackStats {
    size_t entries = 0;  ///< packs held by the calling thread
    size_t floats = 0;   ///< their floats
    int64_t hits = 0;    ///< reflections that found their packs current
    int64_t packed = 0;  ///< reflections that packed (cached or not)
};

/// The calling thread's cache (tests, benchmarks).
ReflectionPackStats reflectionPackStats();
/// Empties the calling thread's cache and its counters.
void clearReflectionPacks();

} // namespace mor::model::fused
