//===- FakeDriverRecords.h - What the stand-in driver saw -------*- C++ -*-===//
//
// The stand-in driver (Fixtures/FakeCUDA.c) records allocations and counts
// copies, streams and launches in symbols of its own. The wrappers load it
// with RTLD_LOCAL; so does this, and gets the same copy, whose records the
// tests read through dlsym.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_FAKEDRIVERRECORDS_H
#define ATTN_TEST_UNIT_GPU_FAKEDRIVERRECORDS_H

#include <cstddef>
#include <cstdint>
#include <dlfcn.h>
#include <initializer_list>
#include <optional>

namespace attn_test {

/// One allocation the stand-in driver made.
struct FakeAllocation {
  const char *data = nullptr;
  size_t bytes = 0;
  bool managed = false;
  bool live = false;
};

class FakeDriverRecords {
public:
  FakeDriverRecords()
      : handle(dlopen(ATTN_FAKE_CUDA_PATH, RTLD_NOW | RTLD_LOCAL)) {}
  ~FakeDriverRecords() {
    if (handle)
      dlclose(handle);
  }
  FakeDriverRecords(const FakeDriverRecords &) = delete;
  FakeDriverRecords &operator=(const FakeDriverRecords &) = delete;

  /// Whether the driver is loaded and has every symbol of `names`.
  bool has(std::initializer_list<const char *> names) const {
    for (const char *name : names)
      if (!symbol<void *>(name))
        return false;
    return handle != nullptr;
  }

  /// Allocations made so far (live or freed), or -1 if unreadable.
  int allocations() const {
    auto count = symbol<int (*)()>("fake_cuda_allocation_count");
    return count ? count() : -1;
  }
  /// The `index`-th allocation, if there is one.
  std::optional<FakeAllocation> allocation(int index) const {
    auto get =
        symbol<int (*)(int, unsigned long long *, size_t *, int *, int *)>(
            "fake_cuda_allocation");
    unsigned long long pointer = 0;
    size_t bytes = 0;
    int managed = 0, live = 0;
    if (!get || !get(index, &pointer, &bytes, &managed, &live))
      return std::nullopt;
    return FakeAllocation{reinterpret_cast<const char *>(pointer), bytes,
                          managed != 0, live != 0};
  }
  bool live(int index) const {
    std::optional<FakeAllocation> record = allocation(index);
    return record && record->live;
  }
  /// Allocations not freed yet.
  int liveCount() const {
    int n = 0;
    for (int i = 0; i < allocations(); ++i)
      n += live(i);
    return n;
  }

  /// The counter `name` (a `long long` of FakeCUDA.c), or -1 if missing.
  long long counter(const char *name) const {
    auto *value = symbol<long long *>(name);
    return value ? __atomic_load_n(value, __ATOMIC_RELAXED) : -1;
  }
  /// Kernels launched so far, or -1 if unreadable.
  int launches() const {
    auto *value = symbol<int *>("fake_cuda_launches");
    return value ? __atomic_load_n(value, __ATOMIC_RELAXED) : -1;
  }
  /// Whether `pointer` is in a live allocation of the driver.
  bool isDevice(const void *pointer) const {
    auto isDevice =
        symbol<int (*)(unsigned long long, size_t)>("fake_cuda_is_device");
    return isDevice && isDevice(reinterpret_cast<uintptr_t>(pointer), 1);
  }

private:
  template <typename T> T symbol(const char *name) const {
    return handle ? reinterpret_cast<T>(dlsym(handle, name)) : nullptr;
  }

  void *handle;
};

} // namespace attn_test

#endif // ATTN_TEST_UNIT_GPU_FAKEDRIVERRECORDS_H
