//===- AttentionOptions.cpp - The command line of --attention -------------===//

#include "AttentionOptions.h"
#include "ModeArguments.h"

#include "attn/GPU/CUDAArch.h"

#include <cerrno>
#include <cstdlib>

namespace attn::bench {

const char kAttentionUsage[] = R"(usage:
  attn-bench --attention [--seq N,N,...] [--heads N] [--kv-heads N]
             [--head-dim N] [--mode fused|unfused|both|scalar] [-r N]
  attn-bench --attention --target=cuda [--cuda-arch sm_XX] [--seq N,N,...]
             [--heads N] [--kv-heads N] [--head-dim N] [-r N]

Causal f32 attention alone (q [seq, heads, head_dim] over k, v
[seq, kv_heads, head_dim]), compiled on the fly.

On the CPU (the default): fused is --attn-tile-attention (blocks of queries
against blocks of keys, online softmax), unfused the same pipeline with
tile-attention=false (one score matrix per head); scalar is fused without
--attn-vectorize-attention (softmax and P.V as scalar loops). For each
length: time of one call (mean +- stddev over -r calls, after a warm-up)
and the peak resident memory the calls added. Threads: OMP_NUM_THREADS
(default every core).

With --target=cuda: the CUDA pipeline's kernels, in a library like the one
attnc --target=cuda writes, run on GPU 0 through the CUDA driver on buffers
in device memory. The warm-up call's output is checked against a
double-precision reference on sampled rows first (a wrong result is an
error, not a figure); then for each length the time of one call and
TFLOP/s, counting 4 x seq^2 x heads x head_dim / 2 FLOPs (the causal half
of Q.K^T and P.V), against the GPU's dense bf16 peak where it is known.
Without a usable GPU it compiles the kernels, then stops with an error.

  --seq N,N,...    sequence lengths (default 512,1024,2048,4096,8192,16384)
  --heads N        query heads (default 32)
  --kv-heads N     key/value heads, dividing --heads (default 8)
  --head-dim N     (default 128)
  --mode M         CPU only: fused, unfused, both or scalar (default both)
  --target T       cpu (default) or cuda
  --cuda-arch A    the GPU architecture for --target=cuda: sm_80, sm_86,
                   sm_89 or sm_90 (default sm_90)
  -r N             timed calls per length (default 3)
)";

namespace {

/// Above any sequence or head count this benchmark can hold in memory.
constexpr int64_t kMaxSize = int64_t(1) << 24;

bool parsePositive(const std::string &flag, const std::string &text,
                   int64_t &result, std::string &error) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno == ERANGE || value < 1 ||
      value > kMaxSize) {
    error = flag + ": '" + text + "' is not an integer in [1, " +
            std::to_string(kMaxSize) + "]";
    return false;
  }
  result = value;
  return true;
}

bool parseSeqs(const std::string &flag, const std::string &value,
               std::vector<int64_t> &seqs, std::string &error) {
  seqs.clear();
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    int64_t seq = 0;
    if (!parsePositive(flag, value.substr(start, comma - start), seq, error))
      return false;
    seqs.push_back(seq);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

} // namespace

bool parseAttentionOptions(int argc, char **argv, AttentionOptions &options,
                           bool &help, std::string &error) {
  bool modeGiven = false, archGiven = false;
  for (int i = 2; i < argc; ++i) {
    std::string flag, value;
    if (!readModeArgument(argc, argv, i,
                          {"--seq", "--heads", "--kv-heads", "--head-dim",
                           "--mode", "--target", "--cuda-arch", "-r"},
                          flag, value, error))
      return false;
    if (flag == "-h" || flag == "--help") {
      help = true;
      return true;
    }
    if (flag == "--seq") {
      if (!parseSeqs(flag, value, options.seqs, error))
        return false;
    } else if (flag == "--heads") {
      if (!parsePositive(flag, value, options.heads, error))
        return false;
    } else if (flag == "--kv-heads") {
      if (!parsePositive(flag, value, options.kvHeads, error))
        return false;
    } else if (flag == "--head-dim") {
      if (!parsePositive(flag, value, options.headDim, error))
        return false;
    } else if (flag == "-r") {
      if (!parsePositive(flag, value, options.repetitions, error))
        return false;
    } else if (flag == "--mode") {
      modeGiven = true;
      options.fused = value == "fused" || value == "both";
      options.unfused = value == "unfused" || value == "both";
      options.scalar = value == "scalar";
      if (!options.fused && !options.unfused && !options.scalar) {
        error = "--mode: '" + value +
                "' is not one of fused, unfused, both, scalar";
        return false;
      }
    } else if (flag == "--target") {
      if (value == "cpu") {
        options.target = AttentionTarget::CPU;
      } else if (value == "cuda") {
        options.target = AttentionTarget::CUDA;
      } else {
        error = "--target: '" + value + "' is not one of cpu, cuda";
        return false;
      }
    } else if (flag == "--cuda-arch") {
      archGiven = true;
      if (!mlir::attn::lookupCUDAArch(value)) {
        error = "--cuda-arch: '" + value +
                "' is not an architecture attnc compiles for (" +
                mlir::attn::knownCUDAArchs().str() + ")";
        return false;
      }
      options.cudaArch = value;
    } else {
      error = "unknown option '" + std::string(argv[i]) + "' for --attention";
      return false;
    }
  }
  if (options.heads % options.kvHeads != 0) {
    error = "--heads " + std::to_string(options.heads) +
            " is not a multiple of --kv-heads " +
            std::to_string(options.kvHeads);
    return false;
  }
  bool cuda = options.target == AttentionTarget::CUDA;
  if (archGiven && !cuda) {
    error = "--cuda-arch only applies to --target=cuda";
    return false;
  }
  if (modeGiven && cuda) {
    error = "--mode chooses a CPU variant; --target=cuda has one (the CUDA "
            "pipeline's)";
    return false;
  }
  return true;
}

} // namespace attn::bench
