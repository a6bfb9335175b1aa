//===- MemoryBandwidth.cpp - STREAM-like memory bandwidth -----------------===//
//
// The arrays hold small integers (a = 0, b = 1, c = 2) so that both kernels
// have an exact expected result: the read's sum is 3 per element of an
// array, and the triad must leave a = 1 + 3 * 2 everywhere. Both are checked
// after the timed runs, which also keeps the compiler from dropping them.
//
//===----------------------------------------------------------------------===//

#include "attn/Limits/MemoryBandwidth.h"
#include "attn/Limits/ThreadTeam.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace attn::limits {

namespace {

volatile double triadScalar = 3.0;

/// Eight doubles; the compiler splits it into the widest registers of the
/// baseline ISA. Memory-bound loops need no wider ISA to saturate DRAM.
typedef double Vec8 __attribute__((vector_size(64)));

/// Sums [begin, end) as four streams read side by side, each into its own
/// vector accumulator: one stream leaves the prefetchers idle part of the
/// time (measured here: about 20% less than four), and the accumulators
/// keep the add latency from limiting the load rate.
double sumRange(const double *data, int64_t begin, int64_t end) {
  constexpr int kStreams = 4;
  int64_t part = (end - begin) / kStreams / 8 * 8;
  Vec8 acc[kStreams] = {};
  for (int64_t i = 0; i < part; i += 8)
    for (int k = 0; k < kStreams; ++k) {
      Vec8 v;
      __builtin_memcpy(&v, data + begin + k * part + i, sizeof(v));
      acc[k] += v;
    }
  double total = 0;
  for (int64_t i = begin + kStreams * part; i < end; ++i)
    total += data[i];
  for (int k = 0; k < kStreams; ++k)
    for (int lane = 0; lane < 8; ++lane)
      total += acc[k][lane];
  return total;
}

void triadRange(double *a, const double *b, const double *c, double s,
                int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    a[i] = b[i] + s * c[i];
}

struct FreeDeleter {
  void operator()(double *p) const { std::free(p); }
};

int64_t partBegin(int64_t count, int threads, int index) {
  return count * index / threads;
}

} // namespace

int64_t defaultBandwidthBufferBytes(const CpuInfo &cpu) {
  int64_t bytes = std::max<int64_t>(4 * cpu.lastLevelCacheBytes, 256 << 20);
  if (cpu.memoryBytes > 0)
    bytes = std::min(bytes, cpu.memoryBytes / 4);
  return bytes;
}

bool measureMemoryBandwidth(int threads, int64_t bufferBytes, int repetitions,
                            MemoryBandwidth &result, std::string &error) {
  int64_t n = bufferBytes / 3 / int64_t(sizeof(double));
  n -= n % 8; // Keeps every array 64-byte aligned.
  if (n < threads) {
    error = "a bandwidth buffer of " + std::to_string(bufferBytes) +
            " bytes is too small for " + std::to_string(threads) + " threads";
    return false;
  }
  size_t bytes = size_t(3 * n) * sizeof(double);
  std::unique_ptr<double, FreeDeleter> buffer(
      static_cast<double *>(std::aligned_alloc(64, bytes)));
  if (!buffer) {
    error = "cannot allocate " + std::to_string(bytes >> 20) +
            " MiB for the bandwidth buffer";
    return false;
  }
  double *a = buffer.get(), *b = a + n, *c = b + n;

  // Each thread touches the pages it will stream, as STREAM does.
  runTogether(threads, [&](int index) {
    for (int64_t i = partBegin(n, threads, index),
                 end = partBegin(n, threads, index + 1);
         i < end; ++i) {
      a[i] = 0;
      b[i] = 1;
      c[i] = 2;
    }
  });

  std::vector<double> sums(threads);
  double bestRead = 0;
  for (int rep = 0; rep < repetitions; ++rep) {
    double seconds = runTogether(threads, [&](int index) {
      sums[index] = sumRange(a, partBegin(3 * n, threads, index),
                             partBegin(3 * n, threads, index + 1));
    });
    double total = 0;
    for (double sum : sums)
      total += sum;
    if (total != 3.0 * double(n)) {
      error = "the read kernel summed " + std::to_string(total) +
              "; expected " + std::to_string(3.0 * double(n));
      return false;
    }
    bestRead = rep == 0 ? seconds : std::min(bestRead, seconds);
  }

  double s = triadScalar;
  double bestTriad = 0;
  for (int rep = 0; rep < repetitions; ++rep) {
    double seconds = runTogether(threads, [&](int index) {
      triadRange(a, b, c, s, partBegin(n, threads, index),
                 partBegin(n, threads, index + 1));
    });
    bestTriad = rep == 0 ? seconds : std::min(bestTriad, seconds);
  }
  int64_t wrong = std::count_if(a, a + n, [&](double x) { return x != 7.0; });
  if (wrong) {
    error = "the triad kernel left " + std::to_string(wrong) + " of " +
            std::to_string(n) + " elements wrong";
    return false;
  }

  result.threads = threads;
  result.bufferBytes = int64_t(bytes);
  result.readGBps = double(bytes) / bestRead / 1e9;
  result.triadGBps = double(bytes) / bestTriad / 1e9;
  return true;
}

} // namespace attn::limits
