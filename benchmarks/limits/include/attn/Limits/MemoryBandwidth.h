//===- MemoryBandwidth.h - STREAM-like memory bandwidth --------*- C++ -*-===//
//
// The memory limit decode is measured against. Decode streams every weight
// once per token and writes little, so the pure read is its limit; STREAM's
// triad (a = b + s * c) is printed beside it for comparison with published
// figures.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIMITS_MEMORYBANDWIDTH_H
#define ATTN_LIMITS_MEMORYBANDWIDTH_H

#include "attn/Limits/CpuInfo.h"

#include <cstdint>
#include <string>

namespace attn::limits {

struct MemoryBandwidth {
  int threads = 0;
  /// The three arrays together.
  int64_t bufferBytes = 0;
  /// Best of the repetitions, in 1e9 bytes/s. Read: bytes loaded. Triad:
  /// 24 bytes per element (two loads and a store, STREAM's convention; the
  /// cache's read-for-ownership of the stored line is not counted).
  double readGBps = 0;
  double triadGBps = 0;
};

/// Four times the last-level cache, at least 256 MiB, at most a quarter of
/// the memory: far beyond any cache, yet safe to allocate.
int64_t defaultBandwidthBufferBytes(const CpuInfo &cpu);

/// Measures read and triad bandwidth over `bufferBytes` on `threads`
/// threads, each touching its own part first. Returns false with `error`
/// set when the buffer cannot be allocated or a kernel's result is wrong.
bool measureMemoryBandwidth(int threads, int64_t bufferBytes, int repetitions,
                            MemoryBandwidth &result, std::string &error);

} // namespace attn::limits

#endif // ATTN_LIMITS_MEMORYBANDWIDTH_H
