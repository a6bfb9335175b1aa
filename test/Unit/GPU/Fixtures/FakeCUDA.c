/*===- FakeCUDA.c - A stand-in for libcuda.so.1 --------------------*- C -*-===*
 *
 * Exports the driver functions runtime/lib/cuda resolves, so that the
 * driver checks and the launch functions can be tested on machines without
 * a GPU. Behaviour is read from the environment on each call:
 *   ATTN_FAKE_CUDA_INIT_ERROR  cuInit's result (default 0)
 *   ATTN_FAKE_CUDA_DEVICES     the number of GPUs (default 1)
 *   ATTN_FAKE_CUDA_CC          the compute capability, 10 * major + minor
 *                              (default 90)
 * "Device" memory is host memory, so copies can be checked; kernels are not
 * run, only counted (fake_cuda_launches).
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

int fake_cuda_launches = 0;
int fake_cuda_modules = 0;

static int envInt(const char *name, int fallback) {
  const char *value = getenv(name);
  return value && *value ? atoi(value) : fallback;
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  return envInt("ATTN_FAKE_CUDA_INIT_ERROR", 0);
}
CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return 0;
}
CUresult cuDeviceGetCount(int *count) {
  *count = envInt("ATTN_FAKE_CUDA_DEVICES", 1);
  return 0;
}
CUresult cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal < envInt("ATTN_FAKE_CUDA_DEVICES", 1) ? 0 : 101;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  int cc = envInt("ATTN_FAKE_CUDA_CC", 90);
  if (attribute == 75)
    *value = cc / 10;
  else if (attribute == 76)
    *value = cc % 10;
  else
    return 1;
  return 0;
}
CUresult cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  strncpy(name, "Fake GPU", (size_t)length);
  return 0;
}
static int context;
CUresult cuDevicePrimaryCtxRetain(void **ctx, int device) {
  (void)device;
  *ctx = &context;
  return 0;
}
CUresult cuCtxSetCurrent(void *ctx) { return ctx == &context ? 0 : 201; }
CUresult cuCtxSynchronize(void) { return 0; }
CUresult cuGetErrorString(CUresult error, const char **text) {
  *text =
      error == 100 ? "no CUDA-capable device is detected" : "fake CUDA error";
  return 0;
}
static int module;
CUresult cuModuleLoadData(void **mod, const void *image) {
  (void)image;
  ++fake_cuda_modules;
  *mod = &module;
  return 0;
}
CUresult cuModuleLoadDataEx(void **mod, const void *image, unsigned n,
                            int *options, void **values) {
  (void)n, (void)options, (void)values;
  return cuModuleLoadData(mod, image);
}
CUresult cuModuleUnload(void *mod) { return mod == &module ? 0 : 400; }
static int function;
CUresult cuModuleGetFunction(void **fn, void *mod, const char *name) {
  (void)name;
  if (mod != &module)
    return 400;
  *fn = &function;
  return 0;
}
CUresult cuFuncSetAttribute(void *fn, int attribute, int value) {
  (void)fn, (void)attribute, (void)value;
  return 0;
}
CUresult cuLaunchKernel(void *fn, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *stream, void **params, void **extra) {
  (void)gx, (void)gy, (void)gz, (void)bx, (void)by, (void)bz, (void)smem;
  (void)stream, (void)params, (void)extra;
  if (fn != &function)
    return 400;
  ++fake_cuda_launches;
  return 0;
}
static int stream;
CUresult cuStreamCreate(void **s, unsigned flags) {
  (void)flags;
  *s = &stream;
  return 0;
}
CUresult cuStreamDestroy_v2(void *s) { return s == &stream ? 0 : 400; }
CUresult cuStreamSynchronize(void *s) { return s == &stream ? 0 : 400; }
CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  *pointer = (CUdeviceptr)(uintptr_t)malloc(bytes);
  return *pointer ? 0 : 2;
}
CUresult cuMemAllocManaged(CUdeviceptr *pointer, size_t bytes, unsigned flags) {
  (void)flags;
  return cuMemAlloc_v2(pointer, bytes);
}
CUresult cuMemFree_v2(CUdeviceptr pointer) {
  free((void *)(uintptr_t)pointer);
  return 0;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  memcpy((void *)(uintptr_t)dst, src, bytes);
  return 0;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  memcpy(dst, (const void *)(uintptr_t)src, bytes);
  return 0;
}
CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
  memset((void *)(uintptr_t)dst, value, bytes);
  return 0;
}
