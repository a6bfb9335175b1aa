//===- CachingAllocatorTest.cpp - Reuse of the host code's managed buffers ===//
//
// The cache behind `_mlir_memref_to_llvm_alloc` / `_free`, driven as the
// host code of a model library drives it, on the stand-in driver, whose
// record of allocations says what reached the driver. The driver and the
// cache are loaded once per process, so each case is a child process; a
// child reports what it found wrong on stderr, which a failing case prints.
//
//===----------------------------------------------------------------------===//

#include "CachingAllocator.h"
#include "BlockTable.h"

#include "FakeDriverRecords.h"
#include "LaunchFunctions.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <thread>
#include <vector>

using namespace attn::cuda;

namespace {

/// Allocation requests of exactly one size class each.
constexpr size_t kOneKiB = 1024, kFourKiB = 4096;

using FakeDriver = attn_test::FakeDriverRecords;

bool check(bool ok, const char *what) {
  return attn_test::check(ok, "caching allocator", what);
}

using attn_test::useFakeDriver;

#define EXPECT_IN_CHILD(body)                                                  \
  EXPECT_EXIT(std::exit((body) ? 0 : 1), testing::ExitedWithCode(0), "")

TEST(CachingAllocator, SizeClasses) {
  EXPECT_EQ(blockSizeFor(0), 256u);
  EXPECT_EQ(blockSizeFor(1), 256u);
  EXPECT_EQ(blockSizeFor(256), 256u);
  EXPECT_EQ(blockSizeFor(257), 512u);
  EXPECT_EQ(blockSizeFor(size_t(1) << 20), size_t(1) << 20);
  EXPECT_EQ(blockSizeFor((size_t(1) << 20) + 1), size_t(2) << 20);
  EXPECT_EQ(blockSizeFor(size_t(3) << 20), size_t(4) << 20);
  EXPECT_EQ(blockSizeFor(SIZE_MAX), 0u);
}

TEST(CachingAllocator, ParsesTheCacheLimit) {
  size_t bytes = 7;
  EXPECT_TRUE(parseCacheBytes("0", bytes));
  EXPECT_EQ(bytes, 0u);
  EXPECT_TRUE(parseCacheBytes("1000", bytes));
  EXPECT_EQ(bytes, 1000u);
  EXPECT_TRUE(parseCacheBytes("4k", bytes));
  EXPECT_EQ(bytes, 4096u);
  EXPECT_TRUE(parseCacheBytes("64M", bytes));
  EXPECT_EQ(bytes, size_t(64) << 20);
  EXPECT_TRUE(parseCacheBytes("2G", bytes));
  EXPECT_EQ(bytes, size_t(2) << 30);
  for (const char *bad : {"", "-1", "+1", " 1", "1 ", "1KB", "K", "1.5G",
                          "lots", "99999999999999999999999", "17179869184G"}) {
    bytes = 7;
    EXPECT_FALSE(parseCacheBytes(bad, bytes)) << "'" << bad << "'";
    EXPECT_EQ(bytes, 7u) << "'" << bad << "'";
  }
}

TEST(BlockTable, FindsEveryEntryThroughGrowthAndRemovals) {
  BlockTable table;
  constexpr size_t kEntries = 5000;
  // Aligned like the buffers, so that only the high bits tell them apart.
  auto address = [](size_t i) { return uintptr_t(0x7f0000000000) + i * 256; };
  for (size_t i = 0; i < kEntries; ++i)
    ASSERT_TRUE(table.insert(address(i), {BlockKind::Managed, i}));
  EXPECT_EQ(table.size(), kEntries);
  // Odd entries out first, in an order unlike the insertion's, so that the
  // removals shift the probe chains of the even ones.
  BlockInfo info = {BlockKind::Heap, 0};
  for (size_t i = kEntries - 1; i < kEntries; i -= 2) {
    ASSERT_TRUE(table.erase(address(i), info)) << i;
    EXPECT_EQ(info.blockBytes, i);
    EXPECT_FALSE(table.erase(address(i), info)) << "erased twice: " << i;
  }
  EXPECT_EQ(table.size(), kEntries / 2);
  for (size_t i = 0; i < kEntries; i += 2) {
    ASSERT_TRUE(table.erase(address(i), info)) << i;
    EXPECT_EQ(info.kind, BlockKind::Managed);
    EXPECT_EQ(info.blockBytes, i);
  }
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.erase(address(0), info));
  table.reset();
  EXPECT_FALSE(table.erase(address(0), info));
}

