//===- AttentionBench.cpp - attn-bench --attention ------------------------===//
//
// The one mode of attn-bench that links the compiler: a lone attn.attention
// is not a model library attnc writes, and the unfused variant needs a
// pipeline option attnc does not expose, so both variants are compiled here
// from a few lines of MLIR. Peak memory is the high-water mark of the
// resident set, reset through /proc/self/clear_refs before each length, so
// it counts what the call itself touched (scores, tiles, the output).
//
//===----------------------------------------------------------------------===//

#include "AttentionBench.h"
#include "CompiledFunction.h"
#include "ModeArguments.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace attn::bench {

const char kAttentionUsage[] = R"(usage:
  attn-bench --attention [--seq N,N,...] [--heads N] [--kv-heads N]
             [--head-dim N] [--mode fused|unfused|both|scalar] [-r N]

Causal f32 attention alone (q [seq, heads, head_dim] over k, v
[seq, kv_heads, head_dim]), compiled on the fly through the CPU pipeline:
fused is --attn-tile-attention (blocks of queries against blocks of keys,
online softmax), unfused the same pipeline with tile-attention=false (one
score matrix per head); scalar is fused without --attn-vectorize-attention
(softmax and P.V as scalar loops). For each length: time of one call (mean +- stddev
over -r calls, after a warm-up) and the peak resident memory the calls
added. Threads: OMP_NUM_THREADS (default every core).

  --seq N,N,...    sequence lengths (default 512,1024,2048,4096,8192,16384)
  --heads N        query heads (default 32)
  --kv-heads N     key/value heads, dividing --heads (default 8)
  --head-dim N     (default 128)
  --mode M         fused, unfused, both or scalar (default both)
  -r N             timed calls per length (default 3)
)";

