//===- MatmulBench.cpp - attn-bench --matmul ------------------------------===//
//
// C[m, n] = A[m, k] . W[n, k]^T with W in the panel layout of
// --attn-pack-weights (P[n / w, k, w]), compiled through the CPU pipeline
// exactly as a model's linear is after packing. The peak FMA throughput is
// measured again right before each shape, on as many threads, so that the
// fraction compares two figures taken under the same load. Sampled entries
// of the result are checked against double-precision dot products first.
//
//===----------------------------------------------------------------------===//

#include "MatmulBench.h"
#include "ModeArguments.h"
#include "Statistics.h"

#include "attn/Driver/CompiledFunction.h"

#include "attn/Limits/CpuInfo.h"
#include "attn/Limits/PeakFlops.h"
#include "common/ParseNumber.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <time.h>
#include <vector>

namespace attn::bench {

const char kMatmulUsage[] = R"(usage:
  attn-bench --matmul [-m N] [--shapes NxK,NxK,...] [--threads N] [-r N]

One f32 matmul C[m, n] = A[m, k] . W[n, k]^T with W packed in panels, as
a model's attn.linear runs after --attn-pack-weights and
--attn-vectorize-matmul, compiled on the fly through the CPU pipeline. For
each shape: the time of one call (mean +- stddev over -r calls after a
warm-up), the CPU time of the process per call (with one thread, the
kernel's cost even on a busy machine; with more, it includes threads
waiting), GFLOP/s, and the fraction of the peak f32 FMA throughput measured
on the same threads just before.

  -m N             rows of A: the prompt length (default 512)
  --shapes LIST    output x input features (default the linears of
                   Llama 3.2 1B: 2048x2048,512x2048,8192x2048,2048x8192)
  --threads N      threads of the matmul and of the peak (default every
                   processor)
  -r N             timed calls per shape (default 5)
)";

namespace {

/// Output columns per panel: four AVX-512 vectors, as the CPU pipeline packs.
constexpr int64_t kPanelWidth = 64;
/// The largest dimension accepted: beyond it the buffers exceed memory.
constexpr int64_t kMaxDim = int64_t(1) << 20;

struct Shape {
  int64_t n, k;
};

struct MatmulOptions {
  int64_t m = 512, threads = 0, repetitions = 5;
  std::vector<Shape> shapes = {
      {2048, 2048}, {512, 2048}, {8192, 2048}, {2048, 8192}};
};

bool parseDim(const std::string &flag, const std::string &text, int64_t &result,
              std::string &error) {
  if (!tools::parseInt(flag, text, 1, result, error))
    return false;
  if (result > kMaxDim) {
    error = flag + ": " + text + " is above " + std::to_string(kMaxDim);
    return false;
  }
  return true;
}

bool parseShapes(const std::string &text, std::vector<Shape> &shapes,
                 std::string &error) {
  shapes.clear();
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    size_t cross = item.find('x');
    Shape shape;
    if (cross == std::string::npos ||
        !parseDim("--shapes", item.substr(0, cross), shape.n, error) ||
        !parseDim("--shapes", item.substr(cross + 1), shape.k, error)) {
      if (cross == std::string::npos)
        error = "--shapes: '" + item + "' is not NxK";
      return false;
    }
    if (shape.n % kPanelWidth != 0) {
      error = "--shapes: " + item + ": N must be a multiple of the panel " +
              "width " + std::to_string(kPanelWidth);
      return false;
    }
    shapes.push_back(shape);
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

bool parseMatmulOptions(int argc, char **argv, MatmulOptions &options,
                        bool &help, std::string &error) {
  for (int i = 2; i < argc; ++i) {
    std::string flag, value;
    if (!readModeArgument(argc, argv, i, {"-m", "--shapes", "--threads", "-r"},
                          flag, value, error))
      return false;
    if (flag == "-h" || flag == "--help") {
      help = true;
      return true;
    }
    bool ok = true;
    if (flag == "-m")
      ok = parseDim(flag, value, options.m, error);
    else if (flag == "--shapes")
      ok = parseShapes(value, options.shapes, error);
    else if (flag == "--threads")
      ok = parseDim(flag, value, options.threads, error);
    else if (flag == "-r")
      ok = parseDim(flag, value, options.repetitions, error);
    else {
      error = "unknown option '" + std::string(argv[i]) + "' for --matmul";
      return false;
    }
    if (!ok)
      return false;
  }
  return true;
}

/// The panel contraction of PackWeights.cpp on a fresh zeroed C.
std::string matmulSource(Shape shape) {
  std::string p = std::to_string(shape.n / kPanelWidth),
              k = std::to_string(shape.k), w = std::to_string(kPanelWidth);
  std::string a = "tensor<?x" + k + "xf32>",
              panels = "tensor<" + p + "x" + k + "x" + w + "xf32>",
              c = "tensor<?x" + p + "x" + w + "xf32>";
  return R"(#a = affine_map<(m, p, j, k) -> (m, k)>
#w = affine_map<(m, p, j, k) -> (p, k, j)>
#c = affine_map<(m, p, j, k) -> (m, p, j)>
func.func @matmul(%a: )" +
         a + ", %w: " + panels + ") -> " + c +
         R"( attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = tensor.dim %a, %c0 : )" +
         a + R"(
  %empty = tensor.empty(%m) : )" +
         c + R"(
  %init = linalg.fill ins(%zero : f32) outs(%empty : )" +
         c + ") -> " + c + R"(
  %r = linalg.generic {indexing_maps = [#a, #w, #c],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %w : )" +
         a + ", " + panels + ") outs(%init : " + c + R"() {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %product = arith.mulf %x, %y : f32
    %sum = arith.addf %acc, %product : f32
    linalg.yield %sum : f32
  } -> )" +
         c + R"(
  return %r : )" +
         c + "\n}\n";
}

