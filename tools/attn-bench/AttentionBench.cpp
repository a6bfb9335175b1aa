//===- AttentionBench.cpp - attn-bench --attention ------------------------===//
//
// A lone attn.attention is not a model library attnc writes, and the
// unfused variant needs a pipeline option attnc does not expose, so the
// variants are compiled here from a few lines of MLIR (--target=cuda goes
// on in CUDAAttentionBench.cpp). On the CPU, peak memory is the high-water mark
// of the resident set, reset through /proc/self/clear_refs before each length,
// so it counts what the call itself touched (scores, tiles, the output).
//
//===----------------------------------------------------------------------===//

#include "AttentionBench.h"
#include "AttentionInputs.h"
#include "AttentionOptions.h"
#include "AttentionReference.h"
#include "AttentionSource.h"
#include "CUDAAttentionBench.h"
#include "Statistics.h"

#include "attn/Driver/CompiledFunction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <malloc.h>
#include <optional>
#include <string>
#include <vector>

namespace attn::bench {

namespace {

/// `_mlir_ciface_attention(result, q, k, v)` of attentionSource.
using AttentionFn = void (*)(MemRef3 *, MemRef3 *, MemRef3 *, MemRef3 *);

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
  /// Set when the warm-up call's output differs from the reference.
  std::string wrong;
};

/// The warm-up call's rows checked against the double-precision reference;
/// f32 throughout, so the tolerance is far below bf16's.
constexpr int kCheckedSamples = 32;
constexpr double kTolerance = 1e-3;

/// The [rows, heads, head_dim] result the compiled code returned, densely.
std::vector<float> copyOf(const MemRef3 &result) {
  std::vector<float> dense;
  dense.reserve(result.sizes[0] * result.sizes[1] * result.sizes[2]);
  for (int64_t r = 0; r < result.sizes[0]; ++r)
    for (int64_t h = 0; h < result.sizes[1]; ++h)
      for (int64_t d = 0; d < result.sizes[2]; ++d)
        dense.push_back(
            result.aligned[result.offset + r * result.strides[0] +
                           h * result.strides[1] + d * result.strides[2]]);
  return dense;
}

Measurement measure(AttentionFn fn, const AttentionOptions &options,
                    int64_t seq) {
  AttentionInputs inputs = makeAttentionInputs(options, seq);
  auto call = [&](int64_t rows, std::vector<float> *out = nullptr) {
    MemRef3 qm = viewOf(inputs.q.data(), rows, options.heads, options.headDim),
            km =
                viewOf(inputs.k.data(), rows, options.kvHeads, options.headDim),
            vm =
                viewOf(inputs.v.data(), rows, options.kvHeads, options.headDim),
            result;
    fn(&result, &qm, &km, &vm);
    if (out)
      *out = copyOf(result);
    std::free(result.allocated);
  };
  // The warm-up starts the thread team and faults the code in; a short
  // sequence keeps it cheap at 16k. The first rows of the inputs are an
  // attention of their own, which the reference checks.
  int64_t warmUpRows = std::min<int64_t>(seq, 256);
  std::vector<float> out;
  call(warmUpRows, &out);
  Measurement m;
  NumericsCheck check = checkSampledRows(options, warmUpRows, inputs, out,
                                         kCheckedSamples, kTolerance);
  if (!check.failure.empty()) {
    m.wrong = "the warm-up call over " + std::to_string(warmUpRows) +
              " rows: " + check.failure;
    return m;
  }

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
  MeanAndDeviation summary = summarize(times);
  m.meanMs = summary.mean;
  m.stddevMs = summary.stddev;
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
  if (options.target == AttentionTarget::CUDA)
    return runCUDAAttentionBench(options);

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
              "the output is %.3f MiB per 1k tokens)\n",
              1024.0 * options.heads * options.headDim * 4 / (1 << 20));
  std::printf("numerics: the warm-up call's output (up to 256 rows) on %d "
              "sampled (row, head) against a double-precision reference; an "
              "error above %g x the row's max |ref| stops the run\n\n",
              kCheckedSamples, kTolerance);
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
    mlir::attn::CompiledFunction library;
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
      if (!m.wrong.empty()) {
        std::fflush(stdout);
        std::fprintf(stderr,
                     "attn-bench: error: the %s attention's output is wrong "
                     "(%s); no time is reported for a wrong result\n",
                     name, m.wrong.c_str());
        return 1;
      }
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
