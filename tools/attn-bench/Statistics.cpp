//===- Statistics.cpp - Mean and spread of repeated measurements ----------===//

#include "Statistics.h"

#include <cmath>

namespace attn::bench {

MeanAndDeviation summarize(const std::vector<double> &samples) {
  MeanAndDeviation result;
  if (samples.empty())
    return result;
  for (double sample : samples)
    result.mean += sample;
  result.mean /= double(samples.size());
  if (samples.size() > 1) {
    double squares = 0;
    for (double sample : samples)
      squares += (sample - result.mean) * (sample - result.mean);
    result.stddev = std::sqrt(squares / double(samples.size() - 1));
  }
  return result;
}

} // namespace attn::bench
