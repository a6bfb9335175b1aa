//===- CUDALibraryRuntimeTest.cpp - attnc's CUDA library in the runtime ---===//
//
// The tiny model of test/Target/Inputs compiled for CUDA and run through the
// runtime's C API on the stand-in driver (Fixtures/FakeCUDA.c): its kernels
// do not run there (their launches are counted), so the logits are not
// checked (scripts/gpu-check.sh does that on a GPU), but everything around
// them is: the machine check at open, one device allocation and upload per
// weight slot, zeroed caches, the host code of both entry points running on
// device addresses only (the stand-in refuses copies to anything else), the
// tokens uploaded and the logits downloaded once per call, one stream per
// calling thread and one wait for it per entry point (not per launch), a
// failing launch and an asynchronous kernel error reported through the C
// API with the driver's error, the session usable after them, four threads'
// sessions never using one block on two streams at once (the stand-in
// tracks what each launch's arguments point to), and every device buffer
// freed at close.
//
//===----------------------------------------------------------------------===//

#include "CompileHelpers.h"
#include "FakeDriverRecords.h"

#include "attn/GPU/CUDATarget.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/RandomWeights.h"
#include "attn/runtime.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <dlfcn.h>
#include <string>
#include <thread>
#include <vector>

using namespace mlir;
using namespace mlir::attn;

namespace {

class CUDALibraryInRuntime : public attn_test::TinyCUDALibraryTest {};

/// The stand-in driver's records (FakeCUDA.c).
struct FakeRecords : attn_test::FakeDriverRecords {
  bool load() const {
    return has({"fake_cuda_stream_creates", "fake_cuda_stream_destroys",
                "fake_cuda_stream_syncs", "fake_cuda_stream_conflicts",
                "fake_cuda_marked_arguments", "fake_cuda_allocation_count",
                "fake_cuda_allocation", "fake_cuda_launches",
                "fake_cuda_htod_copies", "fake_cuda_htod_bytes",
                "fake_cuda_dtoh_copies", "fake_cuda_dtoh_bytes"});
  }
  int count() const { return allocations(); }
  /// Size of device (not managed) allocation `index`; 0 for a managed one.
  size_t deviceBytes(int index, bool *live = nullptr) const {
    attn_test::FakeAllocation record =
        allocation(index).value_or(attn_test::FakeAllocation());
    if (live)
      *live = record.live;
    return record.managed ? 0 : record.bytes;
  }
  long long htodCopies() const { return counter("fake_cuda_htod_copies"); }
  long long htodBytes() const { return counter("fake_cuda_htod_bytes"); }
  long long dtohCopies() const { return counter("fake_cuda_dtoh_copies"); }
  long long dtohBytes() const { return counter("fake_cuda_dtoh_bytes"); }
  long long streamCreates() const {
    return counter("fake_cuda_stream_creates");
  }
  long long streamDestroys() const {
    return counter("fake_cuda_stream_destroys");
  }
  long long streamSyncs() const { return counter("fake_cuda_stream_syncs"); }
  long long conflicts() const { return counter("fake_cuda_stream_conflicts"); }
  long long marked() const { return counter("fake_cuda_marked_arguments"); }
};

/// Runs the library through the runtime; returns what went wrong, "" when
/// nothing did.
std::string runThroughTheRuntime(const std::string &library) {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
  setenv("ATTN_FAKE_CUDA_CC", "90", 1);
  unsetenv("ATTN_FAKE_CUDA_DEVICES");
  unsetenv("ATTN_FAKE_CUDA_INIT_ERROR");
  unsetenv("ATTN_FAKE_CUDA_LAUNCH_ERROR");
  unsetenv("ATTN_FAKE_CUDA_SYNC_ERROR");
  FakeRecords fake;
  if (!fake.load())
    return "the stand-in driver lacks its records";
  int first = fake.count();

  attn_model *model = nullptr;
  if (attn_model_open(library.c_str(), &model) != ATTN_OK)
    return std::string("open: ") + attn_error_message();
  ::attn::rt::Manifest manifest;
  ::attn::rt::Status status =
      ::attn::rt::parseManifest(attn_model_manifest(model), library, manifest);
  if (!status.ok())
    return status.message();
  // sm_90's kernels target sm_90a (wgmma); the manifest names what the
  // kernels need.
  if (manifest.targetKind != "cuda" || manifest.targetArch != "sm_90a")
    return "manifest target " + manifest.targetKind + " " + manifest.targetArch;
  llvm::SmallString<64> weights;
  if (llvm::sys::fs::createTemporaryFile("attn-cuda-runtime", "safetensors",
                                         weights))
    return "no temporary file";
  status = ::attn::rt::writeRandomWeights(manifest, std::string(weights),
                                          ::attn::rt::DType::BF16, 1);
  if (!status.ok())
    return status.message();

  // One device allocation and one upload per slot, of the slot's size.
  int beforeLoad = fake.count();
  long long uploads = fake.htodCopies(), uploaded = fake.htodBytes();
  if (attn_model_load_weights(model, weights.c_str()) != ATTN_OK)
    return std::string("load: ") + attn_error_message();
  llvm::sys::fs::remove(weights);
  std::vector<::attn::rt::WeightSlot> slots = manifest.slots();
  if (fake.count() - beforeLoad != int(slots.size()) ||
      fake.htodCopies() - uploads != (long long)slots.size())
    return std::to_string(fake.count() - beforeLoad) + " allocations and " +
           std::to_string(fake.htodCopies() - uploads) + " uploads for " +
           std::to_string(slots.size()) + " weight slots";
  long long total = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    size_t bytes = ::attn::rt::dtypeSize(slots[i].dtype);
    for (int64_t extent : slots[i].shape)
      bytes *= size_t(extent);
    if (fake.deviceBytes(beforeLoad + int(i)) != bytes)
      return "weight " + slots[i].name + ": " +
             std::to_string(fake.deviceBytes(beforeLoad + int(i))) +
             " bytes on the device, expected " + std::to_string(bytes);
    total += bytes;
  }
  if (fake.htodBytes() - uploaded != total)
    return "uploaded " + std::to_string(fake.htodBytes() - uploaded) +
           " bytes of weights, expected " + std::to_string(total);