template <int Rank> struct MemRef {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

using MatmulFn = void (*)(MemRef<3> *, MemRef<2> *, MemRef<3> *);

/// Compares 256 entries of C, spread over its rows and columns (the first
/// and last of each included), with dot products in double.
bool checkSampledEntries(const MemRef<3> &c, const std::vector<float> &a,
                         const std::vector<float> &w, int64_t m, Shape shape,
                         std::string &error) {
  constexpr int kSamples = 16;
  for (int i = 0; i < kSamples; ++i) {
    int64_t row = (m - 1) * i / (kSamples - 1);
    for (int j = 0; j < kSamples; ++j) {
      int64_t col = (shape.n - 1) * j / (kSamples - 1);
      int64_t panel = col / kPanelWidth, lane = col % kPanelWidth;
      double expected = 0, magnitude = 0;
      for (int64_t k = 0; k < shape.k; ++k) {
        double term = double(a[row * shape.k + k]) *
                      double(w[(panel * shape.k + k) * kPanelWidth + lane]);
        expected += term;
        magnitude += std::fabs(term);
      }
      double got = c.aligned[c.offset + row * c.strides[0] +
                             panel * c.strides[1] + lane * c.strides[2]];
      // f32 accumulation over k terms: an error bound of a few ulps of the
      // sum of magnitudes per term is far above rounding, far below a bug.
      if (!(std::fabs(got - expected) <= 1e-5 * magnitude)) {
        error = "C[" + std::to_string(row) + ", " + std::to_string(col) +
                "] is " + std::to_string(got) + ", expected " +
                std::to_string(expected);
        return false;
      }
    }
  }
  return true;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Seconds of CPU the whole process has used: on a loaded machine the
/// kernel's own cost, where wall time also counts the other processes.
double processCpuSeconds() {
  timespec time;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
  return double(time.tv_sec) + double(time.tv_nsec) * 1e-9;
}

} // namespace

int runMatmulBench(int argc, char **argv) {
  MatmulOptions options;
  bool help = false;
  std::string error;
  if (!parseMatmulOptions(argc, argv, options, help, error)) {
    std::fprintf(stderr,
                 "attn-bench: error: %s\n(run attn-bench --matmul --help)\n",
                 error.c_str());
    return 2;
  }
  if (help) {
    std::fputs(kMatmulUsage, stdout);
    return 0;
  }
  int threads =
      options.threads ? int(options.threads) : limits::readCpuInfo().processors;
  // libomp reads it when the compiled code starts its first team.
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
  const limits::FmaKernel &kernel = limits::widestFmaKernel();
  std::printf("matmul: f32, m %lld, panels of %lld columns, %d threads, "
              "peak kernel %s\n\n",
              (long long)options.m, (long long)kPanelWidth, threads,
              kernel.isa);
  std::printf("| n x k | time ms | cpu ms | GFLOP/s | peak GFLOP/s | "
              "fraction |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (Shape shape : options.shapes) {
    mlir::attn::CompiledFunction function;
    if (!function.compile(matmulSource(shape), "matmul",
                          mlir::attn::CPUPipelineOptions(), error)) {
      std::fprintf(stderr,
                   "attn-bench: error: compiling the %lldx%lld "
                   "matmul: %s\n",
                   (long long)shape.n, (long long)shape.k, error.c_str());
      return 1;
    }
    std::vector<float> a(options.m * shape.k), w(shape.n * shape.k);
    for (float &v : a)
      v = dist(rng);
    for (float &v : w)
      v = dist(rng);
    int64_t numPanels = shape.n / kPanelWidth;
    MemRef<2> am{a.data(), a.data(), 0, {options.m, shape.k}, {shape.k, 1}};
    MemRef<3> wm{w.data(),
                 w.data(),
                 0,
                 {numPanels, shape.k, kPanelWidth},
                 {shape.k * kPanelWidth, kPanelWidth, 1}};
    auto call = [&] {
      MemRef<3> result;
      function.get<MatmulFn>()(&result, &am, &wm);
      std::free(result.allocated);
    };
    // The warm-up call's result is checked, so that no figure below is the
    // speed of a wrong kernel.
    MemRef<3> result;
    function.get<MatmulFn>()(&result, &am, &wm);
    bool correct = checkSampledEntries(result, a, w, options.m, shape, error);
    std::free(result.allocated);
    if (!correct) {
      std::fprintf(stderr, "attn-bench: error: the %lldx%lld matmul: %s\n",
                   (long long)shape.n, (long long)shape.k, error.c_str());
      return 1;
    }
    limits::PeakFlops peak;
    if (!limits::measurePeakFlops(kernel, threads, 0.05, 3, peak, error)) {
      std::fprintf(stderr, "attn-bench: error: %s\n", error.c_str());
      return 1;
    }
    std::vector<double> times;
    double cpuStart = processCpuSeconds();
    for (int64_t rep = 0; rep < options.repetitions; ++rep) {
      double start = now();
      call();
      times.push_back(now() - start);
    }
    double cpuPerCall =
        (processCpuSeconds() - cpuStart) / double(options.repetitions);
    auto [mean, stddev] = summarize(times);
    double gflops = 2.0 * options.m * shape.n * shape.k / mean / 1e9;
    std::printf("| %lldx%lld | %.3f ± %.3f | %.3f | %.1f | %.1f | %.1f%% |\n",
                (long long)shape.n, (long long)shape.k, mean * 1e3,
                stddev * 1e3, cpuPerCall * 1e3, gflops, peak.gflops,
                100 * gflops / peak.gflops);
    std::fflush(stdout);
  }
  return 0;
}

} // namespace attn::bench
