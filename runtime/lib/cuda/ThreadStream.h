//===- ThreadStream.h - One CUDA stream per calling thread ------*- C++ -*-===//
//
// MLIR's gpu-to-llvm lowering turns every synchronous `gpu.launch_func`
// into mgpuStreamCreate, mgpuLaunchKernel, mgpuStreamSynchronize,
// mgpuStreamDestroy. Done literally, that is a stream made and waited for per
// kernel, some 240 host round trips per decoded token of a 16-layer model.
// Kernels queued on one stream run in order, and the host code never touches
// device data between launches, so a call needs to wait only once, at its
// end: each thread gets one non-blocking stream, made on its first launch
// and kept, and only attn_cuda_take_error, which every entry point calls
// last, waits for it (CUDAWrappers.cpp).
//
// Lifetime: a thread's stream is waited for and destroyed when the thread
// exits (a pthread key's destructor), and every remaining stream when the
// library is unloaded (releaseThreadStreams, with no call running, as dlclose
// requires), which also deletes the key, so that threads exiting later do
// not call into the unmapped library. Not a thread_local with a destructor:
// that needs the C++ library's __cxa_thread_atexit, and glibc's version of
// it keeps the library mapped past dlclose while any such thread lives. At
// process exit no stream is destroyed: other threads may still have kernels
// queued, and the driver's own teardown may already have run; the driver
// reclaims them with the context. Plain C++ without the C++ library, like
// the rest of the wrappers.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_CUDA_THREADSTREAM_H
#define ATTN_RUNTIME_CUDA_THREADSTREAM_H

#include "CUDADriver.h"

namespace attn {
namespace cuda {

/// The calling thread's stream, made on `d` (whose context must be current)
/// on first use; null when that failed, with the driver's error in
/// `status`.
CUstream threadStream(const Driver &d, CUresult &status);

/// The calling thread's stream, or null when it has none yet.
CUstream existingThreadStream();

/// Notes that the calling thread queued work on its stream.
void noteQueuedWork();

/// The calling thread's stream while work queued on it since it was last
/// waited for may still run; null when no kernel of this thread can be
/// running.
CUstream busyThreadStream();

/// Waits for the calling thread's stream if work is queued on it, then
/// tells the allocator that the blocks freed behind that work are idle
/// (streamFinished, CachingAllocator.h). The driver's status: an error of
/// an asynchronous kernel shows here.
CUresult finishThreadStream();

/// Waits for and destroys every thread's stream, and stops the threads'
/// exit hooks from calling into the library: for its unload, when no call
/// is running.
void releaseThreadStreams();

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_THREADSTREAM_H
