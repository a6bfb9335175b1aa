//===- StreamOrderTest.cpp - One stream per thread, and the blocks on it --===//
//
// The launch functions queue kernels on one stream per thread and wait for
// it only in attn_cuda_take_error (ThreadStream.h); the cache of managed
// blocks then must not hand a block to another thread while the freeing
// thread's stream may still use it (CachingAllocator.cpp). Driven as the
// host code drives them, on the stand-in driver, which reads the test
// kernel's parameters from its PTX and marks every allocation a launch
// passes as in use by the launch's stream until that stream is synchronised;
// a second stream using a marked managed block, or a copy or free of a
// marked allocation, counts as a conflict (Fixtures/FakeCUDA.c). Each case
// is a child process (the driver is loaded once per process).
//
//===----------------------------------------------------------------------===//

#include "CachingAllocator.h"

#include "FakeDriverRecords.h"
#include "LaunchFunctions.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>
#include <thread>

using namespace attn::cuda;

namespace {

constexpr size_t kOneKiB = 1024;

/// A kernel of one pointer, as the stand-in reads its parameters.
char kPTX[] = ".visible .entry kernel(\n\t.param .u64 .ptr kernel_param_0\n)\n"
              "{\n\tret;\n}\n";

/// The stand-in driver's stream records.
struct FakeDriver : attn_test::FakeDriverRecords {
  long long creates() const { return counter("fake_cuda_stream_creates"); }
  long long destroys() const { return counter("fake_cuda_stream_destroys"); }
  long long syncs() const { return counter("fake_cuda_stream_syncs"); }
  long long conflicts() const { return counter("fake_cuda_stream_conflicts"); }
  long long marked() const { return counter("fake_cuda_marked_arguments"); }
  bool isLive(void *pointer) const { return isDevice(pointer); }
};

bool check(bool ok, const char *what) {
  return attn_test::check(ok, "stream order", what);
}

using attn_test::useFakeDriver;

/// One launch of the test kernel on `buffer`, as the host code makes it.
void launchOn(void *buffer) {
  void *module = mgpuModuleLoadJIT(kPTX, 3);
  void *function = mgpuModuleGetFunction(module, "kernel");
  void *stream = mgpuStreamCreate();
  void *params[] = {&buffer};
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, params, nullptr, 1);
  mgpuStreamSynchronize(stream);
  mgpuStreamDestroy(stream);
}

/// Allocates a block, launches on it and frees it: the block is then
/// reserved to the calling thread's stream.
void *useAndFree(size_t bytes) {
  void *block = _mlir_memref_to_llvm_alloc(bytes);
  launchOn(block);
  _mlir_memref_to_llvm_free(block);
  return block;
}

#define EXPECT_IN_CHILD(body)                                                  \
  EXPECT_EXIT(std::exit((body) ? 0 : 1), testing::ExitedWithCode(0), "")

bool oneStreamOneWaitPerCall() {
  useFakeDriver();
  FakeDriver fake;
  void *block = _mlir_memref_to_llvm_alloc(kOneKiB);
  for (int i = 0; i < 10; ++i)
    launchOn(block);
  bool ok =
      check(fake.creates() == 1 && fake.syncs() == 0 && fake.destroys() == 0,
            "not one stream, kept and not waited for, for ten launches");
  ok &= check(fake.marked() == 10, "the stand-in did not see the launches");
  ok &= check(attn_cuda_take_error() == 0, "the call failed");
  ok &= check(fake.syncs() == 1, "the call did not wait once for its stream");
  // Nothing queued since: nothing to wait for.
  ok &= check(attn_cuda_take_error() == 0 && fake.syncs() == 1,
              "waited for an idle stream");
  launchOn(block);
  ok &= check(fake.creates() == 1, "the next call made another stream");
  _mlir_memref_to_llvm_free(block);
  ok &= check(attn_cuda_take_error() == 0 && fake.syncs() == 2,
              "the second call did not wait once");
  return ok && check(fake.conflicts() == 0, "the stand-in saw a conflict");
}

TEST(StreamOrder, OneStreamPerThreadAndOneWaitPerCall) {
  EXPECT_IN_CHILD(oneStreamOneWaitPerCall());
}

