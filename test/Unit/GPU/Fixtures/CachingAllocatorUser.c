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

/* Allocates and frees `rounds` buffers of `bytes`, one at a time; the first
 * error, as an entry point returns it. */
__attribute__((visibility("default"))) int32_t fixture_alloc_free(size_t bytes,
                                                                  int rounds) {
  for (int i = 0; i < rounds; ++i)
    _mlir_memref_to_llvm_free(_mlir_memref_to_llvm_alloc(bytes));
  return attn_cuda_take_error();
}
