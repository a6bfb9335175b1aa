//===- CUDASessionTest.cpp - The runtime runs CUDA model libraries --------===//
//
// Fixtures/CUDATinyModel.c (the runtime's stand-in model with a CUDA
// target) driven through the C API on the stand-in driver
// (Fixtures/FakeCUDA.c), whose device memory is host memory: the checks at
// open (no driver, no GPU, an older GPU, an unknown target, a malformed
// $ATTN_CUDA_CACHE_BYTES), weights
// uploaded once with their bytes, caches allocated zeroed on the device and
// zeroed again by a reset, tokens uploaded and logits downloaded once per
// call, the logits equal to the fixture's reference, every device error
// reported and the session usable after it, sessions on several threads.
//
// The driver is loaded once per process: every case here uses the stand-in
// with a GPU of compute capability 9.0, except the open-time checks, which
// run in a fresh process each (threadsafe death tests).
//
//===----------------------------------------------------------------------===//

#include "FakeDriverRecords.h"
#include "FixtureModel.h"
#include "TestFiles.h"

#include "attn/Runtime/RandomWeights.h"
#include "attn/abi.h"
#include "attn/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <thread>

using namespace attn::rt;
using namespace attn::rt::test;

namespace {

constexpr int64_t V = kFixtureVocab;
/// Bytes of the fixture's weight slots, in table order.
const std::vector<size_t> kSlotBytes = {V * 4 * 4, 16, 16, 8, 8, 16, V * 4 * 4};

std::string cudaFixture(const std::string &name) {
  return std::string(ATTN_CUDA_FIXTURE_DIR) + "/" + name + ".so";
}

void useFakeDriver() {
  setenv("ATTN_CUDA_DRIVER_LIBRARY", ATTN_FAKE_CUDA_PATH, 1);
  setenv("ATTN_FAKE_CUDA_CC", "90", 1);
  setenv("ATTN_FAKE_CUDA_DEVICES", "1", 1);
  setenv("ATTN_FAKE_CUDA_INIT_ERROR", "0", 1);
  // A malformed value fails every open.
  unsetenv("ATTN_CUDA_CACHE_BYTES");
}

/// Sets an environment variable of the stand-in driver for one scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    setenv(name, value, 1);
  }
  ~ScopedEnv() { unsetenv(name); }

private:
  const char *name;
};

/// The stand-in driver's records of allocations and copies.
struct FakeDriver : attn_test::FakeDriverRecords {
  bool ok() const {
    return has({"fake_cuda_allocation_count", "fake_cuda_allocation",
                "fake_cuda_launches", "fake_cuda_htod_copies",
                "fake_cuda_htod_bytes", "fake_cuda_dtoh_copies",
                "fake_cuda_dtoh_bytes", "fake_cuda_memsets",
                "fake_cuda_memset_bytes"});
  }
  attn_test::FakeAllocation allocation(int index) const {
    std::optional<attn_test::FakeAllocation> record =
        FakeDriverRecords::allocation(index);
    EXPECT_TRUE(record) << index;
    return record.value_or(attn_test::FakeAllocation());
  }
  long long htodCopies() const { return counter("fake_cuda_htod_copies"); }
  long long htodBytes() const { return counter("fake_cuda_htod_bytes"); }
  long long dtohCopies() const { return counter("fake_cuda_dtoh_copies"); }
  long long dtohBytes() const { return counter("fake_cuda_dtoh_bytes"); }
  long long memsets() const { return counter("fake_cuda_memsets"); }
  long long memsetBytes() const { return counter("fake_cuda_memset_bytes"); }
};

void expectLogitsNear(const float *actual, const std::vector<float> &expected,
                      const std::string &where) {
  for (int64_t t = 0; t < V; ++t)
    EXPECT_NEAR(actual[t], expected[t], 1e-5 * (1 + std::fabs(expected[t])))
        << where << ", logit " << t;
}

class CUDASession : public ::testing::Test {
protected:
  void SetUp() override {
    useFakeDriver();
    ASSERT_TRUE(fake.ok()) << "the stand-in driver lacks its records";
    writeFixtureWeights(dir.file("model.safetensors"), DType::F32);
  }
  void TearDown() override {
    attn_session_destroy(session);
    attn_model_close(model);
  }