  attn_session *session = nullptr;
  if (attn_session_create(model, 16, &session) != ATTN_OK)
    return std::string("session: ") + attn_error_message();
  int64_t vocab = attn_model_vocab_size(model);
  std::vector<float> logits(vocab);
  std::vector<int32_t> tokens = {1, 2, 3};
  int launches = fake.launches();
  long long streams = fake.streamCreates(), syncs = fake.streamSyncs();
  uploads = fake.htodCopies();
  uploaded = fake.htodBytes();
  long long downloads = fake.dtohCopies(), downloaded = fake.dtohBytes();
  if (attn_session_prefill(session, tokens.data(), 3, 0, logits.data()) !=
      ATTN_OK)
    return std::string("prefill: ") + attn_error_message();
  if (fake.launches() - launches < 2)
    return "only " + std::to_string(fake.launches() - launches) + " launches";
  // Two entry points (attn_prefill, attn_logits), each waiting once.
  if (fake.streamCreates() - streams != 1 || fake.streamSyncs() - syncs != 2)
    return std::to_string(fake.launches() - launches) + " launches made " +
           std::to_string(fake.streamCreates() - streams) +
           " streams and waited " + std::to_string(fake.streamSyncs() - syncs) +
           " times; expected one stream and one wait per entry point";
  if (fake.marked() == 0 || fake.conflicts() != 0)
    return "the stand-in saw " + std::to_string(fake.marked()) +
           " device arguments and " + std::to_string(fake.conflicts()) +
           " conflicts";
  if (fake.htodCopies() - uploads != 1 || fake.htodBytes() - uploaded != 12)
    return "the host copied " + std::to_string(fake.htodBytes() - uploaded) +
           " bytes in " + std::to_string(fake.htodCopies() - uploads) +
           " copies to the GPU; expected the 12 bytes of 3 token ids";
  if (fake.dtohCopies() - downloads != 1 ||
      fake.dtohBytes() - downloaded != vocab * 4)
    return "the host copied " + std::to_string(fake.dtohBytes() - downloaded) +
           " bytes from the GPU; expected one row of logits";

  // A failing launch: the driver's error through the C API, nothing kept.
  setenv("ATTN_FAKE_CUDA_LAUNCH_ERROR", "719", 1);
  attn_status failed = attn_session_decode(session, 4, logits.data());
  std::string message = attn_error_message();
  unsetenv("ATTN_FAKE_CUDA_LAUNCH_ERROR");
  if (failed != ATTN_ERROR_KERNEL ||
      message.find("returned 719 (CUDA error 719, unspecified launch "
                   "failure)") == std::string::npos)
    return std::string("a failing launch gave ") + attn_status_name(failed) +
           ": " + message;
  if (attn_session_position(session) != 3)
    return "the failed call moved the position";
  if (attn_session_decode(session, 4, logits.data()) != ATTN_OK ||
      attn_session_position(session) != 4)
    return std::string("after the failure: ") + attn_error_message();

  // A kernel failing asynchronously: its error shows when the call waits
  // for its stream, and is the call's status.
  setenv("ATTN_FAKE_CUDA_SYNC_ERROR", "719", 1);
  failed = attn_session_decode(session, 5, logits.data());
  message = attn_error_message();
  unsetenv("ATTN_FAKE_CUDA_SYNC_ERROR");
  if (failed != ATTN_ERROR_KERNEL ||
      message.find("returned 719 (CUDA error 719, unspecified launch "
                   "failure)") == std::string::npos)
    return std::string("an asynchronous kernel error gave ") +
           attn_status_name(failed) + ": " + message;
  if (attn_session_position(session) != 4 ||
      attn_session_decode(session, 5, logits.data()) != ATTN_OK)
    return std::string("after the asynchronous error: ") + attn_error_message();
  if (fake.conflicts() != 0)
    return std::to_string(fake.conflicts()) + " conflicts";
  if (attn_session_reset(session) != ATTN_OK)
    return std::string("reset: ") + attn_error_message();

