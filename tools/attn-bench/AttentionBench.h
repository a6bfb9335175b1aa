//===- AttentionBench.h - attn-bench --attention ----------------*- C++ -*-===//
//
// Attention alone, compiled on the fly through the CPU pipeline twice: with
// --attn-tile-attention (fused: blocks with an online softmax) and without
// it (unfused: one score matrix per head). Prints the time and the peak
// memory of one call per sequence length.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H

namespace attn::bench {

/// The usage text of `attn-bench --attention`.
extern const char kAttentionUsage[];

/// Runs `attn-bench --attention ...` (argv[1] is "--attention"); the exit
/// status.
int runAttentionBench(int argc, char **argv);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONBENCH_H
