//===- CachingAllocator.cpp - Reuse of the host code's managed buffers ----===//
//
// Why a freed block may be handed out again at once, with no event or
// stream bookkeeping (as PyTorch's caching allocator needs): the host code
// of a model library launches every kernel synchronously. Its
// `gpu.launch_func`s carry no async tokens, and MLIR's translation of such a
// launch is mgpuStreamCreate, mgpuLaunchKernel, mgpuStreamSynchronize,
// mgpuStreamDestroy, in that order (the host IR of `attnc --target=cuda
// --emit=llvm` shows it; where LLVM merges the tails of two branches the
// synchronisation is shared, not skipped). So when the host code frees a
// buffer, every kernel that used it has finished, and a kernel given the
// block by a later allocation cannot race with them. The runtime's own
// uploads run on the legacy stream into cuMemAlloc buffers, which never pass
// through here. Should the compiler ever emit asynchronous launches, a free
// would have to wait for their stream before a block is cached.
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
};

/// Every field starts zero or constant, so that the library needs no
/// constructor for it (and has no destructor that could run too early).
struct Cache {
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  CachedBlock *blocks = nullptr;
  size_t count = 0, capacity = 0, bytes = 0;
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
/// before any teardown the driver registered then.
void releaseAtExit(void *) { releaseCachedBlocks(); }

/// At dlclose, runs (and so unregisters) the exit handler while the driver
/// is still there (CUDADriver.cpp never unloads it); at exit the handler has
/// already run. The table's storage goes too when no buffer is live, which
/// is always the case between calls; at exit a call may still be running on
/// another thread, and then the table stays.
__attribute__((destructor)) void releaseAtUnload() {
  __cxa_finalize(&exitHandlerOwner);
  pthread_mutex_lock(&cache.lock);
  if (cache.live.size() == 0)
    cache.live.reset();
  pthread_mutex_unlock(&cache.lock);
}

/// Takes a cached block of `bytes` and records it as live, searching from
/// the end, where the most recently freed blocks (the likeliest to be
/// resident on the GPU) are; 0 when there is none (or no room to record
/// it).
CUdeviceptr take(size_t bytes) {
  CUdeviceptr base = 0;
  pthread_mutex_lock(&cache.lock);
  for (size_t i = cache.count; i-- > 0;) {
    if (cache.blocks[i].bytes != bytes)
      continue;
    if (!cache.live.insert(cache.blocks[i].base, {BlockKind::Managed, bytes}))
      break;
    base = cache.blocks[i].base;
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

/// Caches the block if the limits leave room; false when the caller must
/// free it. The caller holds the lock.
bool keepLocked(CUdeviceptr base, size_t bytes) {
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
  cache.blocks[cache.count++] = {base, bytes};
  cache.bytes += bytes;
  if (!cache.exitHookRegistered)
    cache.exitHookRegistered =
        __cxa_atexit(releaseAtExit, nullptr, &exitHandlerOwner) == 0;
  return true;
}

/// A managed block of `blockBytes` (a size class), recorded as live: a
/// cached one, or a new one from `d`. When the driver is out of memory, the
/// cache is released and the driver asked again.
CUresult allocateManaged(const Driver &d, size_t blockBytes,
                         CUdeviceptr &base) {
  base = take(blockBytes);
  if (base)
    return kSuccess;
  CUresult status = d.memAllocManaged(&base, blockBytes, kAttachGlobal);
  // Cached blocks of other sizes may be what the driver is missing.
  if (status == kErrorOutOfMemory && cachedBlocks() != 0) {
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

void *attn::cuda::allocateBuffer(const Driver *d, size_t bytes,
                                 CUresult &status) {
  size_t blockBytes = blockSizeFor(bytes);
  CUdeviceptr base = 0;
  status = kErrorNotInitialized;
  if (d)
    status =
        blockBytes ? allocateManaged(*d, blockBytes, base) : kErrorOutOfMemory;
  if (status == kSuccess)
    return reinterpret_cast<void *>(base);
  return allocateHeap(bytes);
}

CUresult attn::cuda::freeBuffer(void *pointer) {
  auto address = reinterpret_cast<uintptr_t>(pointer);
  BlockInfo info;
  pthread_mutex_lock(&cache.lock);
  bool known = cache.live.erase(address, info);
  bool kept = known && info.kind == BlockKind::Managed &&
              keepLocked(address, info.blockBytes);
  pthread_mutex_unlock(&cache.lock);
  if (!known)
    return kErrorInvalidValue;
  if (info.kind == BlockKind::Heap) {
    free(pointer);
    return kSuccess;
  }
  if (kept)
    return kSuccess;
  CachedBlock block = {address, info.blockBytes};
  return freeBlocks(&block, 1);
}

CUresult attn::cuda::releaseCachedBlocks() {
  pthread_mutex_lock(&cache.lock);
  CachedBlock *blocks = cache.blocks;
  size_t count = cache.count;
  cache.blocks = nullptr;
  cache.count = cache.capacity = cache.bytes = 0;
  pthread_mutex_unlock(&cache.lock);
  CUresult status = freeBlocks(blocks, count);
  free(blocks);
  return status;
}

size_t attn::cuda::cachedBytes() {
  pthread_mutex_lock(&cache.lock);
  size_t bytes = cache.bytes;
  pthread_mutex_unlock(&cache.lock);
  return bytes;
}

size_t attn::cuda::liveBuffers() {
  pthread_mutex_lock(&cache.lock);
  size_t count = cache.live.size();
  pthread_mutex_unlock(&cache.lock);
  return count;
}

size_t attn::cuda::cachedBlocks() {
  pthread_mutex_lock(&cache.lock);
  size_t count = cache.count;
  pthread_mutex_unlock(&cache.lock);
  return count;
}
