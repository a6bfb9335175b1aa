//===- CachingAllocator.h - Reuse of managed buffers ------------*- C++ -*-===//
//
// The host code of a CUDA model library allocates and frees every
// intermediate buffer of every call (CUDAWrappers.cpp,
// `_mlir_memref_to_llvm_alloc`). A fresh managed allocation costs a driver
// call and, worse, page faults on the GPU's first touch of every page, so
// freed blocks are kept by size class and handed out again; see
// CachingAllocator.cpp for when reusing one is safe while kernels run
// asynchronously (ThreadStream.h). Plain C++ without the C++ library, like
// the rest of the wrappers. When the driver is missing or out of memory,
// buffers come from the heap instead, so that the host code still runs and
// its call reports the failure.
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
/// memory. `stream` is the caller's stream (or null): a cached block still
/// reserved to it may be taken, as work queued on it runs in order.
void *allocateBuffer(const Driver *d, size_t bytes, CUstream stream,
                     CUresult &status);

/// Gives back a buffer from allocateBuffer: a managed block is cached for
/// reuse, or freed to the driver when the cache is full (the driver's
/// error, if any); a heap block goes back to the heap. `busyStream`, when
/// not null, is a stream whose queued kernels may still use the buffer: the
/// block is reserved to it until streamFinished(busyStream), and waited for
/// before it goes back to the driver. A pointer that is not a live buffer
/// is left alone and reported as CUDA_ERROR_INVALID_VALUE.
CUresult freeBuffer(void *pointer, CUstream busyStream);

/// Everything queued on `stream` has finished: the blocks reserved to it
/// may go to any caller.
void streamFinished(CUstream stream);

/// How many buffers are handed out and not yet freed.
size_t liveBuffers();

/// Frees every idle cached block to the driver; blocks reserved to a
/// stream stay. The first error, if any.
CUresult releaseCachedBlocks();

/// At the library's unload (after releaseThreadStreams, so that no block is
/// reserved any more): frees the cache and, when no buffer is live, the
/// table, and unregisters the exit hook.
void releaseCacheAtUnload();

/// What the cache holds now, in bytes and in blocks; the blocks reserved
/// to a stream among them.
size_t cachedBytes();
size_t cachedBlocks();
size_t reservedBlocks();

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_CACHINGALLOCATOR_H
