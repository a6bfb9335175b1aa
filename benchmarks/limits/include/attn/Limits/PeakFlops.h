//===- PeakFlops.h - Peak f32 FMA throughput -------------------*- C++ -*-===//
//
// The compute limit prefill is measured against: FMAs on the widest vector
// ISA the CPU has (AVX-512, else AVX2 with FMA), with enough independent
// accumulators to keep every FMA port busy despite the FMA latency.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIMITS_PEAKFLOPS_H
#define ATTN_LIMITS_PEAKFLOPS_H

#include <cstdint>
#include <string>

namespace attn::limits {

/// One vector FMA kernel.
struct FmaKernel {
  /// "avx512f", "avx2+fma" or "scalar".
  const char *isa;
  /// f32 lanes per FMA instruction.
  int lanes;
  /// Independent accumulator registers (dependency chains).
  int accumulators;
  /// Runs 2 x `pairs` FMAs on each accumulator, then returns how many lanes
  /// do not hold the value the arithmetic must give (0 when the kernel ran
  /// as written).
  int64_t (*run)(int64_t pairs);
};

/// The widest kernel this CPU can run.
const FmaKernel &widestFmaKernel();

struct PeakFlops {
  const char *isa = "";
  int lanes = 0;
  int accumulators = 0;
  int threads = 0;
  /// Best of the repetitions, in 1e9 FLOP/s (an FMA is 2 FLOPs).
  double gflops = 0;
  /// FMA instructions one thread ran in one repetition.
  int64_t fmasPerThread = 0;
};

/// Measures `kernel` on `threads` threads: calibrates the work to about
/// `seconds` per repetition and keeps the best of `repetitions`. Returns
/// false with `error` set when a kernel's result is wrong.
bool measurePeakFlops(const FmaKernel &kernel, int threads, double seconds,
                      int repetitions, PeakFlops &result, std::string &error);

} // namespace attn::limits

#endif // ATTN_LIMITS_PEAKFLOPS_H