TEST(BlockTable, ReinsertingAnAddressReplacesItsEntry) {
  BlockTable table;
  ASSERT_TRUE(table.insert(4096, {BlockKind::Managed, 1024}));
  ASSERT_TRUE(table.insert(4096, {BlockKind::Heap, 0}));
  EXPECT_EQ(table.size(), 1u);
  BlockInfo info = {BlockKind::Managed, 7};
  ASSERT_TRUE(table.erase(4096, info));
  EXPECT_EQ(info.kind, BlockKind::Heap);
  EXPECT_EQ(table.size(), 0u);
  table.reset();
}

bool reusesOneClass() {
  useFakeDriver();
  FakeDriver fake;
  void *first = _mlir_memref_to_llvm_alloc(kOneKiB);
  _mlir_memref_to_llvm_free(first);
  bool ok = check(cachedBlocks() == 1 && cachedBytes() == 1024,
                  "the freed block is not cached");
  void *second = _mlir_memref_to_llvm_alloc(kOneKiB);
  // A smaller request of the same class takes the same block too.
  _mlir_memref_to_llvm_free(second);
  void *third = _mlir_memref_to_llvm_alloc(kOneKiB - 200);
  ok &= check(second == first && third == first,
              "a request of the cached class got another block");
  ok &= check(fake.allocations() == 1 && fake.live(0),
              "the driver was asked more than once");
  ok &= check(cachedBlocks() == 0, "a block handed out is still cached");
  _mlir_memref_to_llvm_free(third);
  return ok && check(attn_cuda_take_error() == 0, "an error was recorded");
}

TEST(CachingAllocator, ReusesAFreedBlockOfTheSameClass) {
  EXPECT_IN_CHILD(reusesOneClass());
}

bool keepsClassesApart() {
  useFakeDriver();
  FakeDriver fake;
  void *small = _mlir_memref_to_llvm_alloc(kOneKiB);
  _mlir_memref_to_llvm_free(small);
  // One byte more than the cached class, and a much larger request.
  void *larger = _mlir_memref_to_llvm_alloc(kOneKiB + 1);
  void *large = _mlir_memref_to_llvm_alloc(3 << 20);
  bool ok = check(larger != small && large != small,
                  "a block was shared between size classes");
  ok &= check(fake.allocations() == 3, "expected three driver allocations");
  ok &= check(cachedBlocks() == 1 && cachedBytes() == 1024,
              "the cached block of the other class was taken");
  _mlir_memref_to_llvm_free(larger);
  _mlir_memref_to_llvm_free(large);
  ok &= check(cachedBytes() == 1024 + 1280 + (4 << 20),
              "the cache does not hold the three classes");
  return ok && check(attn_cuda_take_error() == 0, "an error was recorded");
}

TEST(CachingAllocator, DifferentClassesDoNotShare) {
  EXPECT_IN_CHILD(keepsClassesApart());
}

/// Frees three blocks of 4 KiB under `limit` and checks which of them the
/// driver freed.
bool capsTheCache(const char *limit, int expectCached) {
  useFakeDriver();
  setenv("ATTN_CUDA_CACHE_BYTES", limit, 1);
  FakeDriver fake;
  void *blocks[3];
  for (void *&block : blocks)
    block = _mlir_memref_to_llvm_alloc(kFourKiB);
  for (void *block : blocks)
    _mlir_memref_to_llvm_free(block);
  bool ok = check(fake.allocations() == 3, "expected three allocations");
  ok &= check(cachedBlocks() == size_t(expectCached) &&
                  cachedBytes() == size_t(expectCached) * 4096,
              "the cache holds another amount than the limit allows");
  // The first ones freed are the ones kept.
  for (int i = 0; i < 3; ++i)
    ok &= check(fake.live(i) == (i < expectCached),
                "the driver freed another block than the one over the limit");
  return ok && check(attn_cuda_take_error() == 0, "an error was recorded");
}

