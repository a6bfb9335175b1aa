//===- PeakFlops.cpp - Peak f32 FMA throughput ----------------------------===//

#include "attn/Limits/PeakFlops.h"
#include "attn/Limits/ThreadTeam.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace attn::limits {

namespace {

/// Runs `pairs` on every thread; returns the seconds, and the wrong lanes
/// summed over the threads in `wrong`.
double timeKernel(const FmaKernel &kernel, int threads, int64_t pairs,
                  int64_t &wrong) {
  std::vector<int64_t> wrongPerThread(threads, 0);
  double seconds = runTogether(
      threads, [&](int index) { wrongPerThread[index] = kernel.run(pairs); });
  wrong = 0;
  for (int64_t count : wrongPerThread)
    wrong += count;
  return seconds;
}

} // namespace

bool measurePeakFlops(const FmaKernel &kernel, int threads, double seconds,
                      int repetitions, PeakFlops &result, std::string &error) {
  // Calibrate on one thread: double the work until a run takes a tenth of
  // the target, then scale.
  int64_t pairs = 1 << 12;
  int64_t wrong = 0;
  double elapsed = 0;
  while (true) {
    elapsed = timeKernel(kernel, 1, pairs, wrong);
    if (wrong)
      break;
    if (elapsed >= seconds / 10 || pairs >= (int64_t(1) << 40))
      break;
    pairs *= 2;
  }
  if (!wrong)
    pairs = std::max<int64_t>(
        1, int64_t(std::ceil(pairs * seconds / std::max(elapsed, 1e-9))));

  double best = 0;
  for (int rep = 0; rep < repetitions && !wrong; ++rep) {
    elapsed = timeKernel(kernel, threads, pairs, wrong);
    best = rep == 0 ? elapsed : std::min(best, elapsed);
  }
  if (wrong) {
    error = std::string("the ") + kernel.isa + " FMA kernel left " +
            std::to_string(wrong) +
            " lanes with a wrong value; its timing is meaningless";
    return false;
  }
  result.isa = kernel.isa;
  result.lanes = kernel.lanes;
  result.accumulators = kernel.accumulators;
  result.threads = threads;
  result.fmasPerThread = 2 * pairs * kernel.accumulators;
  double flops = 2.0 * result.fmasPerThread * kernel.lanes * threads;
  result.gflops = flops / best / 1e9;
  return true;
}

} // namespace attn::limits
