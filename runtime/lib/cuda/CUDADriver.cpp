//===- CUDADriver.cpp - The CUDA driver API, loaded at run time -----------===//

#include "CUDADriver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

using namespace attn::cuda;

namespace {

struct LoadedDriver {
  Driver functions = {};
  bool ok = false;
  char error[512] = {};
  CUcontext context = nullptr;
  char contextError[512] = {};
};

LoadedDriver loaded;
pthread_once_t loadOnce = PTHREAD_ONCE_INIT;
pthread_once_t contextOnce = PTHREAD_ONCE_INIT;

/// Resolves `name` into `slot`; false after recording which symbol is
/// missing.
template <typename Fn>
bool resolve(void *library, const char *path, const char *name, Fn &slot) {
  slot = reinterpret_cast<Fn>(dlsym(library, name));
  if (slot)
    return true;
  snprintf(loaded.error, sizeof(loaded.error),
           "the CUDA driver library '%s' has no '%s' (driver too old?)", path,
           name);
  return false;
}

void load() {
  const char *path = getenv("ATTN_CUDA_DRIVER_LIBRARY");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    snprintf(loaded.error, sizeof(loaded.error),
             "cannot load the CUDA driver library '%s': %s (is the NVIDIA "
             "driver installed?)",
             path, why ? why : "unknown error");
    return;
  }
  Driver &d = loaded.functions;
  bool ok =
      resolve(library, path, "cuInit", d.init) &&
      resolve(library, path, "cuDriverGetVersion", d.driverGetVersion) &&
      resolve(library, path, "cuDeviceGetCount", d.deviceGetCount) &&
      resolve(library, path, "cuDeviceGet", d.deviceGet) &&
      resolve(library, path, "cuDeviceGetAttribute", d.deviceGetAttribute) &&
      resolve(library, path, "cuDeviceGetName", d.deviceGetName) &&
      resolve(library, path, "cuDevicePrimaryCtxRetain", d.primaryCtxRetain) &&
      resolve(library, path, "cuCtxSetCurrent", d.ctxSetCurrent) &&
      resolve(library, path, "cuCtxSynchronize", d.ctxSynchronize) &&
      resolve(library, path, "cuGetErrorString", d.getErrorString) &&
      resolve(library, path, "cuModuleLoadData", d.moduleLoadData) &&
      resolve(library, path, "cuModuleLoadDataEx", d.moduleLoadDataEx) &&
      resolve(library, path, "cuModuleUnload", d.moduleUnload) &&
      resolve(library, path, "cuModuleGetFunction", d.moduleGetFunction) &&
      resolve(library, path, "cuFuncSetAttribute", d.funcSetAttribute) &&
      resolve(library, path, "cuLaunchKernel", d.launchKernel) &&
      resolve(library, path, "cuStreamCreate", d.streamCreate) &&
      resolve(library, path, "cuStreamDestroy_v2", d.streamDestroy) &&
      resolve(library, path, "cuStreamSynchronize", d.streamSynchronize) &&
      resolve(library, path, "cuMemAlloc_v2", d.memAlloc) &&
      resolve(library, path, "cuMemAllocManaged", d.memAllocManaged) &&
      resolve(library, path, "cuMemFree_v2", d.memFree) &&
      resolve(library, path, "cuMemcpyHtoD_v2", d.memcpyHtoD) &&
      resolve(library, path, "cuMemcpyDtoH_v2", d.memcpyDtoH) &&
      resolve(library, path, "cuMemsetD8_v2", d.memsetD8);
  if (!ok)
    return;
  CUresult status = d.init(0);
  if (status != kSuccess) {
    const char *text = nullptr;
    if (d.getErrorString(status, &text) != kSuccess || !text)
      text = "unknown error";
    snprintf(loaded.error, sizeof(loaded.error),
             "the CUDA driver ('%s') failed to initialise: error %d, %s (no "
             "GPU, or the driver does not match the kernel module?)",
             path, status, text);
    return;
  }
  loaded.ok = true;
}

void createContext() {
  const Driver *d = driver();
  if (!d) {
    snprintf(loaded.contextError, sizeof(loaded.contextError), "%s",
             driverError());
    return;
  }
  int count = 0;
  CUresult status = d->deviceGetCount(&count);
  if (status != kSuccess || count < 1) {
    snprintf(loaded.contextError, sizeof(loaded.contextError),
             "the CUDA driver found no GPU (%s)",
             status != kSuccess ? errorString(status) : "0 devices");
    return;
  }
  CUdevice device = 0;
  CUcontext context = nullptr;
  if ((status = d->deviceGet(&device, 0)) != kSuccess ||
      (status = d->primaryCtxRetain(&context, device)) != kSuccess) {
    snprintf(loaded.contextError, sizeof(loaded.contextError),
             "cannot create a context on GPU 0: %s", errorString(status));
    return;
  }
  loaded.context = context;
}

} // namespace

const Driver *attn::cuda::driver() {
  pthread_once(&loadOnce, load);
  return loaded.ok ? &loaded.functions : nullptr;
}

const char *attn::cuda::driverError() {
  pthread_once(&loadOnce, load);
  return loaded.ok ? "" : loaded.error;
}

CUcontext attn::cuda::currentContext(char *error, size_t errorSize) {
  pthread_once(&contextOnce, createContext);
  if (!loaded.context) {
    snprintf(error, errorSize, "%s", loaded.contextError);
    return nullptr;
  }
  CUresult status = loaded.functions.ctxSetCurrent(loaded.context);
  if (status != kSuccess) {
    snprintf(error, errorSize, "cannot make the GPU 0 context current: %s",
             errorString(status));
    return nullptr;
  }
  return loaded.context;
}

const char *attn::cuda::errorString(CUresult result) {
  const Driver *d = driver();
  const char *text = nullptr;
  if (d && d->getErrorString(result, &text) == kSuccess && text)
    return text;
  return "unknown CUDA error";
}
