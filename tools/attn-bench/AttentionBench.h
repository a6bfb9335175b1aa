//===- AttentionBench.h - attn-bench --attention ----------------*- C++ -*-===//
//
// Attention alone, compiled on the fly through the CPU pipeline twice: with
// --attn-tile-attention (fused: blocks with an online softmax) and without
// it (unfused: one score matrix per head), printing the time and the peak
// memory of one call per sequence length; or, with --target=cuda, through
// the CUDA pipeline, printing time and TFLOP/s (CUDAAttentionBench.h).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H

namespace attn::bench {

/// Runs `attn-bench --attention ...` (argv[1] is "--attention"); the exit
/// status.
int runAttentionBench(int argc, char **argv);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H
