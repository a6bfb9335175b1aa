//===- CUDAAttentionBench.h - attn-bench --attention --target=cuda -*- C++ -*-//
//
// The lone causal attention through the CUDA pipeline, run on GPU 0: the
// TFLOP/s of the attention kernels, checked against a double-precision
// reference before they are timed.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_CUDAATTENTIONBENCH_H
#define ATTN_TOOLS_ATTN_BENCH_CUDAATTENTIONBENCH_H

#include "AttentionOptions.h"

namespace attn::bench {

/// Compiles, checks and times the attention for `options.cudaArch`; the
/// exit status (1 after an error on stderr, among them no usable GPU).
int runCUDAAttentionBench(const AttentionOptions &options);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_CUDAATTENTIONBENCH_H
