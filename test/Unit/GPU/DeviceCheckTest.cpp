//===- DeviceCheckTest.cpp - The runtime's checks of the CUDA driver ------===//
//
// The driver is loaded once per process, so every case runs in a child
// process (a death test) with its own environment: no driver, a stand-in
// driver (Fixtures/FakeCUDA.c) that fails cuInit, has no GPU, or a GPU of a
// given compute capability.
//
//===----------------------------------------------------------------------===//

#include "CUDADevice.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace attn::cuda;

namespace {

/// Runs checkDevice in the child and exits 0 if it accepted the GPU, 1 with
/// the message on stderr if not.
[[noreturn]] void checkAndExit(const char *arch, bool exactMajor) {
  std::string error;
  bool ok = checkDevice("model.so", arch, exactMajor, error);
  std::fprintf(stderr, "%s\n", error.c_str());
  std::exit(ok ? 0 : 1);
}

void useFakeDriver(const char *cc, const char *devices = "1",
                   const char *initError = "0") {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
  setenv("ATTN_FAKE_CUDA_CC", cc, 1);
  setenv("ATTN_FAKE_CUDA_DEVICES", devices, 1);
  setenv("ATTN_FAKE_CUDA_INIT_ERROR", initError, 1);
}

TEST(CUDAArch, Parse) {
  EXPECT_EQ(parseArch("sm_80"), 80);
  EXPECT_EQ(parseArch("sm_90"), 90);
  EXPECT_EQ(parseArch("sm_90a"), 90);
  EXPECT_EQ(parseArch("sm_100"), 100);
  EXPECT_EQ(parseArch("sm_"), -1);
  EXPECT_EQ(parseArch("sm_9x"), -1);
  EXPECT_EQ(parseArch("gfx90a"), -1);
  EXPECT_EQ(parseArch("compute_90"), -1);
}

TEST(CUDADeviceCheck, NoDriverLibrary) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        checkAndExit("sm_90", false);
      },
      testing::ExitedWithCode(1),
      "model.so: built for CUDA sm_90, but cannot load the CUDA driver "
      "library '/nonexistent/libcuda.so.1'.*is the NVIDIA driver installed");
}

TEST(CUDADeviceCheck, DriverFailsToInitialise) {
  EXPECT_EXIT(
      {
        useFakeDriver("90", "1", "100");
        checkAndExit("sm_90", false);
      },
      testing::ExitedWithCode(1),
      "failed to initialise: error 100, no CUDA-capable device is detected");
}

TEST(CUDADeviceCheck, NoGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver("90", "0");
        checkAndExit("sm_90", false);
      },
      testing::ExitedWithCode(1), "the CUDA driver found no GPU");
}

TEST(CUDADeviceCheck, OlderGPUThanTheLibrary) {
  EXPECT_EXIT(
      {
        useFakeDriver("80");
        checkAndExit("sm_90", false);
      },
      testing::ExitedWithCode(1),
      "GPU 0 \\(Fake GPU\\) has compute capability 8.0, older than 9.0");
}

TEST(CUDADeviceCheck, SameGPUAsTheLibrary) {
  EXPECT_EXIT(
      {
        useFakeDriver("90");
        checkAndExit("sm_90", true);
      },
      testing::ExitedWithCode(0), "");
}

TEST(CUDADeviceCheck, NewerGPURunsPTX) {
  EXPECT_EXIT(
      {
        useFakeDriver("90");
        checkAndExit("sm_80", false);
      },
      testing::ExitedWithCode(0), "");
}

TEST(CUDADeviceCheck, NewerGPUDoesNotRunAnOlderCubin) {
  EXPECT_EXIT(
      {
        useFakeDriver("90");
        checkAndExit("sm_80", true);
      },
      testing::ExitedWithCode(1),
      "cubins for compute capability 8.0 and GPU 0 \\(Fake GPU\\) is 9.0");
}

TEST(CUDADeviceCheck, ArchSpecificLibraryOnItsGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver("90");
        checkAndExit("sm_90a", false);
      },
      testing::ExitedWithCode(0), "");
}

TEST(CUDADeviceCheck, ArchSpecificLibraryNotOnALaterGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver("100");
        checkAndExit("sm_90a", false);
      },
      testing::ExitedWithCode(1),
      "built for CUDA sm_90a, but its kernels use the architecture-specific "
      "features of sm_90a, which only GPUs of compute capability 9.0 have, "
      "and GPU 0 \\(Fake GPU\\) is 10.0 \\(rebuild with "
      "--cuda-arch=sm_100 if attnc supports it, or with "
      "--pipeline-options=wgmma=false\\)");
}

TEST(CUDADeviceCheck, ArchSpecificLibraryNotOnAnOlderGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver("89");
        checkAndExit("sm_90a", false);
      },
      testing::ExitedWithCode(1), "compute capability 8.9, older than 9.0");
}

TEST(CUDADeviceCheck, MalformedArch) {
  std::string error;
  EXPECT_FALSE(checkDevice("model.so", "gfx90a", false, error));
  EXPECT_NE(error.find("manifest target arch 'gfx90a' is not of the form"),
            std::string::npos)
      << error;
}

/// Allocates, zeroes, uploads and downloads through the stand-in driver;
/// exits 0 when every byte came back.
[[noreturn]] void roundTripAndExit() {
  useFakeDriver("90");
  std::string error;
  DeviceBuffer buffer;
  std::vector<float> zeros(16, 1.0f);
  std::vector<float> data(16);
  std::vector<float> back(16);
  for (int i = 0; i < 16; ++i)
    data[i] = 0.5f * i;
  bool ok = buffer.allocate(sizeof(float) * 16, /*zero=*/true, error) &&
            buffer.download(zeros.data(), sizeof(float) * 16, error) &&
            buffer.upload(data.data(), sizeof(float) * 16, error) &&
            buffer.download(back.data(), sizeof(float) * 16, error);
  ok = ok && zeros == std::vector<float>(16, 0.0f) && back == data;
  // Larger than the buffer: refused before the driver sees it.
  ok = ok && !buffer.upload(data.data(), sizeof(float) * 17, error) &&
       error.find("upload of 68 bytes into a GPU buffer of 64") !=
           std::string::npos;
  std::fprintf(stderr, "%s\n", error.c_str());
  std::exit(ok ? 0 : 1);
}

TEST(CUDADeviceBuffer, RoundTripThroughTheDriver) {
  EXPECT_EXIT(roundTripAndExit(), testing::ExitedWithCode(0), "");
}

TEST(CUDADeviceBuffer, NoDriver) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        std::string error;
        DeviceBuffer buffer;
        bool ok = buffer.allocate(64, true, error);
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(1), "cannot load the CUDA driver library");
}

} // namespace