TEST(CachingAllocator, FreesToTheDriverBeyondTheCap) {
  EXPECT_IN_CHILD(capsTheCache("8K", 2));
  EXPECT_IN_CHILD(capsTheCache("8191", 1));
}

TEST(CachingAllocator, ZeroOrAMalformedLimitTurnsCachingOff) {
  EXPECT_IN_CHILD(capsTheCache("0", 0));
  EXPECT_IN_CHILD(capsTheCache("1 GiB", 0));
}

/// Allocates and frees a block the driver at `driverPath` cannot give
/// (allocations over `maxAllocation` fail, when it is not null).
bool keepsHeapBlocksOut(const char *driverPath, const char *maxAllocation,
                        int expectStatus) {
  useFakeDriver();
  setenv("ATTN_CUDA_DRIVER_LIBRARY", driverPath, 1);
  if (maxAllocation)
    setenv("ATTN_FAKE_CUDA_MAX_ALLOCATION", maxAllocation, 1);
  void *block = _mlir_memref_to_llvm_alloc(kOneKiB);
  if (!check(block != nullptr, "no heap fallback"))
    return false;
  // Host code writes its buffers whatever happens.
  memset(block, 1, kOneKiB);
  _mlir_memref_to_llvm_free(block);
  // Freed with free(): the AddressSanitizer build reports a leak otherwise.
  bool ok = check(cachedBlocks() == 0, "a heap block was cached");
  return ok && check(attn_cuda_take_error() == expectStatus,
                     "not the status of the failed allocation");
}

TEST(CachingAllocator, HeapFallbackBlocksAreNotCached) {
  // No driver: CUDA_ERROR_NOT_INITIALIZED.
  EXPECT_IN_CHILD(keepsHeapBlocksOut("/nonexistent/libcuda.so.1", nullptr, 3));
  // The driver refuses: CUDA_ERROR_OUT_OF_MEMORY.
  EXPECT_IN_CHILD(keepsHeapBlocksOut(ATTN_FAKE_CUDA_PATH, "16", 2));
}

/// Buffers from the driver and from the heap are at least as aligned as
/// kBufferAlignment promises.
bool alignsBuffers(const char *driverPath) {
  useFakeDriver();
  setenv("ATTN_CUDA_DRIVER_LIBRARY", driverPath, 1);
  bool ok = true;
  std::vector<void *> buffers;
  for (size_t bytes : {size_t(1), size_t(100), kOneKiB + 8, size_t(3) << 20})
    buffers.push_back(_mlir_memref_to_llvm_alloc(bytes));
  for (void *buffer : buffers)
    ok &= check(buffer &&
                    reinterpret_cast<uintptr_t>(buffer) % kBufferAlignment == 0,
                "a buffer is not aligned");
  for (void *buffer : buffers)
    _mlir_memref_to_llvm_free(buffer);
  ok &= check(liveBuffers() == 0, "a freed buffer is still recorded");
  attn_cuda_take_error();
  return ok;
}

TEST(CachingAllocator, BuffersAreAligned) {
  EXPECT_IN_CHILD(alignsBuffers(ATTN_FAKE_CUDA_PATH));
  EXPECT_IN_CHILD(alignsBuffers("/nonexistent/libcuda.so.1"));
}