  void open() {
    ASSERT_EQ(attn_model_open(cudaFixture("cuda_tiny_model").c_str(), &model),
              ATTN_OK)
        << attn_error_message();
  }
  void load() {
    ASSERT_EQ(attn_model_load_weights(model, dir.path().c_str()), ATTN_OK)
        << attn_error_message();
  }
  void createSession(int64_t capacity = 16) {
    ASSERT_EQ(attn_session_create(model, capacity, &session), ATTN_OK)
        << attn_error_message();
  }

  /// Decodes `tokens` one at a time and compares with the reference, which
  /// has already run `ref`'s tokens.
  void decodeAndCompare(attn_session *s, FixtureReference &ref,
                        const std::vector<int32_t> &tokens,
                        const std::string &where) {
    std::vector<float> logits(V);
    for (int32_t token : tokens) {
      ASSERT_EQ(attn_session_decode(s, token, logits.data()), ATTN_OK)
          << where << ": " << attn_error_message();
      expectLogitsNear(logits.data(), ref.step(token),
                       where + ", token " + std::to_string(token));
    }
  }

  ScratchDir dir;
  FakeDriver fake;
  attn_model *model = nullptr;
  attn_session *session = nullptr;
};

TEST_F(CUDASession, WeightsAreUploadedOnceWithTheirBytes) {
  open();
  int before = fake.allocations();
  long long copies = fake.htodCopies(), bytes = fake.htodBytes();
  load();
  std::vector<WeightSlot> slots = fixtureManifest().slots();
  ASSERT_EQ(slots.size(), kSlotBytes.size());
  ASSERT_EQ(fake.allocations() - before, int(slots.size()));
  EXPECT_EQ(fake.htodCopies() - copies, (long long)slots.size());
  size_t total = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    attn_test::FakeAllocation a = fake.allocation(before + int(i));
    EXPECT_EQ(a.bytes, kSlotBytes[i]) << slots[i].name;
    EXPECT_FALSE(a.managed) << slots[i].name;
    ASSERT_TRUE(a.live) << slots[i].name;
    // What the kernels read: the random f32 weights in the manifest dtype.
    std::vector<float> values = randomTensor(slots[i], 1);
    std::vector<char> expected(values.size() * dtypeSize(slots[i].dtype));
    convertElements(values.data(), DType::F32, expected.data(), slots[i].dtype,
                    values.size());
    ASSERT_EQ(expected.size(), a.bytes) << slots[i].name;
    EXPECT_EQ(std::memcmp(expected.data(), a.data, a.bytes), 0)
        << slots[i].name << " differs on the device";
    total += a.bytes;
  }
  EXPECT_EQ(fake.htodBytes() - bytes, (long long)total);
  // The bf16 biases were converted on the host first.
  EXPECT_EQ(attn_model_copied_weight_bytes(model), 16);

  // Calls upload their tokens only: no weight goes to the GPU again.
  createSession();
  int afterSession = fake.allocations();
  std::vector<int32_t> tokens = {3, 1, 4};
  copies = fake.htodCopies();
  bytes = fake.htodBytes();
  ASSERT_EQ(attn_session_prefill(session, tokens.data(), 3, 0, nullptr),
            ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(fake.htodCopies() - copies, 1);
  EXPECT_EQ(fake.htodBytes() - bytes, 3 * 4);
  ASSERT_EQ(attn_session_decode(session, 5, nullptr), ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(fake.htodCopies() - copies, 2);
  EXPECT_EQ(fake.htodBytes() - bytes, 4 * 4);
  // The token buffer, then the hidden state: nothing per call after that.
  EXPECT_EQ(fake.allocations() - afterSession, 2);
}

TEST_F(CUDASession, CachesAreZeroedOnTheDeviceAndByReset) {
  open();
  load();
  int before = fake.allocations();
  long long memsets = fake.memsets(), memsetBytes = fake.memsetBytes();
  createSession(8);
  // Two layers x 8 positions x 1 head x 2 dims x f32, keys and values.
  const size_t cacheBytes = 2 * 8 * 1 * 2 * 4;
  ASSERT_EQ(fake.allocations() - before, 2);
  attn_test::FakeAllocation k = fake.allocation(before),
                            v = fake.allocation(before + 1);
  EXPECT_EQ(k.bytes, cacheBytes);
  EXPECT_EQ(v.bytes, cacheBytes);
  EXPECT_EQ(fake.memsets() - memsets, 2);
  EXPECT_EQ(fake.memsetBytes() - memsetBytes, (long long)(2 * cacheBytes));
  std::vector<char> zeros(cacheBytes, 0);
  EXPECT_EQ(std::memcmp(k.data, zeros.data(), cacheBytes), 0);
  EXPECT_EQ(std::memcmp(v.data, zeros.data(), cacheBytes), 0);

  // The caches the library was given are these.
  void *library = dlopen(cudaFixture("cuda_tiny_model").c_str(), RTLD_NOW);
  ASSERT_TRUE(library);
  auto *last =
      static_cast<attn_call *>(dlsym(library, "cuda_fixture_last_prefill"));
  ASSERT_TRUE(last);
  std::vector<int32_t> tokens = {2, 7, 1};
  ASSERT_EQ(attn_session_prefill(session, tokens.data(), 3, 0, nullptr),
            ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(last->k_cache, k.data);
  EXPECT_EQ(last->v_cache, v.data);
  EXPECT_NE(std::memcmp(v.data, zeros.data(), cacheBytes), 0)
      << "the fixture wrote no values";

  ASSERT_EQ(attn_session_reset(session), ATTN_OK) << attn_error_message();
  EXPECT_EQ(attn_session_position(session), 0);
  EXPECT_EQ(std::memcmp(k.data, zeros.data(), cacheBytes), 0);
  EXPECT_EQ(std::memcmp(v.data, zeros.data(), cacheBytes), 0);
  FixtureReference ref(DType::F32);
  decodeAndCompare(session, ref, {4, 4, 9}, "after reset");
  dlclose(library);
}

TEST_F(CUDASession, LogitsMatchTheReference) {
  open();
  load();
  createSession();
  FixtureReference ref(DType::F32);
  // A chunk of three with every row's logits: one download of three rows.
  std::vector<int32_t> tokens = {1, 5, 9};
  std::vector<float> all(3 * V);
  long long downloads = fake.dtohCopies(), bytes = fake.dtohBytes();
  ASSERT_EQ(attn_session_prefill(session, tokens.data(), 3,
                                 ATTN_PREFILL_ALL_LOGITS, all.data()),
            ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(fake.dtohCopies() - downloads, 1);
  EXPECT_EQ(fake.dtohBytes() - bytes, 3 * V * 4);
  for (int i = 0; i < 3; ++i)
    expectLogitsNear(all.data() + i * V, ref.step(tokens[i]),
                     "row " + std::to_string(i));
  // The last row only.
  std::vector<int32_t> more = {0, 10};
  std::vector<float> logits(V);
  ASSERT_EQ(attn_session_prefill(session, more.data(), 2, 0, logits.data()),
            ATTN_OK)
      << attn_error_message();
  ref.step(0);
  expectLogitsNear(logits.data(), ref.step(10), "last row of a chunk");
  decodeAndCompare(session, ref, {3, 8}, "decode");
  EXPECT_EQ(attn_session_position(session), 7);
  // Without logits nothing comes back from the GPU.
  downloads = fake.dtohCopies();
  ASSERT_EQ(attn_session_decode(session, 2, nullptr), ATTN_OK)
      << attn_error_message();
  EXPECT_EQ(fake.dtohCopies(), downloads);
}

TEST_F(CUDASession, AFailedCallLeavesTheSessionUsable) {
  open();
  load();
  createSession();
  void *library = dlopen(cudaFixture("cuda_tiny_model").c_str(), RTLD_NOW);
  ASSERT_TRUE(library);
  auto *failNext =
      static_cast<int32_t *>(dlsym(library, "fixture_fail_next_prefill"));
  ASSERT_TRUE(failNext);
  FixtureReference ref(DType::F32);
  decodeAndCompare(session, ref, {1, 2}, "before the failure");
  *failNext = 719;
  std::vector<float> logits(V);
  EXPECT_EQ(attn_session_decode(session, 6, logits.data()), ATTN_ERROR_KERNEL);
  std::string message = attn_error_message();
  EXPECT_NE(message.find("attn_prefill of '"), std::string::npos) << message;
  EXPECT_NE(message.find("returned 719 (CUDA error 719, unspecified launch "
                         "failure)"),
            std::string::npos)
      << message;
  EXPECT_EQ(attn_session_position(session), 2);
  decodeAndCompare(session, ref, {6, 3}, "after the failure");
  dlclose(library);
}

TEST_F(CUDASession, DeviceCopyErrorsAreReported) {
  open();
  load();
  createSession();
  FixtureReference ref(DType::F32);
  std::vector<float> logits(V);
  {
    ScopedEnv failUploads("ATTN_FAKE_CUDA_HTOD_ERROR", "999");
    EXPECT_EQ(attn_session_decode(session, 1, logits.data()),
              ATTN_ERROR_KERNEL);
    EXPECT_NE(std::string(attn_error_message())
                  .find("token ids: copy to the GPU failed"),
              std::string::npos)
        << attn_error_message();
  }
  {
    ScopedEnv failDownloads("ATTN_FAKE_CUDA_DTOH_ERROR", "999");
    EXPECT_EQ(attn_session_decode(session, 1, logits.data()),
              ATTN_ERROR_KERNEL);
    EXPECT_NE(std::string(attn_error_message())
                  .find("logits: copy from the GPU failed"),
              std::string::npos)
        << attn_error_message();
  }
  EXPECT_EQ(attn_session_position(session), 0);
  {
    ScopedEnv failMemsets("ATTN_FAKE_CUDA_MEMSET_ERROR", "999");
    EXPECT_EQ(attn_session_reset(session), ATTN_ERROR_KERNEL);
    EXPECT_NE(std::string(attn_error_message())
                  .find("cannot clear the KV cache on the GPU"),
              std::string::npos)
        << attn_error_message();
  }
  decodeAndCompare(session, ref, {1, 4}, "after the copy errors");
}

TEST_F(CUDASession, OutOfDeviceMemory) {
  open();
  {
    // The embedding (176 bytes) is the largest weight.
    ScopedEnv limit("ATTN_FAKE_CUDA_MAX_ALLOCATION", "100");
    EXPECT_EQ(attn_model_load_weights(model, dir.path().c_str()),
              ATTN_ERROR_OUT_OF_MEMORY);
    EXPECT_NE(std::string(attn_error_message())
                  .find("cannot allocate 176 bytes on the GPU for weight "
                        "'model.embed_tokens.weight'"),
              std::string::npos)
        << attn_error_message();
  }
  {
    ScopedEnv failUploads("ATTN_FAKE_CUDA_HTOD_ERROR", "999");
    EXPECT_EQ(attn_model_load_weights(model, dir.path().c_str()),
              ATTN_ERROR_KERNEL);
    EXPECT_NE(std::string(attn_error_message())
                  .find("weight 'model.embed_tokens.weight': copy to the GPU "
                        "failed"),
              std::string::npos)
        << attn_error_message();
  }
  // The failed loads left the model without weights: it loads again.
  load();
  ScopedEnv limit("ATTN_FAKE_CUDA_MAX_ALLOCATION", "200");
  // 2 layers x 64 positions x 2 dims x f32 = 1024 bytes per cache.
  EXPECT_EQ(attn_session_create(model, 64, &session), ATTN_ERROR_OUT_OF_MEMORY);
  EXPECT_NE(std::string(attn_error_message())
                .find("cannot allocate two KV-cache buffers of 1024 bytes "
                      "(capacity 64) on the GPU"),
            std::string::npos)
      << attn_error_message();
  createSession(8);
  // Five rows of logits (220 bytes) do not fit; one row does.
  std::vector<int32_t> tokens = {1, 2, 3, 4, 5};
  std::vector<float> logits(5 * V);
  EXPECT_EQ(attn_session_prefill(session, tokens.data(), 5,
                                 ATTN_PREFILL_ALL_LOGITS, logits.data()),
            ATTN_ERROR_OUT_OF_MEMORY);
  EXPECT_NE(std::string(attn_error_message())
                .find("cannot allocate 220 bytes of logits on the GPU"),
            std::string::npos)
      << attn_error_message();
  EXPECT_EQ(attn_session_position(session), 0);
  FixtureReference ref(DType::F32);
  ASSERT_EQ(attn_session_prefill(session, tokens.data(), 5, 0, logits.data()),
            ATTN_OK)
      << attn_error_message();
  for (int i = 0; i < 4; ++i)
    ref.step(tokens[i]);
  expectLogitsNear(logits.data(), ref.step(5), "one row");
}

TEST_F(CUDASession, SessionsOnThreads) {
  open();
  load();
  // Created here, used on other threads: each makes the context current.
  constexpr int kThreads = 4;
  std::vector<attn_session *> sessions(kThreads);
  for (attn_session *&s : sessions)
    ASSERT_EQ(attn_session_create(model, 32, &s), ATTN_OK)
        << attn_error_message();
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      FixtureReference ref(DType::F32);
      std::vector<float> logits(V);
      for (int i = 0; i < 20; ++i) {
        int32_t token = (t * 7 + i * 3) % V;
        if (attn_session_decode(sessions[t], token, logits.data()) != ATTN_OK) {
          failures[t] = attn_error_message();
          return;
        }
        std::vector<float> expected = ref.step(token);
        for (int64_t j = 0; j < V; ++j)
          if (std::fabs(logits[j] - expected[j]) >
              1e-5 * (1 + std::fabs(expected[j]))) {
            failures[t] = "logit " + std::to_string(j) + " of step " +
                          std::to_string(i) + " differs";
            return;
          }
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(failures[t], "") << "thread " << t;
  // Destroyed on this thread again.
  for (attn_session *s : sessions)
    attn_session_destroy(s);
}

TEST_F(CUDASession, CloseFreesDeviceMemory) {
  int before = fake.allocations();
  open();
  load();
  createSession();
  ASSERT_EQ(attn_session_decode(session, 1, nullptr), ATTN_OK)
      << attn_error_message();
  int after = fake.allocations();
  attn_session_destroy(session);
  session = nullptr;
  attn_model_close(model);
  model = nullptr;
  for (int i = before; i < after; ++i)
    EXPECT_FALSE(fake.allocation(i).live) << "allocation " << i;
}

/// Opens `library` in a fresh process with the driver set up by `env` and
/// exits with the status, the message on stderr.
[[noreturn]] void openAndExit(const std::string &library) {
  attn_model *model = nullptr;
  attn_status status = attn_model_open(library.c_str(), &model);
  std::fprintf(stderr, "%s: %s\n", attn_status_name(status),
               attn_error_message());
  attn_model_close(model);
  std::exit(status);
}

class CUDAOpen : public ::testing::Test {
protected:
  void SetUp() override {
    // Each case needs a process whose driver is not loaded yet.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(CUDAOpen, NoDriver) {
  EXPECT_EXIT(
      {
        setenv("ATTN_CUDA_DRIVER_LIBRARY", "/nonexistent/libcuda.so.1", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_ERROR_LIBRARY),
      "ATTN_ERROR_LIBRARY: .*cuda_tiny_model.so: built for CUDA sm_80, but "
      "cannot load the CUDA driver library '/nonexistent/libcuda.so.1'");
}

TEST_F(CUDAOpen, NoGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        setenv("ATTN_FAKE_CUDA_DEVICES", "0", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_ERROR_LIBRARY),
      "built for CUDA sm_80, but the CUDA driver found no GPU");
}

TEST_F(CUDAOpen, DriverFailsToInitialise) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        setenv("ATTN_FAKE_CUDA_INIT_ERROR", "100", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_ERROR_LIBRARY),
      "failed to initialise: error 100, no CUDA-capable device is detected");
}

TEST_F(CUDAOpen, OlderGPUThanTheLibrary) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        setenv("ATTN_FAKE_CUDA_CC", "75", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_ERROR_LIBRARY),
      "GPU 0 \\(Fake GPU\\) has compute capability 7.5, older than 8.0");
}

TEST_F(CUDAOpen, MalformedCacheLimit) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        setenv("ATTN_CUDA_CACHE_BYTES", "1 GiB", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_ERROR_INVALID_ARGUMENT),
      "ATTN_ERROR_INVALID_ARGUMENT: .*cuda_tiny_model.so: "
      "\\$ATTN_CUDA_CACHE_BYTES is '1 GiB', expected a byte count: decimal "
      "digits with an optional K, M or G suffix");
}

