//===- LaunchFunctions.h - The CUDA wrappers as the tests call them -*- C++
//-*-===//
//
// The functions of runtime/lib/cuda that a CUDA model library's host code
// calls (MLIR's mgpu* signatures, the allocation functions, the error and
// cache entry points), declared once for the tests that call them
// directly, and the environment that points them at the stand-in driver.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_LAUNCHFUNCTIONS_H
#define ATTN_TEST_UNIT_GPU_LAUNCHFUNCTIONS_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>

extern "C" {
int32_t attn_cuda_take_error(void);
int32_t attn_cuda_release_cached_memory(void);
void *mgpuModuleLoad(void *data, size_t size);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void *mgpuModuleGetFunction(void *module, const char *name);
void *mgpuStreamCreate();
void mgpuStreamSynchronize(void *stream);
void mgpuStreamDestroy(void *stream);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *_mlir_memref_to_llvm_alloc(size_t bytes);
void _mlir_memref_to_llvm_free(void *pointer);
}

namespace attn_test {

/// Points the wrappers at the stand-in driver, with every one of its
/// settings (and the cache's limit) at their defaults, so that a stray
/// variable in the environment cannot change a case.
inline void useFakeDriver() {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
  for (const char *name :
       {"ATTN_FAKE_CUDA_DEVICES", "ATTN_FAKE_CUDA_INIT_ERROR",
        "ATTN_FAKE_CUDA_LAUNCH_ERROR", "ATTN_FAKE_CUDA_SYNC_ERROR",
        "ATTN_FAKE_CUDA_MAX_ALLOCATION", "ATTN_FAKE_CUDA_MAX_LIVE_BYTES",
        "ATTN_CUDA_CACHE_BYTES"})
    unsetenv(name);
}

/// Prints `what` after `suite` when `ok` is false (the cases run in child
/// processes, whose gtest failures do not reach the parent); returns `ok`.
inline bool check(bool ok, const char *suite, const char *what) {
  if (!ok)
    std::fprintf(stderr, "%s: %s\n", suite, what);
  return ok;
}

} // namespace attn_test

#endif // ATTN_TEST_UNIT_GPU_LAUNCHFUNCTIONS_H