/// Frees pointers the allocator never handed out, and one twice: each is
/// reported (CUDA_ERROR_INVALID_VALUE) and changes nothing, neither in the
/// driver nor in the cache.
bool reportsUnknownPointers(const char *driverPath) {
  useFakeDriver();
  setenv("ATTN_CUDA_DRIVER_LIBRARY", driverPath, 1);
  attn_cuda_take_error();
  FakeDriver fake;
  auto *buffer = static_cast<char *>(_mlir_memref_to_llvm_alloc(kOneKiB));
  if (!check(buffer != nullptr, "no buffer"))
    return false;
  attn_cuda_take_error();
  int allocations = fake.allocations(), live = fake.liveCount();
  int onTheStack = 0;
  void *notHandedOut[] = {buffer + 64, buffer + kOneKiB, &onTheStack};
  bool ok = true;
  for (void *pointer : notHandedOut) {
    _mlir_memref_to_llvm_free(pointer);
    ok &= check(attn_cuda_take_error() == 1, "an unknown pointer went unseen");
  }
  ok &= check(liveBuffers() == 1 && cachedBlocks() == 0 &&
                  fake.allocations() == allocations && fake.liveCount() == live,
              "freeing an unknown pointer changed something");
  // The buffer itself is still intact and freed normally.
  memset(buffer, 1, kOneKiB);
  _mlir_memref_to_llvm_free(buffer);
  ok &= check(attn_cuda_take_error() == 0, "the real free failed");
  _mlir_memref_to_llvm_free(buffer);
  ok &= check(attn_cuda_take_error() == 1, "a second free went unseen");
  // Cached once only: two holders of one block would follow otherwise.
  ok &= check(liveBuffers() == 0 && cachedBlocks() <= 1,
              "the block was given back twice");
  void *a = _mlir_memref_to_llvm_alloc(kOneKiB);
  void *b = _mlir_memref_to_llvm_alloc(kOneKiB);
  ok &= check(a != b, "one block handed out twice");
  _mlir_memref_to_llvm_free(a);
  _mlir_memref_to_llvm_free(b);
  return ok;
}

TEST(CachingAllocator, FreeingAnUnknownPointerIsReported) {
  EXPECT_IN_CHILD(reportsUnknownPointers(ATTN_FAKE_CUDA_PATH));
  // Heap buffers are recorded the same way.
  EXPECT_IN_CHILD(reportsUnknownPointers("/nonexistent/libcuda.so.1"));
}

bool releasesEverything() {
  useFakeDriver();
  FakeDriver fake;
  std::vector<void *> blocks;
  for (size_t bytes : {size_t(100), kOneKiB, kFourKiB, size_t(5) << 20})
    for (int i = 0; i < 3; ++i)
      blocks.push_back(_mlir_memref_to_llvm_alloc(bytes));
  for (void *block : blocks)
    _mlir_memref_to_llvm_free(block);
  bool ok = check(cachedBlocks() == blocks.size(), "not every block cached");
  ok &= check(fake.liveCount() == int(blocks.size()),
              "cached blocks were freed to the driver");
  // On a thread that has never made the context current.
  int32_t status = -1;
  std::thread([&] { status = attn_cuda_release_cached_memory(); }).join();
  ok &= check(status == 0, "the release failed");
  ok &= check(cachedBlocks() == 0 && cachedBytes() == 0,
              "the cache is not empty after the release");
  ok &= check(fake.allocations() == int(blocks.size()) && fake.liveCount() == 0,
              "the driver did not get every block back");
  // The cache still works after a release.
  void *again = _mlir_memref_to_llvm_alloc(kOneKiB);
  _mlir_memref_to_llvm_free(again);
  ok &= check(cachedBlocks() == 1, "nothing cached after the release");
  return ok && check(attn_cuda_take_error() == 0, "an error was recorded");
}

TEST(CachingAllocator, ReleaseReturnsEverything) {
  EXPECT_IN_CHILD(releasesEverything());
}

/// Registered before anything is cached, so that it runs after the cache's
/// own exit hook.
void checkEverythingFreedAtExit() {
  FakeDriver fake;
  _exit(fake.allocations() == 2 && fake.liveCount() == 0 ? 0 : 1);
}

