//===- CUDALibraryTest.cpp - A CUDA model library, loaded without a GPU ---===//
//
// The tiny model of test/Target/Inputs compiled to model.so for sm_90 (PTX
// for sm_90a embedded) and loaded with dlopen: it needs nothing but libc,
// exports only the ABI, names its target in the manifest, and its entry points
// run their host code and return the driver's error where there is no driver,
// and reach the (stand-in) driver's launches where there is one. The numbers
// the kernels compute can only be checked on a GPU (scripts/gpu-check.sh).
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"

#include "attn/GPU/CUDATarget.h"
#include "attn/abi.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::attn;

namespace {

class CUDALibrary : public attn_test::TinyCUDALibraryTest {
protected:
  /// Calls attn_prefill on two tokens with host buffers (the stand-in
  /// driver's device memory is host memory) and returns its status.
  static int32_t prefill(void *library) {
    auto entry =
        reinterpret_cast<attn_entry_fn>(dlsym(library, "attn_prefill"));
    if (!entry)
      return -100;
    // Slots of the tiny model: embed, norm, 2 layers x 9, lm_head.
    std::vector<std::vector<float>> storage(21, std::vector<float>(32 * 32));
    std::vector<const void *> weights;
    for (auto &tensor : storage)
      weights.push_back(tensor.data());
    std::vector<float> kCache(2 * 8 * 8), vCache(2 * 8 * 8), output(2 * 16);
    int32_t tokens[] = {1, 2};
    attn_call call = {};
    call.weights = weights.data();
    call.tokens = tokens;
    call.num_tokens = 2;
    call.position = 0;
    call.k_cache = kCache.data();
    call.v_cache = vCache.data();
    call.cache_capacity = 8;
    call.output = output.data();
    return entry(&call);
  }
};

/// Loads the library and checks its exported symbols; exits 0 if they are
/// right, 1 after saying what is wrong. A child process, like the other
/// cases: loading the library runs its constructors (kernel-module loads),
/// which must happen in each case's own process.
[[noreturn]] void checkExportsAndExit(const char *path) {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
  // RTLD_NOW: every symbol resolves without the runtime or libcuda.
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    std::fprintf(stderr, "dlopen: %s\n", dlerror());
    std::exit(1);
  }
  auto version =
      reinterpret_cast<attn_abi_version_fn>(dlsym(library, "attn_abi_version"));
  auto manifest =
      reinterpret_cast<attn_manifest_fn>(dlsym(library, "attn_manifest"));
  if (!version || !manifest || version() != ATTN_ABI_VERSION) {
    std::fprintf(stderr, "no attn_abi_version or attn_manifest, or a wrong "
                         "version\n");
    std::exit(1);
  }
  std::string json = manifest();
  if (json.find("\"target\":{\"kind\":\"cuda\",\"arch\":\"sm_90a\"}") ==
      std::string::npos) {
    std::fprintf(stderr, "manifest without the target: %s\n", json.c_str());
    std::exit(1);
  }
  for (const char *hidden :
       {"mgpuLaunchKernel", "_mlir_memref_to_llvm_alloc", "prefill"})
    if (dlsym(library, hidden)) {
      std::fprintf(stderr, "%s is exported\n", hidden);
      std::exit(1);
    }
  std::exit(dlsym(library, "attn_logits") ? 0 : 1);
}

TEST_F(CUDALibrary, ExportsTheABIAndNothingElse) {
  EXPECT_EXIT(checkExportsAndExit(libraryPath->c_str()),
              testing::ExitedWithCode(0), "");
}

TEST_F(CUDALibrary, WithoutADriverTheCallFails) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        void *library = dlopen(libraryPath->c_str(), RTLD_NOW | RTLD_LOCAL);
        // CUDA_ERROR_NOT_INITIALIZED from the failed kernel-module load.
        std::exit(library && prefill(library) == 3 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST_F(CUDALibrary, LaunchesGoThroughTheDriver) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
        unsetenv("ATTN_FAKE_CUDA_DEVICES");
        unsetenv("ATTN_FAKE_CUDA_INIT_ERROR");
        void *library = dlopen(libraryPath->c_str(), RTLD_NOW | RTLD_LOCAL);
        void *fake = dlopen(ATTN_FAKE_CUDA_PATH, RTLD_NOW | RTLD_LOCAL);
        auto *modules =
            fake ? static_cast<int *>(dlsym(fake, "fake_cuda_modules"))
                 : nullptr;
        auto *launches =
            fake ? static_cast<int *>(dlsym(fake, "fake_cuda_launches"))
                 : nullptr;
        if (!library || !modules || !launches)
          std::exit(2);
        // One kernel module, loaded when the library was.
        if (*modules != 1) {
          std::fprintf(stderr, "%d kernel modules loaded\n", *modules);
          std::exit(3);
        }
        int32_t status = prefill(library);
        std::fprintf(stderr, "status %d, %d launches\n", status, *launches);
        std::exit(status == 0 && *launches > 10 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

} // namespace
