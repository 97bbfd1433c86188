#pragma once
// Process-wide memory allocator setup, called once at the start of every entry point (the mor
// CLI, including `mor serve`, and mor-studio) before any tensor is allocated.
#include <string>

namespace mor {

/// Keeps freed tensor memory in the process instead of handing it back to the kernel after
/// every op. With glibc's defaults, activations of ~1-2 MB (a token batch of 64 x 128, for
/// example) are mapped and unmapped, or the heap top trimmed, op by op, so each op pays page
/// faults and page zeroing: a one-thread training step at 128 tokens measured 192.6 ms
/// against 45.9 ms with the thresholds raised (issue 20, session 9). Sets M_MMAP_THRESHOLD to
/// 32 MiB (the largest value older glibc versions accept on 64-bit) and M_TRIM_THRESHOLD to
/// 256 MiB.
/// Does nothing (returns false) on a C library other than glibc, or when the environment
/// variable MOR_MALLOC_TUNING is "off" (for side-by-side measurements); GLIBC_TUNABLES set by
/// the user win over it as well (then it also does nothing). Safe to call more than once.
bool tuneAllocator();

/// What tuneAllocator() did, for logs and benchmarks: "off", "not glibc", "glibc tunables
/// set", or the thresholds applied (e.g. "mmap 32 MiB, trim 256 MiB").
std::string allocatorTuning();

} // namespace mor
