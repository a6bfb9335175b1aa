//===- AttentionInputs.h - q, k, v of the lone attention -------*- C++ -*-===//
//
// Both targets of `attn-bench --attention` run on the same pseudo-random
// inputs, passed to the compiled function as rank-3 memref descriptors
// (whose pointers are host or device addresses).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONINPUTS_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONINPUTS_H

#include "AttentionOptions.h"

#include <cstdint>
#include <vector>

namespace attn::bench {

/// The descriptor of a rank-3 memref, as compiled code passes it.
struct MemRef3 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

/// A dense row-major [rows, heads, dim] view of `data`.
inline MemRef3 viewOf(float *data, int64_t rows, int64_t heads, int64_t dim) {
  return {data, data, 0, {rows, heads, dim}, {heads * dim, dim, 1}};
}

/// Row-major q [seq, heads, head_dim], k and v [seq, kv_heads, head_dim].
struct AttentionInputs {
  std::vector<float> q, k, v;
};

/// Uniform in [-1, 1), the same values for the same shapes on every run.
AttentionInputs makeAttentionInputs(const AttentionOptions &options,
                                    int64_t seq);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONINPUTS_H