bool sameThreadReusesAtOnce() {
  useFakeDriver();
  FakeDriver fake;
  void *first = useAndFree(kOneKiB);
  bool ok = check(reservedBlocks() == 1, "the freed block is not reserved");
  // Queued after the kernels that used it, on the same stream.
  void *second = _mlir_memref_to_llvm_alloc(kOneKiB);
  ok &= check(second == first, "the same thread did not get its block back");
  launchOn(second);
  _mlir_memref_to_llvm_free(second);
  ok &= check(attn_cuda_take_error() == 0, "the call failed");
  ok &= check(reservedBlocks() == 0 && cachedBlocks() == 1,
              "waiting for the stream did not make the block idle");
  return ok && check(fake.conflicts() == 0, "the stand-in saw a conflict");
}

TEST(StreamOrder, TheFreeingThreadReusesItsBlockAtOnce) {
  EXPECT_IN_CHILD(sameThreadReusesAtOnce());
}

bool otherThreadWaits() {
  useFakeDriver();
  FakeDriver fake;
  void *reserved = useAndFree(kOneKiB);
  void *other = nullptr;
  int32_t otherStatus = -1;
  std::thread([&] {
    other = useAndFree(kOneKiB);
    otherStatus = attn_cuda_take_error();
  }).join();
  bool ok = check(other != reserved,
                  "another thread got a block the stream may still use");
  ok &= check(otherStatus == 0, "the other thread's call failed");
  ok &= check(fake.creates() == 2, "not one stream per thread");
  // Once this thread's call ends, any thread may take it.
  ok &= check(attn_cuda_take_error() == 0, "the call failed");
  void *later = nullptr;
  std::thread([&] {
    later = _mlir_memref_to_llvm_alloc(kOneKiB);
    _mlir_memref_to_llvm_free(later);
  }).join();
  ok &= check(later == reserved || later == other,
              "an idle block was not reused");
  ok &= check(fake.marked() == 2, "the stand-in did not see the launches");
  return ok && check(fake.conflicts() == 0, "the stand-in saw a conflict");
}

TEST(StreamOrder, AnotherThreadWaitsForTheStream) {
  EXPECT_IN_CHILD(otherThreadWaits());
}

/// The check the other cases rely on: two streams on one managed block
/// with no wait between them is a conflict for the stand-in.
bool standInSeesSharing() {
  useFakeDriver();
  FakeDriver fake;
  void *block = _mlir_memref_to_llvm_alloc(kOneKiB);
  launchOn(block);
  std::thread([&] {
    launchOn(block);
    attn_cuda_take_error();
  }).join();
  bool ok = check(fake.conflicts() == 1, "the stand-in missed the sharing");
  attn_cuda_take_error();
  _mlir_memref_to_llvm_free(block);
  return ok;
}

TEST(StreamOrder, TheStandInSeesTwoStreamsOnOneBlock) {
  EXPECT_IN_CHILD(standInSeesSharing());
}

bool threadExitFinishesTheStream() {
  useFakeDriver();
  FakeDriver fake;
  void *block = nullptr;
  // Exits with its block reserved and its stream not waited for.
  std::thread([&] { block = useAndFree(kOneKiB); }).join();
  bool ok =
      check(fake.creates() == 1 && fake.syncs() == 1 && fake.destroys() == 1,
            "the thread's exit did not wait for and destroy its stream");
  ok &= check(reservedBlocks() == 0, "the exited thread's block is reserved");
  void *again = _mlir_memref_to_llvm_alloc(kOneKiB);
  ok &= check(again == block, "the exited thread's block was not reused");
  _mlir_memref_to_llvm_free(again);
  return ok && check(fake.conflicts() == 0, "the stand-in saw a conflict");
}

TEST(StreamOrder, ThreadExitWaitsForAndDestroysItsStream) {
  EXPECT_IN_CHILD(threadExitFinishesTheStream());
}

/// With caching off, a freed block goes to the driver at once: after its
/// kernels, not under them.
bool uncachedFreeWaits() {
  useFakeDriver();
  setenv("ATTN_CUDA_CACHE_BYTES", "0", 1);
  FakeDriver fake;
  void *block = useAndFree(kOneKiB);
  bool ok = check(!fake.isLive(block), "the block was not freed");
  ok &= check(fake.syncs() == 1, "the free did not wait for the stream");
  // The end of the call waits once more (the thread's stream does not know
  // the allocator waited for it): cheap, and only with caching off.
  ok &= check(attn_cuda_take_error() == 0, "the call failed");
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, AFreeToTheDriverWaitsForTheStream) {
  EXPECT_IN_CHILD(uncachedFreeWaits());
}

