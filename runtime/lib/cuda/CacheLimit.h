//===- CacheLimit.h - $ATTN_CUDA_CACHE_BYTES --------------------*- C++ -*-===//
//
// How much memory a CUDA model library's cache of managed blocks
// (CachingAllocator.h) may hold. Apart from the cache so that the runtime,
// which can report a malformed value, reads it the same way.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_CACHELIMIT_H
#define ATTN_RUNTIME_CUDA_CACHELIMIT_H

#include <cstddef>

namespace attn {
namespace cuda {

/// The environment variable, and what the cache may hold when it is unset
/// or empty.
constexpr const char *kCacheBytesVariable = "ATTN_CUDA_CACHE_BYTES";
constexpr size_t kDefaultCacheBytes = size_t(1) << 30;

/// Reads the variable's syntax: decimal digits with an optional binary
/// suffix K, M or G (either case). False, leaving `bytes` alone, for
/// anything else (empty, a sign, spaces, an overflow).
bool parseCacheBytes(const char *text, size_t &bytes);

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_CACHELIMIT_H
