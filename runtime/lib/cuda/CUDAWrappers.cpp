//===- CUDAWrappers.cpp - The launch functions of CUDA model libraries ----===//
//
// MLIR's gpu-to-llvm lowering turns kernel launches into calls to `mgpu*`
// functions (their signatures are those of MLIR's CudaRuntimeWrappers.cpp),
// and memref allocations on the host into `_mlir_memref_to_llvm_alloc` /
// `_free` (--finalize-memref-to-llvm with generic functions). This file
// implements them on the driver that CUDADriver.cpp loads at run time, and is
// linked, with hidden symbols, into every model library attnc builds for
// CUDA (docs/abi.md, "CUDA model libraries").
//
// Kernels run asynchronously on one stream per calling thread
// (ThreadStream.h): mgpuStreamCreate hands out that stream, and
// mgpuStreamSynchronize and mgpuStreamDestroy leave it alone. Freed managed
// blocks go to a cache (CachingAllocator.h) and serve later allocations of
// their size class, so that steady prefill and decode calls neither call the
// driver nor fault pages in for their buffers.
//
// Errors cannot be returned through these signatures, so the first one a
// thread meets is kept until `attn_cuda_take_error`, which the entry points
// call last and whose value they return; it waits for the thread's stream
// first, so that the errors of asynchronous kernels show there and the
// call's outputs are complete when it returns. Nothing here aborts or
// prints: a library loaded where there is no driver fails its calls with a
// status.
//
//===----------------------------------------------------------------------===//

#include "CUDADriver.h"
#include "CachingAllocator.h"
#include "ThreadStream.h"

#include <atomic>
#include <cstdint>

using namespace attn::cuda;

namespace {

/// The first error of the calling thread since it last took it.
thread_local CUresult threadError = kSuccess;
/// The first error of a kernel-module load: those run in the library's
/// constructors, on whichever thread called dlopen.
std::atomic<CUresult> loadError{kSuccess};

void record(CUresult status) {
  if (status != kSuccess && threadError == kSuccess)
    threadError = status;
}

/// The driver with device 0's context current, or null after recording an
/// error.
const Driver *ready() {
  char ignored[8];
  if (!currentContext(ignored, sizeof(ignored))) {
    record(kErrorNotInitialized);
    return nullptr;
  }
  return driver();
}

} // namespace

extern "C" {

int32_t attn_cuda_take_error(void) {
  record(finishThreadStream());
  CUresult status = threadError;
  threadError = kSuccess;
  if (status == kSuccess)
    status = loadError.load();
  return status;
}

CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  const Driver *d = ready();
  CUmodule module = nullptr;
  CUresult status = d ? d->moduleLoadData(&module, data) : kErrorNotInitialized;
  if (status != kSuccess) {
    CUresult expected = kSuccess;
    loadError.compare_exchange_strong(expected, status);
    return nullptr;
  }
  return module;
}

CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  const Driver *d = ready();
  CUmodule module = nullptr;
  CUresult status = kErrorNotInitialized;
  if (d) {
    // CU_JIT_OPTIMIZATION_LEVEL.
    int options[] = {7};
    void *values[] = {reinterpret_cast<void *>(
        static_cast<intptr_t>(optLevel < 0   ? 0
                              : optLevel > 4 ? 4
                                             : optLevel))};
    status = d->moduleLoadDataEx(&module, data, 1, options, values);
  }
  if (status != kSuccess) {
    CUresult expected = kSuccess;
    loadError.compare_exchange_strong(expected, status);
    return nullptr;
  }
  return module;
}

void mgpuModuleUnload(CUmodule module) {
  if (const Driver *d = module ? driver() : nullptr)
    d->moduleUnload(module);
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  const Driver *d = module ? ready() : nullptr;
  CUfunction function = nullptr;
  record(d ? d->moduleGetFunction(&function, module, name)
           : kErrorNotInitialized);
  return function;
}

/// The calling thread's stream, made on the first launch.
CUstream mgpuStreamCreate() {
  if (CUstream stream = existingThreadStream())
    return stream;
  const Driver *d = ready();
  if (!d)
    return nullptr;
  CUresult status = kSuccess;
  CUstream stream = threadStream(*d, status);
  record(status);
  return stream;
}

/// The thread keeps its stream for its next launch (ThreadStream.h).
void mgpuStreamDestroy(CUstream) {}

/// The next kernel on the stream starts after this one anyway, and
/// attn_cuda_take_error waits for the stream before the call returns.
void mgpuStreamSynchronize(CUstream) {}

void mgpuLaunchKernel(CUfunction function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, CUstream stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  // After an error, later kernels would read what the failed one did not
  // write; the call is failing anyway.
  if (threadError != kSuccess)
    return;
  const Driver *d = function && stream ? ready() : nullptr;
  if (!d) {
    record(kErrorNotInitialized);
    return;
  }
  // Dynamic shared memory over 48 KiB must be asked for.
  if (sharedBytes > 48 * 1024)
    record(d->funcSetAttribute(function, 8, sharedBytes));
  // Before the launch: the buffers freed from now on may be in its use.
  noteQueuedWork();
  record(d->launchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                         sharedBytes, stream, params, extra));
}

void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  // Managed memory, so that host bookkeeping and kernels can both reach it;
  // the heap when there is no driver, so that the host code still runs (its
  // launches fail and the call reports it).
  CUresult status = kSuccess;
  void *buffer = allocateBuffer(ready(), bytes, existingThreadStream(), status);
  record(status);
  return buffer;
}

/// A pointer this file did not hand out fails the call rather than the
/// process. Kernels this thread queued may still use the buffer.
void _mlir_memref_to_llvm_free(void *pointer) {
  if (pointer)
    record(freeBuffer(pointer, busyThreadStream()));
}

/// Frees the idle cached blocks to the driver now rather than when the
/// library is unloaded, after waiting for the calling thread's stream; other
/// threads' reserved blocks stay. The first error, if any.
int32_t attn_cuda_release_cached_memory(void) {
  CUresult waited = finishThreadStream();
  CUresult released = releaseCachedBlocks();
  return waited != kSuccess ? waited : released;
}

} // extern "C"

/// At dlclose: the streams first, so that no cached block is reserved to
/// one any more, then the cache. (One destructor, as the order of two in
/// different files would be the linker's.)
__attribute__((destructor)) static void releaseAtUnload() {
  releaseThreadStreams();
  releaseCacheAtUnload();
}