/// The wait before a free to the driver meets an asynchronous kernel's
/// error: the call reports it, and the block is freed all the same.
bool uncachedFreeReportsTheStreamsError() {
  useFakeDriver();
  setenv("ATTN_CUDA_CACHE_BYTES", "0", 1);
  FakeDriver fake;
  void *block = _mlir_memref_to_llvm_alloc(kOneKiB);
  launchOn(block);
  setenv("ATTN_FAKE_CUDA_SYNC_ERROR", "719", 1);
  _mlir_memref_to_llvm_free(block);
  unsetenv("ATTN_FAKE_CUDA_SYNC_ERROR");
  bool ok = check(!fake.isLive(block), "the block was not freed");
  ok &= check(attn_cuda_take_error() == 719, "the stream's error was lost");
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, AFreeToTheDriverReportsTheStreamsError) {
  EXPECT_IN_CHILD(uncachedFreeReportsTheStreamsError());
}

/// The driver out of memory while the cache holds this thread's reserved
/// blocks: they are waited for, then freed, and the allocation retried.
bool outOfMemoryWaitsForOwnBlocks() {
  useFakeDriver();
  setenv("ATTN_FAKE_CUDA_MAX_LIVE_BYTES", "8192", 1);
  FakeDriver fake;
  void *a = _mlir_memref_to_llvm_alloc(4096);
  void *b = _mlir_memref_to_llvm_alloc(4096);
  launchOn(a);
  launchOn(b);
  _mlir_memref_to_llvm_free(a);
  _mlir_memref_to_llvm_free(b);
  void *large = _mlir_memref_to_llvm_alloc(8192);
  bool ok = check(fake.isLive(large) && !fake.isLive(a) && !fake.isLive(b),
                  "the reserved blocks were not freed for the retry");
  ok &= check(fake.syncs() == 1, "the stream was not waited for first");
  _mlir_memref_to_llvm_free(large);
  ok &= check(attn_cuda_take_error() == 0, "the allocation failed");
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, OutOfMemoryWaitsForTheThreadsOwnBlocks) {
  EXPECT_IN_CHILD(outOfMemoryWaitsForOwnBlocks());
}

/// An explicit release leaves another thread's reserved blocks alone.
bool releaseKeepsOthersReserved() {
  useFakeDriver();
  FakeDriver fake;
  void *reserved = useAndFree(kOneKiB);
  int32_t status = -1;
  std::thread([&] { status = attn_cuda_release_cached_memory(); }).join();
  bool ok = check(status == 0, "the release failed");
  ok &= check(fake.isLive(reserved) && reservedBlocks() == 1,
              "a block reserved to another stream was freed");
  // This thread's own release waits for its stream first.
  ok &= check(attn_cuda_release_cached_memory() == 0 &&
                  !fake.isLive(reserved) && cachedBlocks() == 0,
              "the owner's release did not free its block");
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, ReleaseLeavesOtherThreadsReservedBlocks) {
  EXPECT_IN_CHILD(releaseKeepsOthersReserved());
}

/// An asynchronous kernel's error shows when the stream is waited for, and
/// the call reports it.
bool asynchronousErrorsReachTheCall() {
  useFakeDriver();
  FakeDriver fake;
  void *block = _mlir_memref_to_llvm_alloc(kOneKiB);
  launchOn(block);
  setenv("ATTN_FAKE_CUDA_SYNC_ERROR", "719", 1);
  bool ok = check(attn_cuda_take_error() == 719,
                  "the stream's error was not the call's status");
  unsetenv("ATTN_FAKE_CUDA_SYNC_ERROR");
  ok &= check(attn_cuda_take_error() == 0, "the error was not taken");
  _mlir_memref_to_llvm_free(block);
  return ok && check(fake.conflicts() == 0, "the stand-in saw a conflict");
}

TEST(StreamOrder, AnAsynchronousErrorIsTheCallsStatus) {
  EXPECT_IN_CHILD(asynchronousErrorsReachTheCall());
}

