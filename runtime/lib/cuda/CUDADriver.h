/*===- CUDADriver.h - The CUDA driver API, loaded at run time -----*- C -*-===*
 *
 * The few driver entry points attnc's libraries and the runtime use, found
 * with dlopen("libcuda.so.1") and dlsym, so that nothing links against CUDA
 * and a machine without a driver can still load (and reject) a CUDA model.
 * The declarations are written out here rather than taken from cuda.h, so
 * that building needs no CUDA toolkit either. Plain C++ without the C++
 * library: it is also linked into every CUDA model library.
 *
 *===----------------------------------------------------------------------===*/

#ifndef ATTN_RUNTIME_CUDA_CUDADRIVER_H
#define ATTN_RUNTIME_CUDA_CUDADRIVER_H

#include <cstddef>

namespace attn {
namespace cuda {

typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef unsigned long long CUdeviceptr;

constexpr CUresult kSuccess = 0;
/// CUDA_ERROR_NOT_INITIALIZED: what a call reports when no driver loaded.
constexpr CUresult kErrorNotInitialized = 3;
constexpr CUresult kErrorInvalidValue = 1;
/// CUDA_ERROR_OUT_OF_MEMORY.
constexpr CUresult kErrorOutOfMemory = 2;
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;

/// The driver functions, resolved once per process.
struct Driver {
  CUresult (*init)(unsigned flags);
  CUresult (*driverGetVersion)(int *version);
  CUresult (*deviceGetCount)(int *count);
  CUresult (*deviceGet)(CUdevice *device, int ordinal);
  CUresult (*deviceGetAttribute)(int *value, int attribute, CUdevice device);
  CUresult (*deviceGetName)(char *name, int length, CUdevice device);
  CUresult (*primaryCtxRetain)(CUcontext *context, CUdevice device);
  CUresult (*ctxSetCurrent)(CUcontext context);
  CUresult (*ctxSynchronize)();
  CUresult (*getErrorString)(CUresult error, const char **text);
  CUresult (*moduleLoadData)(CUmodule *module, const void *image);
  CUresult (*moduleLoadDataEx)(CUmodule *module, const void *image,
                               unsigned numOptions, int *options,
                               void **values);
  CUresult (*moduleUnload)(CUmodule module);
  CUresult (*moduleGetFunction)(CUfunction *function, CUmodule module,
                                const char *name);
  CUresult (*funcSetAttribute)(CUfunction function, int attribute, int value);
  CUresult (*launchKernel)(CUfunction function, unsigned gridX, unsigned gridY,
                           unsigned gridZ, unsigned blockX, unsigned blockY,
                           unsigned blockZ, unsigned sharedBytes,
                           CUstream stream, void **params, void **extra);
  CUresult (*streamCreate)(CUstream *stream, unsigned flags);
  CUresult (*streamDestroy)(CUstream stream);
  CUresult (*streamSynchronize)(CUstream stream);
  CUresult (*memAlloc)(CUdeviceptr *pointer, size_t bytes);
  CUresult (*memAllocManaged)(CUdeviceptr *pointer, size_t bytes,
                              unsigned flags);
  CUresult (*memFree)(CUdeviceptr pointer);
  CUresult (*memcpyHtoD)(CUdeviceptr destination, const void *source,
                         size_t bytes);
  CUresult (*memcpyDtoH)(void *destination, CUdeviceptr source, size_t bytes);
  CUresult (*memsetD8)(CUdeviceptr destination, unsigned char value,
                       size_t bytes);
};

/// The driver, loaded and initialised on first use (cuInit(0)); null when
/// that failed, with the reason in driverError(). The library is
/// "libcuda.so.1", or $ATTN_CUDA_DRIVER_LIBRARY where that is set (tests
/// use it to load a stand-in).
const Driver *driver();

/// Why driver() returned null: names the library and what failed.
const char *driverError();

/// The context of device 0 (its primary context), made current on the
/// calling thread; null after filling `error` (size `errorSize`).
CUcontext currentContext(char *error, size_t errorSize);

/// The driver's text for `result` ("CUDA_ERROR_..." name when known).
const char *errorString(CUresult result);

} // namespace cuda
} // namespace attn

#endif // ATTN_RUNTIME_CUDA_CUDADRIVER_H
