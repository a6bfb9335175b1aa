/*===- CachingAllocatorUser.c - A library that uses the cache -----*- C -*-===*
 *
 * Stands for a CUDA model library's host code: the launch functions of
 * runtime/lib/cuda linked in with hidden symbols, and no C runtime start
 * files, as attnc links model.so. Lets the tests load and unload the cache
 * with dlopen and dlclose.
 *
 *===----------------------------------------------------------------------===*/

#include <stddef.h>
#include <stdint.h>

void *_mlir_memref_to_llvm_alloc(size_t bytes);
void _mlir_memref_to_llvm_free(void *pointer);
int32_t attn_cuda_take_error(void);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void *mgpuModuleGetFunction(void *module, const char *name);
void *mgpuStreamCreate(void);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **params, void **extra, size_t paramsCount);

/* Allocates and frees `rounds` buffers of `bytes`, one at a time; the first
 * error, as an entry point returns it. */
__attribute__((visibility("default"))) int32_t fixture_alloc_free(size_t bytes,
                                                                  int rounds) {
  for (int i = 0; i < rounds; ++i)
    _mlir_memref_to_llvm_free(_mlir_memref_to_llvm_alloc(bytes));
  return attn_cuda_take_error();
}

/* Launches `kernel` of `ptx` (one pointer parameter) on a buffer of `bytes`
 * and frees the buffer without ending the call: the library is left with a
 * stream that may still be running and a block reserved to it. The buffer's
 * address. */
__attribute__((visibility("default"))) void *
fixture_launch_and_free(char *ptx, const char *kernel, size_t bytes) {
  void *buffer = _mlir_memref_to_llvm_alloc(bytes);
  void *function = mgpuModuleGetFunction(mgpuModuleLoadJIT(ptx, 3), kernel);
  void *params[] = {&buffer};
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, mgpuStreamCreate(), params,
                   NULL, 1);
  _mlir_memref_to_llvm_free(buffer);
  return buffer;
}