TEST_F(CUDAOpen, WellFormedCacheLimits) {
  for (const char *limit : {"512M", "0", "4096", ""})
    EXPECT_EXIT(
        {
          useFakeDriver();
          setenv("ATTN_CUDA_CACHE_BYTES", limit, 1);
          openAndExit(cudaFixture("cuda_tiny_model"));
        },
        testing::ExitedWithCode(ATTN_OK), "ATTN_OK")
        << "'" << limit << "'";
}

TEST_F(CUDAOpen, NewerGPU) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        setenv("ATTN_FAKE_CUDA_CC", "120", 1);
        openAndExit(cudaFixture("cuda_tiny_model"));
      },
      testing::ExitedWithCode(ATTN_OK), "ATTN_OK");
}

// Refused from the manifest alone: no driver is loaded for these.
TEST(CUDAManifest, UnknownTargetKind) {
  attn_model *model = nullptr;
  EXPECT_EQ(attn_model_open(cudaFixture("rocm_tiny_model").c_str(), &model),
            ATTN_ERROR_MANIFEST);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(attn_error_message())
                .find("manifest: target kind 'rocm' is not one this runtime "
                      "runs"),
            std::string::npos)
      << attn_error_message();
}

TEST(CUDAManifest, MalformedArch) {
  attn_model *model = nullptr;
  EXPECT_EQ(attn_model_open(cudaFixture("bad_arch_tiny_model").c_str(), &model),
            ATTN_ERROR_MANIFEST);
  EXPECT_NE(std::string(attn_error_message())
                .find("manifest: target arch 'gfx90a' is not of the form "
                      "sm_<major><minor>"),
            std::string::npos)
      << attn_error_message();
}

