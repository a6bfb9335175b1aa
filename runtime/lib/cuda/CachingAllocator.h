//===- CachingAllocator.h - Reuse of managed buffers ------------*- C++ -*-===//
//
// The host code of a CUDA model library allocates and frees every
// intermediate buffer of every call (CUDAWrappers.cpp,
// `_mlir_memref_to_llvm_alloc`). A fresh managed allocation costs a driver
// call and, worse, page faults on the GPU's first touch of every page, so
// freed blocks are kept by size class and handed out again; see
// CachingAllocator.cpp for why reusing them at once is safe. Plain C++
// without the C++ library, like the rest of the wrappers. When the driver
// is missing or out of memory, buffers come from the heap instead, so that
// the host code still runs and its call reports the failure.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_CACHINGALLOCATOR_H
#define ATTN_RUNTIME_CUDA_CACHINGALLOCATOR_H

#include "CUDADriver.h"
#include "CacheLimit.h"

namespace attn {
namespace cuda {

/// Blocks up to this size round up to a multiple of kSmallGranule, larger
/// ones to a multiple of kLargeGranule.
constexpr size_t kSmallBlockLimit = size_t(1) << 20;
constexpr size_t kSmallGranule = 256;
constexpr size_t kLargeGranule = size_t(2) << 20;
/// The most blocks the cache holds, whatever their size: each allocation
/// scans them.
constexpr size_t kMaxCachedBlocks = 1024;

/// The size class of a block of `bytes`: what the driver is asked for, and
/// what a cached block must match to be reused. 0 when rounding overflows.
size_t blockSizeFor(size_t bytes);

/// Host buffers are aligned to at least this many bytes: managed blocks
/// come from the driver aligned to 256 or more, heap blocks are asked for
/// with it. The memref lowering assumes malloc's alignment and aligns
/// `memref.alloc {alignment}` by itself; 64 keeps the alignment the former
/// in-block header gave, and a cache line per heap buffer.
constexpr size_t kBufferAlignment = 64;

/// A buffer of `bytes` for the host code: a managed block of its size
/// class, cached or new from `d` (whose context must be current); when `d`
/// is null or cannot give one, a heap block, with the reason in `status`.
/// Null only when the heap fails too. Either way the buffer is recorded on
/// the host (BlockTable.h), so that neither this nor freeBuffer touches its
/// memory.
void *allocateBuffer(const Driver *d, size_t bytes, CUresult &status);

/// Gives back a buffer from allocateBuffer: a managed block is cached for
/// reuse, or freed to the driver when the cache is full (the driver's
/// error, if any); a heap block goes back to the heap. A pointer that is not
/// a live buffer is left alone and reported as CUDA_ERROR_INVALID_VALUE.
CUresult freeBuffer(void *pointer);

/// How many buffers are handed out and not yet freed.
size_t liveBuffers();

/// Frees every cached block to the driver; the first error, if any.
CUresult releaseCachedBlocks();

/// What the cache holds now, in bytes and in blocks.
size_t cachedBytes();
size_t cachedBlocks();

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_CACHINGALLOCATOR_H
