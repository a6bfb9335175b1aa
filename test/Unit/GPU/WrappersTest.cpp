//===- WrappersTest.cpp - The launch functions of CUDA model libraries ----===//
//
// What the host code of a CUDA model library calls, driven as that code
// does: kernel modules loaded (in the library's constructors), functions
// looked up, launches on a stream, host buffers allocated and freed, and the
// status the entry points return. Each case is a child process (the driver
// is loaded once per process).
//
//===----------------------------------------------------------------------===//

#include "LaunchFunctions.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace {

/// What a compiled entry point does: load, launch `launches` kernels,
/// allocate and use a host buffer, return the status.
int32_t runLikeAnEntryPoint(int launches) {
  static char ptx[] = "// not PTX; the stand-in driver does not read it";
  void *module = mgpuModuleLoadJIT(ptx, 3);
  auto *buffer = static_cast<float *>(_mlir_memref_to_llvm_alloc(256));
  if (!buffer)
    return -1;
  // Host code reads and writes its own buffers whatever happens.
  for (int i = 0; i < 64; ++i)
    buffer[i] = float(i);
  for (int i = 0; i < launches; ++i) {
    void *function = mgpuModuleGetFunction(module, "kernel");
    void *stream = mgpuStreamCreate();
    void *params[] = {&buffer};
    mgpuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, stream, params, nullptr,
                     1);
    mgpuStreamSynchronize(stream);
    mgpuStreamDestroy(stream);
  }
  _mlir_memref_to_llvm_free(buffer);
  return attn_cuda_take_error();
}

TEST(CUDAWrappers, NoDriverFailsTheCallWithoutCrashing) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        int32_t status = runLikeAnEntryPoint(3);
        // CUDA_ERROR_NOT_INITIALIZED, and it is taken: a second call that
        // launches nothing still reports the failed module load.
        bool ok = status == 3 && runLikeAnEntryPoint(0) == 3;
        std::exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(CUDAWrappers, LaunchesReachTheDriver) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
        unsetenv("ATTN_FAKE_CUDA_CC");
        unsetenv("ATTN_FAKE_CUDA_DEVICES");
        unsetenv("ATTN_FAKE_CUDA_INIT_ERROR");
        int32_t status = runLikeAnEntryPoint(5);
        // The wrappers load the stand-in with RTLD_LOCAL; so does this.
        void *fake = dlopen(ATTN_FAKE_CUDA_PATH, RTLD_NOW | RTLD_LOCAL);
        auto *launches =
            fake ? static_cast<int *>(dlsym(fake, "fake_cuda_launches"))
                 : nullptr;
        bool ok = status == 0 && launches && *launches == 5;
        std::exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(CUDAWrappers, NoGPUFailsTheCall) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
        setenv("ATTN_FAKE_CUDA_DEVICES", "0", 1);
        std::exit(runLikeAnEntryPoint(1) != 0 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

} // namespace