  attn_session_destroy(session);
  attn_model_close(model);
  for (int i = first; i < fake.count(); ++i) {
    bool live = false;
    size_t bytes = fake.deviceBytes(i, &live);
    if (live && bytes)
      return "device allocation " + std::to_string(i) + " (" +
             std::to_string(bytes) + " bytes) outlived the model";
  }
  return "";
}

TEST_F(CUDALibraryInRuntime, RunsOnTheStandInDriver) {
  // In a child: the driver is loaded once per process.
  EXPECT_EXIT(
      {
        std::string error = runThroughTheRuntime(*libraryPath);
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(error.empty() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

/// Several threads, each running its own session of one model at the same
/// time; returns what went wrong, "" when nothing did.
std::string runOnSeveralThreads(const std::string &library) {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
  for (const char *name :
       {"ATTN_FAKE_CUDA_DEVICES", "ATTN_FAKE_CUDA_INIT_ERROR",
        "ATTN_FAKE_CUDA_LAUNCH_ERROR", "ATTN_FAKE_CUDA_SYNC_ERROR"})
    unsetenv(name);
  FakeRecords fake;
  if (!fake.load())
    return "the stand-in driver lacks its records";
  attn_model *model = nullptr;
  if (attn_model_open(library.c_str(), &model) != ATTN_OK)
    return std::string("open: ") + attn_error_message();
  ::attn::rt::Manifest manifest;
  if (!::attn::rt::parseManifest(attn_model_manifest(model), library, manifest)
           .ok())
    return "no manifest";
  llvm::SmallString<64> weights;
  if (llvm::sys::fs::createTemporaryFile("attn-cuda-threads", "safetensors",
                                         weights))
    return "no temporary file";
  if (!::attn::rt::writeRandomWeights(manifest, std::string(weights),
                                      ::attn::rt::DType::BF16, 1)
           .ok() ||
      attn_model_load_weights(model, weights.c_str()) != ATTN_OK)
    return std::string("load: ") + attn_error_message();
  llvm::sys::fs::remove(weights);

  constexpr int kThreads = 4, kDecodes = 100;
  std::string errors[kThreads];
  std::thread threads[kThreads];
  for (int t = 0; t < kThreads; ++t)
    threads[t] = std::thread([&, t] {
      attn_session *session = nullptr;
      if (attn_session_create(model, 4 + kDecodes, &session) != ATTN_OK) {
        errors[t] = attn_error_message();
        return;
      }
      std::vector<float> logits(attn_model_vocab_size(model));
      int32_t tokens[] = {1, 2, 3};
      bool ok =
          attn_session_prefill(session, tokens, 3, 0, logits.data()) == ATTN_OK;
      for (int i = 0; ok && i < kDecodes; ++i)
        ok =
            attn_session_decode(session, (t + i) % 4, logits.data()) == ATTN_OK;
      if (!ok)
        errors[t] = attn_error_message();
      attn_session_destroy(session);
    });
  for (std::thread &thread : threads)
    thread.join();
  attn_model_close(model);
  for (const std::string &error : errors)
    if (!error.empty())
      return error;
  // Each call is two entry points; each waits once.
  long long calls = kThreads * (1 + kDecodes) * 2;
  if (fake.streamCreates() != kThreads || fake.streamDestroys() != kThreads ||
      fake.streamSyncs() != calls)
    return std::to_string(fake.streamCreates()) + " streams made, " +
           std::to_string(fake.streamDestroys()) + " destroyed, " +
           std::to_string(fake.streamSyncs()) + " waits; expected " +
           std::to_string(kThreads) + ", " + std::to_string(kThreads) +
           " (at the threads' exits) and " + std::to_string(calls);
  if (fake.marked() == 0)
    return "the stand-in saw no device argument";
  if (fake.conflicts() != 0)
    return std::to_string(fake.conflicts()) +
           " times memory in use by one stream was used by another, copied "
           "or freed";
  return "";
}

TEST_F(CUDALibraryInRuntime, ConcurrentSessionsNeverShareABlockInUse) {
  EXPECT_EXIT(
      {
        std::string error = runOnSeveralThreads(*libraryPath);
        std::fprintf(stderr, "%s\n", error.c_str());
        std::exit(error.empty() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST_F(CUDALibraryInRuntime, OpenWithoutADriverFails) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        attn_model *model = nullptr;
        attn_status status = attn_model_open(libraryPath->c_str(), &model);
        std::fprintf(stderr, "%s\n", attn_error_message());
        std::exit(status);
      },
      testing::ExitedWithCode(ATTN_ERROR_LIBRARY),
      "built for CUDA sm_90a, but cannot load the CUDA driver library");
}

} // namespace
