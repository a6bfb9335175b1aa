//===- AttentionOptions.h - The command line of --attention ----*- C++ -*-===//
//
// What `attn-bench --attention` measures: the shapes of the lone causal
// attention, the sequence lengths, and where it runs (the CPU pipeline's
// variants, or the CUDA pipeline for one architecture).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_ATTENTIONOPTIONS_H
#define ATTN_TOOLS_ATTN_BENCH_ATTENTIONOPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace attn::bench {

enum class AttentionTarget { CPU, CUDA };

struct AttentionOptions {
  std::vector<int64_t> seqs = {512, 1024, 2048, 4096, 8192, 16384};
  int64_t heads = 32, kvHeads = 8, headDim = 128, repetitions = 3;
  /// The CPU variants (--mode).
  bool fused = true, unfused = true, scalar = false;
  AttentionTarget target = AttentionTarget::CPU;
  /// The architecture of --target=cuda.
  std::string cudaArch = "sm_90";
};

/// The usage text of `attn-bench --attention`.
extern const char kAttentionUsage[];

/// Reads argv[2...] (argv[1] is "--attention") into `options`; `help` is
/// set by -h/--help. False with `error` naming the flag and the value on a
/// bad command line.
bool parseAttentionOptions(int argc, char **argv, AttentionOptions &options,
                           bool &help, std::string &error);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_ATTENTIONOPTIONS_H