/// The CPU fixture's manifest with `target` (JSON text) added.
Status parseWithTarget(const std::string &target, Manifest &manifest) {
  attn_model *model = nullptr;
  EXPECT_EQ(attn_model_open(fixturePath("tiny_model").c_str(), &model), ATTN_OK)
      << attn_error_message();
  std::string text = attn_model_manifest(model);
  attn_model_close(model);
  return parseManifest("{\"target\": " + target + ", " + text.substr(1),
                       "lib.so", manifest);
}

TEST(CUDAManifest, Target) {
  Manifest m;
  Status status =
      parseWithTarget("{\"kind\": \"cuda\", \"arch\": \"sm_90\"}", m);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(m.targetKind, "cuda");
  EXPECT_EQ(m.targetArch, "sm_90");
  Manifest cpu = fixtureManifest();
  EXPECT_EQ(cpu.targetKind, "");

  struct Case {
    const char *target, *message;
  } cases[] = {
      {"\"cuda\"", "lib.so: manifest: 'target' is \"cuda\"; expected an "
                   "object"},
      {"{\"arch\": \"sm_90\"}", "lib.so: manifest: target has no string "
                                "'kind'"},
      {"{\"kind\": \"cuda\"}", "lib.so: manifest: target has no string "
                               "'arch'"},
      {"{\"kind\": \"cpu\"}", "target kind 'cpu' is not one this runtime "
                              "runs"},
  };
  for (const Case &c : cases) {
    Status status = parseWithTarget(c.target, m);
    EXPECT_EQ(status.code(), ATTN_ERROR_MANIFEST) << c.target;
    EXPECT_NE(status.message().find(c.message), std::string::npos)
        << c.target << ": " << status.message();
  }
}

} // namespace