namespace {

struct AttentionOptions {
  std::vector<int64_t> seqs = {512, 1024, 2048, 4096, 8192, 16384};
  int64_t heads = 32, kvHeads = 8, headDim = 128, repetitions = 3;
  bool fused = true, unfused = true, scalar = false;
};

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

bool parseAttentionOptions(int argc, char **argv, AttentionOptions &options,
                           bool &help, std::string &error) {
  for (int i = 2; i < argc; ++i) {
    std::string flag, value;
    if (!readModeArgument(
            argc, argv, i,
            {"--seq", "--heads", "--kv-heads", "--head-dim", "--mode", "-r"},
            flag, value, error))
      return false;
    if (flag == "-h" || flag == "--help") {
      help = true;
      return true;
    }
    if (flag == "--seq") {
      options.seqs.clear();
      size_t start = 0;
      while (true) {
        size_t comma = value.find(',', start);
        int64_t seq = 0;
        if (!parsePositive(flag, value.substr(start, comma - start), seq,
                           error))
          return false;
        options.seqs.push_back(seq);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
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
      options.fused = value == "fused" || value == "both";
      options.unfused = value == "unfused" || value == "both";
      options.scalar = value == "scalar";
      if (!options.fused && !options.unfused && !options.scalar) {
        error = "--mode: '" + value +
                "' is not one of fused, unfused, both, scalar";
        return false;
      }
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
  return true;
}

/// The descriptor of a rank-3 memref, as compiled code passes it.
struct MemRef3 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
};

MemRef3 viewOf(std::vector<float> &data, int64_t rows, int64_t heads,
               int64_t dim) {
  return {
      data.data(), data.data(), 0, {rows, heads, dim}, {heads * dim, dim, 1}};
}

using AttentionFn = void (*)(MemRef3 *, MemRef3 *, MemRef3 *, MemRef3 *);

/// One causal attn.attention over the benchmark's shapes.
std::string attentionSource(const AttentionOptions &options) {
  std::string h = std::to_string(options.heads),
              kv = std::to_string(options.kvHeads),
              d = std::to_string(options.headDim);
  std::string q3 = "tensor<?x" + h + "x" + d + "xf32>",
              k3 = "tensor<?x" + kv + "x" + d + "xf32>";
  char scale[64];
  std::snprintf(scale, sizeof(scale), "%.17g",
                1 / std::sqrt(double(options.headDim)));
  return "func.func @attention(%q: " + q3 + ", %k: " + k3 + ", %v: " + k3 +
         ") -> " + q3 +
         " attributes {llvm.emit_c_interface} {\n"
         "  %o = attn.attention %q, %k, %v {scale = " +
         scale + " : f64, causal} : " + q3 + ", " + k3 + ", " + k3 + " -> " +
         q3 + "\n  return %o : " + q3 + "\n}\n";
}

/// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); nullopt when
/// the file or the field is missing.
std::optional<int64_t> statusKiB(const char *field) {
  std::ifstream status("/proc/self/status");
  std::string line, prefix = std::string(field) + ":";
  while (std::getline(status, line))
    if (line.compare(0, prefix.size(), prefix) == 0)
      return std::strtoll(line.c_str() + prefix.size(), nullptr, 10);
  return std::nullopt;
}

/// Sets the high-water mark of the resident set back to the current size.
bool resetPeakResident() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return bool(clear);
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Measurement {
  double meanMs = 0, stddevMs = 0;
  /// Peak resident bytes the calls added; negative when not measurable.
  double peakMiB = -1;
};

Measurement measure(AttentionFn fn, const AttentionOptions &options,
                    int64_t seq) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  auto random = [&](int64_t count) {
    std::vector<float> values(count);
    for (float &v : values)
      v = dist(rng);
    return values;
  };
  std::vector<float> q = random(seq * options.heads * options.headDim),
                     k = random(seq * options.kvHeads * options.headDim),
                     v = random(seq * options.kvHeads * options.headDim);
  auto call = [&](int64_t rows) {
    MemRef3 qm = viewOf(q, rows, options.heads, options.headDim),
            km = viewOf(k, rows, options.kvHeads, options.headDim),
            vm = viewOf(v, rows, options.kvHeads, options.headDim), result;
    fn(&result, &qm, &km, &vm);
    std::free(result.allocated);
  };
  // The warm-up starts the thread team and faults the code in; a short
  // sequence keeps it cheap at 16k.
  call(std::min<int64_t>(seq, 256));

  Measurement m;
  std::optional<int64_t> before = statusKiB("VmRSS");
  bool reset = resetPeakResident();
  std::vector<double> times;
  for (int64_t rep = 0; rep < options.repetitions; ++rep) {
    double start = now();
    call(seq);
    times.push_back((now() - start) * 1e3);
  }
  std::optional<int64_t> peak = statusKiB("VmHWM");
  if (reset && before && peak)
    m.peakMiB = double(*peak - *before) / 1024;
  for (double t : times)
    m.meanMs += t / times.size();
  for (double t : times)
    m.stddevMs += (t - m.meanMs) * (t - m.meanMs);
  m.stddevMs =
      times.size() > 1 ? std::sqrt(m.stddevMs / (times.size() - 1)) : 0.0;
  return m;
}

} // namespace

int runAttentionBench(int argc, char **argv) {
  AttentionOptions options;
  bool help = false;
  std::string error;
  if (!parseAttentionOptions(argc, argv, options, help, error)) {
    std::fprintf(stderr,
                 "attn-bench: error: %s\n(run attn-bench --attention "
                 "--help)\n",
                 error.c_str());
    return 2;
  }
  if (help) {
    std::fputs(kAttentionUsage, stdout);
    return 0;
  }

  // A fixed threshold (glibc raises it after each large free otherwise)
  // sends every buffer of 64 KiB or more to mmap and back to the system on
  // free, so that the resident set counts each call's buffers afresh.
  mallopt(M_MMAP_THRESHOLD, 64 << 10);
  mallopt(M_TRIM_THRESHOLD, 64 << 10);
  const char *threads = std::getenv("OMP_NUM_THREADS");
  std::printf("attention: causal f32, heads %lld, kv_heads %lld, head_dim "
              "%lld, threads %s\n",
              (long long)options.heads, (long long)options.kvHeads,
              (long long)options.headDim, threads ? threads : "all");
  std::printf("peak MiB: resident memory the calls added (inputs excluded; "
              "the output is %.3f MiB per 1k tokens)\n\n",
              1024.0 * options.heads * options.headDim * 4 / (1 << 20));
  std::printf("| mode | seq | time ms | peak MiB |\n");
  std::printf("| --- | --- | --- | --- |\n");
  struct Variant {
    const char *name;
    bool wanted, fused, vectorized;
  };
  for (Variant variant : {Variant{"fused", options.fused, true, true},
                          Variant{"scalar", options.scalar, true, false},
                          Variant{"unfused", options.unfused, false, false}}) {
    if (!variant.wanted)
      continue;
    const char *name = variant.name;
    CompiledFunction library;
    mlir::attn::CPUPipelineOptions pipeline;
    pipeline.tileAttention = variant.fused;
    pipeline.vectorizeAttention = variant.vectorized;
    if (!library.compile(attentionSource(options), "attention", pipeline,
                         error)) {
      std::fprintf(stderr,
                   "attn-bench: error: compiling the %s attention: %s\n", name,
                   error.c_str());
      return 1;
    }
    for (int64_t seq : options.seqs) {
      Measurement m = measure(library.get<AttentionFn>(), options, seq);
      std::printf("| %s | %lld | %.2f ± %.2f | ", name, (long long)seq,
                  m.meanMs, m.stddevMs);
      if (m.peakMiB < 0)
        std::printf("n/a |\n");
      else
        std::printf("%.1f |\n", m.peakMiB);
      std::fflush(stdout);
    }
  }
  return 0;
}

} // namespace attn::bench
