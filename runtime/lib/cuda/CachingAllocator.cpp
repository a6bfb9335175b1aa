//===- CachingAllocator.cpp - Reuse of the host code's managed buffers ----===//
//
// When a freed block may be handed out again. The host code launches its
// kernels asynchronously, each thread on its own stream (ThreadStream.h),
// and waits for that stream only at the end of a call. So when the host code
// frees a buffer, kernels queued before the free may still be reading or
// writing it. Handing the block to a later allocation of the same thread is
// safe nevertheless: that allocation's kernels go on the same stream, which
// starts them only after the earlier ones finished (the stream-ordered reuse
// of PyTorch's caching allocator, without its events: one stream per thread
// and one wait per call make them unnecessary). Handing it to another
// thread is not, as that thread's stream may run concurrently. So a block
// freed while its thread's stream is busy is cached reserved to that stream:
// only that thread takes it, until the thread waits for its stream
// (attn_cuda_take_error, at the end of every entry point, or the thread's
// exit), which calls streamFinished and makes the stream's blocks idle,
// for any thread. A block freed when no work is queued (the entry points'
// last frees come after their wait) is idle at once. A block that must go
// back to the driver (the cache is full, or an allocation needs the memory)
// is waited for first, rather than trusting cuMemFree to wait for the
// kernels that use it. The host code itself never touches a buffer's memory
// (docs/abi.md) and the runtime's own buffers are cuMemAlloc memory that never
// passes through here, so the streams are the only users a block can have.
//
// Sizes: up to 1 MiB a block rounds up to 256 bytes, so that the small
// buffers of decode (a row, a head's partial sums) waste little; above, to
// 2 MiB, the driver's large-page size (PyTorch's kRoundLarge), so that
// buffers that grow with the token count reuse one block across nearby
// lengths while wasting less than the driver already rounds away.
//
// What a free needs to know of a buffer is looked up on the host
// (BlockTable.h) under the same lock as the cache, so one allocation or free
// takes the lock once, and touches the buffer's memory never.
//
//===----------------------------------------------------------------------===//

#include "CachingAllocator.h"
#include "BlockTable.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

using namespace attn::cuda;

