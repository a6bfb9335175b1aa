/*===- EmulatorStubs.c - The launch functions, forwarded to the emulator --===*
 *
 * The archive attnc links into a CUDA model library in place of
 * runtime/lib/cuda's (CUDATargetOptions::wrappersArchive), so that the very
 * host code attnc emits runs its kernels on the CPU emulator of
 * EmulatorLaunch.h. The library is linked against libc only and keeps these
 * symbols hidden; the emulator lives in the test executable, which exports
 * its attn_emu_* functions, so they are found with dlsym at run time.
 *
 * Device memory is host memory here: the host code's buffers are the
 * kernels' buffers.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The emulator's entry points, or null where the process has none (then
 * every launch fails through attn_cuda_take_error). */
static void *emulator(const char *name) { return dlsym(RTLD_DEFAULT, name); }

typedef void *(*ModuleLoadFn)(void);
typedef void *(*GetFunctionFn)(void *, const char *);
typedef void (*LaunchFn)(void *, intptr_t, intptr_t, intptr_t, intptr_t,
                         intptr_t, intptr_t, int32_t, void **);
typedef int32_t (*TakeErrorFn)(void);

/* CUDA_ERROR_NOT_INITIALIZED: what the real launch functions report when
 * there is no driver. */
enum { kNoEmulator = 3 };
static int32_t missingEmulator;

void *mgpuModuleLoad(void *data, size_t size) {
  (void)data;
  (void)size;
  ModuleLoadFn load = (ModuleLoadFn)emulator("attn_emu_module_load");
  if (!load) {
    missingEmulator = kNoEmulator;
    return NULL;
  }
  return load();
}

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  (void)optLevel;
  return mgpuModuleLoad(data, 0);
}

void mgpuModuleUnload(void *module) { (void)module; }

void *mgpuModuleGetFunction(void *module, const char *name) {
  GetFunctionFn get = (GetFunctionFn)emulator("attn_emu_module_get_function");
  return get && module ? get(module, name) : NULL;
}

/* One stream: launches run to completion before they return. */
void *mgpuStreamCreate(void) { return (void *)&missingEmulator; }
void mgpuStreamDestroy(void *stream) { (void)stream; }
void mgpuStreamSynchronize(void *stream) { (void)stream; }

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedBytes, void *stream,
                      void **params, void **extra, size_t paramsCount) {
  (void)stream;
  (void)extra;
  (void)paramsCount;
  LaunchFn launch = (LaunchFn)emulator("attn_emu_launch_kernel");
  if (!launch) {
    missingEmulator = kNoEmulator;
    return;
  }
  launch(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
         params);
}

int32_t attn_cuda_take_error(void) {
  TakeErrorFn take = (TakeErrorFn)emulator("attn_emu_take_error");
  int32_t status = take ? take() : kNoEmulator;
  if (status == 0)
    status = missingEmulator;
  missingEmulator = 0;
  return status;
}

int32_t attn_cuda_release_cached_memory(void) { return 0; }

/* 64-byte aligned, as the real allocator's blocks are, so that the kernels'
 * vector accesses see the alignment they would on the GPU. */
void *_mlir_memref_to_llvm_alloc(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  return aligned_alloc(64, rounded ? rounded : 64);
}

void _mlir_memref_to_llvm_free(void *pointer) { free(pointer); }
