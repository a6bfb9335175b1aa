//===- CompiledLibrary.h - Compile MLIR to a .so and load it ----*- C++ -*-===//

#ifndef ATTN_TEST_UNIT_TARGET_COMPILEDLIBRARY_H
#define ATTN_TEST_UNIT_TARGET_COMPILEDLIBRARY_H

#include "attn/Target/CPU/CPUTarget.h"

#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace attn_test {

/// A model library compiled from MLIR text into a temporary folder and
/// dlopen'ed; unloaded and deleted on destruction.
class CompiledLibrary {
public:
  ~CompiledLibrary();
  /// Compiles `source`; on failure returns null and sets `error` to the
  /// diagnostics.
  static std::unique_ptr<CompiledLibrary>
  compile(const std::string &source,
          const mlir::attn::CPUTargetOptions &options, std::string &error,
          double *seconds = nullptr);
  void *symbol(const char *name) const;

private:
  void *handle = nullptr;
  std::string path;
};

/// The descriptor of a memref of rank N, as compiled code passes it.
template <int N> struct MemRef {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};

/// A row-major view of `data` with `sizes`.
template <int N>
MemRef<N> viewOf(std::vector<float> &data, std::vector<int64_t> sizes) {
  MemRef<N> m{data.data(), data.data(), 0, {}, {}};
  int64_t stride = 1;
  for (int i = N - 1; i >= 0; --i) {
    m.sizes[i] = sizes[i];
    m.strides[i] = stride;
    stride *= sizes[i];
  }
  return m;
}

/// The elements of `m` in row-major order (any strides), then frees its
/// allocation (results of compiled functions are the caller's).
template <int N> std::vector<float> takeResult(MemRef<N> m) {
  int64_t count = 1;
  for (int i = 0; i < N; ++i)
    count *= m.sizes[i];
  std::vector<float> out(count);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t rest = flat, offset = m.offset;
    for (int i = N - 1; i >= 0; --i) {
      offset += (rest % m.sizes[i]) * m.strides[i];
      rest /= m.sizes[i];
    }
    out[flat] = m.aligned[offset];
  }
  free(m.allocated);
  return out;
}

/// `count` uniform values in [lo, hi).
std::vector<float> randomValues(std::mt19937 &rng, size_t count, float lo = -1,
                                float hi = 1);

/// Fails the current test unless every |actual - expected| is within
/// `rel` times max(1, max |expected|).
void expectClose(const std::vector<float> &actual,
                 const std::vector<double> &expected, double rel = 1e-4);

} // namespace attn_test

#endif // ATTN_TEST_UNIT_TARGET_COMPILEDLIBRARY_H