namespace {

/// CU_MEM_ATTACH_GLOBAL: host code and kernels on any stream reach it.
constexpr unsigned kAttachGlobal = 1;

struct CachedBlock {
  CUdeviceptr base;
  size_t bytes;
  /// The stream whose queued kernels may still use the block; null when
  /// the block is idle.
  CUstream reservedTo;
};

/// Every field starts zero or constant, so that the library needs no
/// constructor for it (and has no destructor that could run too early).
struct Cache {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  CachedBlock *blocks = nullptr;
  size_t count = 0, capacity = 0, bytes = 0;
  /// How many of the cached blocks are reserved to a stream.
  size_t reserved = 0;
  /// Every buffer handed out and not yet freed, managed or heap.
  BlockTable live;
  /// $ATTN_CUDA_CACHE_BYTES, read on the first free.
  size_t limit = 0;
  bool limitRead = false;
  bool exitHookRegistered = false;
};

[[clang::require_constant_initialization]] Cache cache;

/// An unset or empty $ATTN_CUDA_CACHE_BYTES is the default. The runtime
/// refuses to open a library under a value that does not parse; loaded
/// otherwise, the library has no way to say so and turns caching off, the
/// behaviour without this file.
size_t readLimit() {
  const char *text = getenv(kCacheBytesVariable);
  if (!text || !*text)
    return kDefaultCacheBytes;
  size_t bytes = 0;
  return parseCacheBytes(text, bytes) ? bytes : 0;
}

/// The driver with device 0's context current on the calling thread, which
/// cuMemFree needs; a block may be freed on another thread than the one
/// that allocated it, and the exit hook runs on whichever thread exits.
const Driver *contextDriver() {
  char ignored[8];
  return currentContext(ignored, sizeof(ignored)) ? driver() : nullptr;
}

/// Frees `count` blocks to the driver; the first error, if any.
CUresult freeBlocks(const CachedBlock *blocks, size_t count) {
  if (count == 0)
    return kSuccess;
  const Driver *d = contextDriver();
  if (!d)
    return kErrorNotInitialized;
  CUresult first = kSuccess;
  for (size_t i = 0; i < count; ++i) {
    CUresult status = d->memFree(blocks[i].base);
    if (first == kSuccess)
      first = status;
  }
  return first;
}

// The C library's exit-handler registry, declared here as the C++ ABI names
// it (the wrappers include no C++ library headers).
extern "C" int __cxa_atexit(void (*handler)(void *), void *argument,
                            void *owner);
extern "C" void __cxa_finalize(void *owner);

/// Owns the exit handler, as __dso_handle would: attnc links model
/// libraries without the C runtime's start files, so nothing calls
/// __cxa_finalize(__dso_handle) at dlclose, and a handler registered with
/// atexit() would stay behind and be called into the unmapped library at
/// exit.
char exitHandlerOwner;

/// Frees the cache when the process exits. It is registered only once a
/// block is cached, which is after cuInit and the context's creation: exit
/// runs handlers in the reverse order of registration, so this one runs
/// before any teardown the driver registered then. Blocks reserved to a
/// stream stay: another thread may still be running a call.
void releaseAtExit(void *) { releaseCachedBlocks(); }

/// Takes a cached block of `bytes` that is idle or reserved to `stream`
/// and records it as live, searching from the end, where the most recently
/// freed blocks (the likeliest to be resident on the GPU) are; 0 when there
/// is none (or no room to record it).
CUdeviceptr take(size_t bytes, CUstream stream) {
  CUdeviceptr base = 0;
  pthread_mutex_lock(&cache.lock);
  for (size_t i = cache.count; i-- > 0;) {
    const CachedBlock &block = cache.blocks[i];
    if (block.bytes != bytes ||
        (block.reservedTo && block.reservedTo != stream))
      continue;
    if (!cache.live.insert(block.base, {BlockKind::Managed, bytes}))
      break;
    base = block.base;
    cache.reserved -= block.reservedTo != nullptr;
    cache.blocks[i] = cache.blocks[--cache.count];
    cache.bytes -= bytes;
    break;
  }
  pthread_mutex_unlock(&cache.lock);
  return base;
}

/// Records a new buffer as live; false when the table cannot grow.
bool recordLive(uintptr_t address, BlockInfo info) {
  pthread_mutex_lock(&cache.lock);
  bool recorded = cache.live.insert(address, info);
  pthread_mutex_unlock(&cache.lock);
  return recorded;
}

/// Caches the block, reserved to `stream` when that is not null, if the
/// limits leave room; false when the caller must free it. The caller holds
/// the lock.
bool keepLocked(CUdeviceptr base, size_t bytes, CUstream stream) {
  if (!cache.limitRead) {
    cache.limit = readLimit();
    cache.limitRead = true;
  }
  if (bytes > cache.limit || cache.bytes > cache.limit - bytes ||
      cache.count >= kMaxCachedBlocks)
    return false;
  if (cache.count == cache.capacity) {
    size_t grown = cache.capacity ? 2 * cache.capacity : 64;
    auto *more = static_cast<CachedBlock *>(
        realloc(cache.blocks, grown * sizeof(CachedBlock)));
    if (!more)
      return false;
    cache.blocks = more;
    cache.capacity = grown;
  }
  cache.blocks[cache.count++] = {base, bytes, stream};
  cache.bytes += bytes;
  cache.reserved += stream != nullptr;
  if (!cache.exitHookRegistered)
    cache.exitHookRegistered =
        __cxa_atexit(releaseAtExit, nullptr, &exitHandlerOwner) == 0;
  return true;
}

/// Whether a cached block is reserved to `stream`.
bool holdsReservedTo(CUstream stream) {
  bool found = false;
  pthread_mutex_lock(&cache.lock);
  for (size_t i = 0; i < cache.count && !found; ++i)
    found = cache.blocks[i].reservedTo == stream;
  pthread_mutex_unlock(&cache.lock);
  return found;
}

/// A managed block of `blockBytes` (a size class), recorded as live: a
/// cached one (idle, or reserved to `stream`), or a new one from `d`. When
/// the driver is out of memory, the cache is released and the driver asked
/// again.
CUresult allocateManaged(const Driver &d, size_t blockBytes, CUstream stream,
                         CUdeviceptr &base) {
  base = take(blockBytes, stream);
  if (base)
    return kSuccess;
  CUresult status = d.memAllocManaged(&base, blockBytes, kAttachGlobal);
  // Cached blocks of other sizes may be what the driver is missing. The
  // caller's own reserved blocks can be freed once its stream is done;
  // other threads' stay theirs.
  if (status == kErrorOutOfMemory && cachedBlocks() != 0) {
    if (stream && holdsReservedTo(stream)) {
      d.streamSynchronize(stream);
      streamFinished(stream);
    }
    releaseCachedBlocks();
    status = d.memAllocManaged(&base, blockBytes, kAttachGlobal);
  }
  if (status != kSuccess)
    return status;
  if (recordLive(base, {BlockKind::Managed, blockBytes}))
    return kSuccess;
  d.memFree(base);
  base = 0;
  return kErrorOutOfMemory;
}

/// A heap buffer of `bytes`, recorded as live; null when either fails.
void *allocateHeap(size_t bytes) {
  void *buffer = nullptr;
  // posix_memalign may answer a request of 0 bytes with null.
  if (posix_memalign(&buffer, kBufferAlignment, bytes ? bytes : 1) != 0)
    return nullptr;
  if (recordLive(reinterpret_cast<uintptr_t>(buffer), {BlockKind::Heap, 0}))
    return buffer;
  free(buffer);
  return nullptr;
}

} // namespace

