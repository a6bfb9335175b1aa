//===- Statistics.h - Mean and spread of repeated measurements -*- C++ -*-===//

#ifndef ATTN_TOOLS_ATTN_BENCH_STATISTICS_H
#define ATTN_TOOLS_ATTN_BENCH_STATISTICS_H

#include <vector>

namespace attn::bench {

struct MeanAndDeviation {
  double mean = 0;
  /// The sample standard deviation; 0 for fewer than two samples.
  double stddev = 0;
};

MeanAndDeviation summarize(const std::vector<double> &samples);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_STATISTICS_H