/// A library unloaded with its stream busy and a block reserved to it:
/// the stream is waited for and destroyed, then the block freed.
bool unloadFinishesTheStreams() {
  useFakeDriver();
  FakeDriver fake;
  void *library =
      dlopen(ATTN_CACHING_ALLOCATOR_USER_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!check(library != nullptr, "cannot load the fixture library"))
    return false;
  auto *launchAndFree =
      reinterpret_cast<void *(*)(char *, const char *, size_t)>(
          dlsym(library, "fixture_launch_and_free"));
  if (!check(launchAndFree != nullptr, "the fixture exports no function"))
    return false;
  void *block = launchAndFree(kPTX, "kernel", kOneKiB);
  bool ok = check(fake.marked() == 1 && fake.isLive(block) &&
                      fake.creates() == 1 && fake.destroys() == 0,
                  "the fixture did not launch on its block");
  ok &= check(dlclose(library) == 0, "dlclose failed");
  ok &= check(fake.syncs() == 1 && fake.destroys() == 1,
              "the unload did not wait for and destroy the stream");
  ok &= check(!fake.isLive(block), "the unload did not free the block");
  // Exiting afterwards checks too: an exit key left behind would call into
  // the unmapped library at this thread's exit.
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, UnloadingWaitsForAndDestroysTheStreams) {
  EXPECT_IN_CHILD(unloadFinishesTheStreams());
}

/// A thread that used the library and exits after its unload.
bool threadExitAfterUnload() {
  useFakeDriver();
  FakeDriver fake;
  void *library =
      dlopen(ATTN_CACHING_ALLOCATOR_USER_PATH, RTLD_NOW | RTLD_LOCAL);
  auto *launchAndFree =
      library ? reinterpret_cast<void *(*)(char *, const char *, size_t)>(
                    dlsym(library, "fixture_launch_and_free"))
              : nullptr;
  if (!check(launchAndFree != nullptr, "cannot load the fixture library"))
    return false;
  bool launched = false, unloaded = false;
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
  std::thread user([&] {
    launchAndFree(kPTX, "kernel", kOneKiB);
    pthread_mutex_lock(&lock);
    launched = true;
    pthread_cond_broadcast(&changed);
    while (!unloaded)
      pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
  });
  pthread_mutex_lock(&lock);
  while (!launched)
    pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
  bool ok = check(dlclose(library) == 0, "dlclose failed");
  pthread_mutex_lock(&lock);
  unloaded = true;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  user.join();
  ok &=
      check(fake.destroys() == 1, "the stream was not destroyed exactly once");
  return ok && check(fake.conflicts() == 0, "freed under a running kernel");
}

TEST(StreamOrder, AThreadExitingAfterTheUnloadDoesNotCallIntoIt) {
  EXPECT_IN_CHILD(threadExitAfterUnload());
}

/// Many threads, each its own calls: no block is ever used by two streams
/// at once, and each thread makes one stream.
bool manyThreads() {
  useFakeDriver();
  FakeDriver fake;
  constexpr int kThreads = 6, kCalls = 200;
  std::thread threads[kThreads];
  int failures[kThreads] = {};
  for (int t = 0; t < kThreads; ++t)
    threads[t] = std::thread([&, t] {
      for (int call = 0; call < kCalls; ++call) {
        // Two blocks of one class per call, each freed while its kernel
        // may run, with a pause after each free in which other threads
        // allocate: they must not take it, the call's next allocation may.
        void *a = _mlir_memref_to_llvm_alloc(kOneKiB);
        launchOn(a);
        _mlir_memref_to_llvm_free(a);
        std::this_thread::yield();
        void *b = _mlir_memref_to_llvm_alloc(kOneKiB);
        launchOn(b);
        _mlir_memref_to_llvm_free(b);
        std::this_thread::yield();
        failures[t] += attn_cuda_take_error() != 0;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  bool ok = true;
  for (int failed : failures)
    ok &= check(failed == 0, "a call failed");
  ok &= check(fake.creates() == kThreads && fake.destroys() == kThreads,
              "not one stream per thread, destroyed at its exit");
  ok &= check(fake.syncs() == kThreads * kCalls, "not one wait per call");
  ok &= check(fake.marked() == 2 * kThreads * kCalls,
              "the stand-in did not see every launch");
  return ok && check(fake.conflicts() == 0,
                     "a block was used by two streams at once");
}

TEST(StreamOrder, ThreadsNeverShareABlockInUse) {
  EXPECT_IN_CHILD(manyThreads());
}

} // namespace
