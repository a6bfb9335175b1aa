//===- AttentionReference.h - Attention in double, on sampled rows -*- C++ -*-//
//
// A benchmark that prints a figure for a wrong result is worse than none:
// before timing, sampled rows of the compiled attention's output are
// compared with the formula evaluated in double precision (softmax of
// scale . q . k^T over the causal keys, times v; query head h reads key
// head h / (heads / kv_heads)).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONREFERENCE_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONREFERENCE_H

#include "AttentionInputs.h"

#include <string>

namespace attn::bench {

struct NumericsCheck {
  /// (row, head) outputs compared.
  int samples = 0;
  /// The largest max |out - ref| / max |ref| over a compared row.
  double worst = 0;
  /// Empty when every sample is within the tolerance; else what differs,
  /// where, and by how much.
  std::string failure;
};

/// Compares `samples` (row, head) rows of `out` ([seq, heads, head_dim],
/// the compiled attention's output on `inputs`) with the reference. A row
/// fails when max |out - ref| exceeds `tolerance` x max |ref| over the row,
/// or holds a NaN. Rows 0, 1, seq / 2 and seq - 1 are always among them.
NumericsCheck checkSampledRows(const AttentionOptions &options, int64_t seq,
                               const AttentionInputs &inputs,
                               const std::vector<float> &out, int samples,
                               double tolerance);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONREFERENCE_H