size_t attn::cuda::blockSizeFor(size_t bytes) {
  size_t granule = bytes <= kSmallBlockLimit ? kSmallGranule : kLargeGranule;
  if (bytes > SIZE_MAX - (granule - 1))
    return 0;
  if (bytes == 0)
    return granule;
  return (bytes + granule - 1) / granule * granule;
}

void *attn::cuda::allocateBuffer(const Driver *d, size_t bytes, CUstream stream,
                                 CUresult &status) {
  size_t blockBytes = blockSizeFor(bytes);
  CUdeviceptr base = 0;
  status = kErrorNotInitialized;
  if (d)
    status = blockBytes ? allocateManaged(*d, blockBytes, stream, base)
                        : kErrorOutOfMemory;
  if (status == kSuccess)
    return reinterpret_cast<void *>(base);
  return allocateHeap(bytes);
}

CUresult attn::cuda::freeBuffer(void *pointer, CUstream busyStream) {
  auto address = reinterpret_cast<uintptr_t>(pointer);
  BlockInfo info;
  pthread_mutex_lock(&cache.lock);
  bool known = cache.live.erase(address, info);
  bool kept = known && info.kind == BlockKind::Managed &&
              keepLocked(address, info.blockBytes, busyStream);
  pthread_mutex_unlock(&cache.lock);
  if (!known)
    return kErrorInvalidValue;
  // A heap block is never given to a kernel: it is the fallback of a call
  // that has failed, and no launch follows a failure (CUDAWrappers.cpp).
  if (info.kind == BlockKind::Heap) {
    free(pointer);
    return kSuccess;
  }
  if (kept)
    return kSuccess;
  // However the wait ends, no work is left on the stream to use the block
  // (an asynchronous error ends the rest); its error is the free's.
  CUresult waited = kSuccess;
  if (const Driver *d = busyStream ? contextDriver() : nullptr) {
    waited = d->streamSynchronize(busyStream);
    streamFinished(busyStream);
  }
  CachedBlock block = {address, info.blockBytes, nullptr};
  CUresult freed = freeBlocks(&block, 1);
  return waited != kSuccess ? waited : freed;
}

void attn::cuda::streamFinished(CUstream stream) {
  if (!stream)
    return;
  pthread_mutex_lock(&cache.lock);
  for (size_t i = 0; i < cache.count && cache.reserved != 0; ++i)
    if (cache.blocks[i].reservedTo == stream) {
      cache.blocks[i].reservedTo = nullptr;
      --cache.reserved;
    }
  pthread_mutex_unlock(&cache.lock);
}

CUresult attn::cuda::releaseCachedBlocks() {
  pthread_mutex_lock(&cache.lock);
  size_t idleCount = cache.count - cache.reserved;
  CachedBlock *idle = nullptr;
  if (cache.reserved == 0) {
    idle = cache.blocks;
    cache.blocks = nullptr;
    cache.count = cache.capacity = cache.bytes = 0;
  } else if (idleCount != 0) {
    // The reserved blocks stay, moved to the front; the idle ones are
    // copied out, to be freed without the lock.
    idle = static_cast<CachedBlock *>(malloc(idleCount * sizeof(CachedBlock)));
    if (idle) {
      size_t kept = 0, taken = 0;
      for (size_t i = 0; i < cache.count; ++i) {
        if (cache.blocks[i].reservedTo) {
          cache.blocks[kept++] = cache.blocks[i];
          continue;
        }
        idle[taken++] = cache.blocks[i];
        cache.bytes -= cache.blocks[i].bytes;
      }
      cache.count = kept;
    }
  }
  pthread_mutex_unlock(&cache.lock);
  if (!idle && idleCount != 0)
    return kErrorOutOfMemory;
  CUresult status = freeBlocks(idle, idleCount);
  free(idle);
  return status;
}

void attn::cuda::releaseCacheAtUnload() {
  // Runs (and so unregisters) the exit handler while the driver is still
  // there (CUDADriver.cpp never unloads it); at exit the handler has already
  // run. The table's storage goes too when no buffer is live, which is
  // always the case between calls; at exit a call may still be running on
  // another thread, and then the table stays.
  __cxa_finalize(&exitHandlerOwner);
  releaseCachedBlocks();
  pthread_mutex_lock(&cache.lock);
  if (cache.live.size() == 0)
    cache.live.reset();
  pthread_mutex_unlock(&cache.lock);
}

/// `field` of the cache, read under its lock.
template <typename Read> static size_t readLocked(Read field) {
  pthread_mutex_lock(&cache.lock);
  size_t value = field();
  pthread_mutex_unlock(&cache.lock);
  return value;
}

size_t attn::cuda::cachedBytes() {
  return readLocked([] { return cache.bytes; });
}

size_t attn::cuda::liveBuffers() {
  return readLocked([] { return cache.live.size(); });
}

size_t attn::cuda::cachedBlocks() {
  return readLocked([] { return cache.count; });
}

size_t attn::cuda::reservedBlocks() {
  return readLocked([] { return cache.reserved; });
}