TEST(CachingAllocator, ExitReleasesTheCache) {
  EXPECT_EXIT(
      {
        useFakeDriver();
        atexit(checkEverythingFreedAtExit);
        _mlir_memref_to_llvm_free(_mlir_memref_to_llvm_alloc(kOneKiB));
        _mlir_memref_to_llvm_free(_mlir_memref_to_llvm_alloc(kFourKiB));
        std::exit(cachedBlocks() == 2 ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

bool releasesAtUnload() {
  useFakeDriver();
  FakeDriver fake;
  void *library =
      dlopen(ATTN_CACHING_ALLOCATOR_USER_PATH, RTLD_NOW | RTLD_LOCAL);
  if (!check(library != nullptr, "cannot load the fixture library"))
    return false;
  auto *allocFree = reinterpret_cast<int32_t (*)(size_t, int)>(
      dlsym(library, "fixture_alloc_free"));
  if (!check(allocFree != nullptr, "the fixture exports no function"))
    return false;
  bool ok = check(allocFree(kOneKiB, 10) == 0, "the fixture's calls failed");
  ok &= check(fake.allocations() == 1 && fake.live(0),
              "the library's cache did not keep its block");
  ok &= check(dlclose(library) == 0, "dlclose failed");
  // Exiting afterwards checks too: a handler left behind would be called
  // into the unmapped library.
  return ok && check(!fake.live(0), "unloading did not free the cache");
}

TEST(CachingAllocator, UnloadingTheLibraryReleasesItsCache) {
  EXPECT_IN_CHILD(releasesAtUnload());
}

bool retriesAfterReleasingTheCache() {
  useFakeDriver();
  setenv("ATTN_FAKE_CUDA_MAX_LIVE_BYTES", "8192", 1);
  FakeDriver fake;
  void *a = _mlir_memref_to_llvm_alloc(kFourKiB);
  void *b = _mlir_memref_to_llvm_alloc(kFourKiB);
  _mlir_memref_to_llvm_free(a);
  _mlir_memref_to_llvm_free(b);
  // The driver is full of cached blocks of another class.
  void *large = _mlir_memref_to_llvm_alloc(8192);
  bool ok = check(attn_cuda_take_error() == 0, "the allocation failed");
  ok &= check(fake.allocations() == 3 && !fake.live(0) && !fake.live(1) &&
                  fake.live(2),
              "the cached blocks were not freed before the retry");
  _mlir_memref_to_llvm_free(large);
  return ok && check(cachedBytes() == 8192, "the new block is not cached");
}

TEST(CachingAllocator, OutOfMemoryReleasesTheCacheAndRetries) {
  EXPECT_IN_CHILD(retriesAfterReleasingTheCache());
}

bool sharesSafelyBetweenThreads() {
  useFakeDriver();
  FakeDriver fake;
  constexpr int kThreads = 8, kRounds = 500;
  const size_t sizes[] = {kOneKiB, kFourKiB, size_t(3) << 20};
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        // Two blocks held at once, each filled with this thread's mark: a
        // block handed to two holders at once would show another mark.
        size_t bytesA = sizes[(t + round) % 3], bytesB = sizes[round % 3];
        auto *a =
            static_cast<unsigned char *>(_mlir_memref_to_llvm_alloc(bytesA));
        auto *b =
            static_cast<unsigned char *>(_mlir_memref_to_llvm_alloc(bytesB));
        memset(a, t, 64);
        memset(b, t + 100, 64);
        std::this_thread::yield();
        for (int i = 0; i < 64; ++i)
          failures[t] += a[i] != t || b[i] != t + 100;
        _mlir_memref_to_llvm_free(b);
        _mlir_memref_to_llvm_free(a);
      }
      failures[t] += attn_cuda_take_error() != 0;
    });
  for (std::thread &thread : threads)
    thread.join();
  bool ok = true;
  for (int t = 0; t < kThreads; ++t)
    ok &= check(failures[t] == 0, "a block was held by two threads at once");
  // Each class has at most 2 * kThreads blocks live at once, and a block is
  // made only when none of its class is cached.
  ok &= check(fake.allocations() >= 3 && fake.allocations() <= 3 * 2 * kThreads,
              "more driver allocations than blocks ever held at once");
  ok &= check(cachedBlocks() == size_t(fake.liveCount()),
              "a block is neither cached nor freed");
  ok &= check(attn_cuda_release_cached_memory() == 0 && fake.liveCount() == 0,
              "the release did not free every block");
  return ok;
}

TEST(CachingAllocator, AllocationsFromManyThreads) {
  EXPECT_IN_CHILD(sharesSafelyBetweenThreads());
}

} // namespace
