//===- MatmulBench.h - attn-bench --matmul ----------------------*- C++ -*-===//
//
// One matmul of a model's shape, compiled on the fly through the CPU
// pipeline with the weight in the panel layout the runtime packs it into:
// the kernel that dominates prefill, measured against the machine's peak
// FMA throughput in the same run.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_MATMULBENCH_H
#define ATTN_TOOLS_ATTN_BENCH_MATMULBENCH_H

namespace attn::bench {

/// The usage text of `attn-bench --matmul`.
extern const char kMatmulUsage[];

/// Runs `attn-bench --matmul ...` (argv[1] is "--matmul"); the exit status.
int runMatmulBench(int argc, char **argv);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_MATMULBENCH_H
