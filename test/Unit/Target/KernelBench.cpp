//===- KernelBench.cpp - Compiled matmul throughput against the host limits ==//
//
// attn-kernel-bench: compiles attn.linear through the CPU pipeline, times
// prefill-shaped GEMMs and the decode GEMV, and prints each next to the
// limit it is measured against: the peak AVX-512 FMA rate of all threads
// (independent fused multiply-add chains) for GEMMs, and the read bandwidth
// of all threads over a buffer far larger than the caches for the GEMV.
//
//   attn-kernel-bench [threads]   (default: OMP_NUM_THREADS, else all cores)
//
//===----------------------------------------------------------------------===//

#include "CompiledLibrary.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace attn_test;

namespace {

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Runs `body(thread)` on `threads` threads at once; the wall time.
template <typename Body> double onThreads(int threads, Body body) {
  std::vector<std::thread> pool;
  double start = now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { body(t); });
  for (std::thread &thread : pool)
    thread.join();
  return now() - start;
}

/// 24 independent chains of 16-lane FMAs: FMA throughput, not latency.
__attribute__((target("avx512f"))) float fmaChains(int64_t iterations) {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t n = 0; n < iterations; ++n)
    for (int i = 0; i < 24; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 sum = acc[0];
  for (int i = 1; i < 24; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

double peakGflops(int threads) {
  int64_t iterations = 20'000'000;
  volatile float sink = 0;
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep)
    best = std::min(best, onThreads(threads, [&](int) {
                      sink = sink + fmaChains(iterations);
                    }));
  return 2.0 * 16 * 24 * iterations * threads / best / 1e9;
}

__attribute__((target("avx512f"))) float readAll(const float *data,
                                                 int64_t count) {
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(),
                   _mm512_setzero_ps(), _mm512_setzero_ps()};
  for (int64_t i = 0; i + 64 <= count; i += 64)
    for (int j = 0; j < 4; ++j)
      acc[j] = _mm512_add_ps(acc[j], _mm512_loadu_ps(data + i + 16 * j));
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[1]),
                                            _mm512_add_ps(acc[2], acc[3])));
}

double readBandwidth(int threads) {
  // 512 MiB per thread: well beyond the last-level cache.
  int64_t perThread = int64_t(512) << 20 >> 2;
  std::vector<float> data(perThread * threads, 1.0f);
  volatile float sink = 0;
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep)
    best = std::min(best, onThreads(threads, [&](int t) {
                      sink = sink +
                             readAll(data.data() + t * perThread, perThread);
                    }));
  return 4.0 * perThread * threads / best / 1e9;
}

using LinearFn = void (*)(MemRef<2> *, MemRef<2> *, MemRef<2> *);
using PanelFn = void (*)(MemRef<3> *, MemRef<2> *, MemRef<3> *);

/// What --attn-pack-weights makes of attn.linear with a [out, 2048] weight
/// in panels of 64 columns.
const char *const kPanelLinear = R"mlir(
  #x = affine_map<(m, p, j, k) -> (m, k)>
  #w = affine_map<(m, p, j, k) -> (p, k, j)>
  #c = affine_map<(m, p, j, k) -> (m, p, j)>
  func.func @f(%x: tensor<?x2048xf32>, %w: tensor<?x2048x64xf32>) -> tensor<?x?x64xf32>
      attributes {llvm.emit_c_interface} {
    %c0 = arith.constant 0 : index
    %m = tensor.dim %x, %c0 : tensor<?x2048xf32>
    %p = tensor.dim %w, %c0 : tensor<?x2048x64xf32>
    %e = tensor.empty(%m, %p) : tensor<?x?x64xf32>
    %z = arith.constant 0.0 : f32
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
    %r = linalg.generic {indexing_maps = [#x, #w, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<?x2048xf32>, tensor<?x2048x64xf32>) outs(%f : tensor<?x?x64xf32>) {
    ^bb0(%in: f32, %wt: f32, %acc: f32):
      %pr = arith.mulf %in, %wt : f32
      %s = arith.addf %acc, %pr : f32
      linalg.yield %s : f32
    } -> tensor<?x?x64xf32>
    return %r : tensor<?x?x64xf32>
  })mlir";

/// Best time of `reps` calls of x [rows, in] . the panels of w[out, in].
double timePanelLinear(PanelFn fn, int64_t rows, int64_t in, int64_t out,
                       int reps) {
  std::mt19937 rng(1);
  auto x = randomValues(rng, rows * in), w = randomValues(rng, out * in);
  MemRef<2> xm = viewOf<2>(x, {rows, in});
  MemRef<3> wm = viewOf<3>(w, {out / 64, in, 64});
  double best = 1e30;
  for (int rep = 0; rep <= reps; ++rep) {
    MemRef<3> result;
    double start = now();
    fn(&result, &xm, &wm);
    double elapsed = now() - start;
    free(result.allocated);
    if (rep > 0)
      best = std::min(best, elapsed);
  }
  return best;
}

/// Best time of `reps` calls of x [rows, in] . w[out, in]^T.
double timeLinear(LinearFn fn, int64_t rows, int64_t in, int64_t out,
                  int reps) {
  std::mt19937 rng(1);
  auto x = randomValues(rng, rows * in), w = randomValues(rng, out * in);
  MemRef<2> xm = viewOf<2>(x, {rows, in}), wm = viewOf<2>(w, {out, in});
  double best = 1e30;
  for (int rep = 0; rep <= reps; ++rep) {
    MemRef<2> result;
    double start = now();
    fn(&result, &xm, &wm);
    double elapsed = now() - start;
    free(result.allocated);
    if (rep > 0) // the first call is the warm-up
      best = std::min(best, elapsed);
  }
  return best;
}

} // namespace

int main(int argc, char **argv) {
  int threads = int(std::thread::hardware_concurrency());
  if (const char *env = std::getenv("OMP_NUM_THREADS"))
    threads = std::atoi(env);
  if (argc > 1)
    threads = std::atoi(argv[1]);
  if (threads < 1) {
    std::fprintf(stderr, "attn-kernel-bench: threads must be >= 1\n");
    return 1;
  }
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);

  std::string error;
  auto library = CompiledLibrary::compile(R"mlir(
    func.func @f(%x: tensor<?x2048xf32>, %w: tensor<?x2048xf32>) -> tensor<?x?xf32>
        attributes {llvm.emit_c_interface} {
      %r = attn.linear %x, %w : (tensor<?x2048xf32>, tensor<?x2048xf32>) -> tensor<?x?xf32>
      return %r : tensor<?x?xf32>
    })mlir",
                                          {}, error);
  if (!library) {
    std::fprintf(stderr, "attn-kernel-bench: %s\n", error.c_str());
    return 1;
  }
  auto fn = reinterpret_cast<LinearFn>(library->symbol("_mlir_ciface_f"));
  auto panelLibrary = CompiledLibrary::compile(kPanelLinear, {}, error);
  if (!panelLibrary) {
    std::fprintf(stderr, "attn-kernel-bench: %s\n", error.c_str());
    return 1;
  }
  auto panelFn =
      reinterpret_cast<PanelFn>(panelLibrary->symbol("_mlir_ciface_f"));

  double peak = peakGflops(threads);
  double bandwidth = readBandwidth(threads);
  std::printf("threads %d: peak f32 FMA %.1f GFLOP/s, read bandwidth %.1f "
              "GB/s\n",
              threads, peak, bandwidth);
  const int64_t gemms[][3] = {{128, 2048, 8192}, {512, 2048, 2048}};
  for (const auto &shape : gemms) {
    double seconds = timeLinear(fn, shape[0], shape[1], shape[2], 3);
    double gflops = 2.0 * shape[0] * shape[1] * shape[2] / seconds / 1e9;
    std::printf("gemm %lldx%lld . (%lldx%lld)^T f32: %.1f ms, %.1f GFLOP/s, "
                "%.0f%% of peak\n",
                (long long)shape[0], (long long)shape[1], (long long)shape[2],
                (long long)shape[1], seconds * 1e3, gflops,
                100 * gflops / peak);
  }
  for (const auto &shape : gemms) {
    double seconds = timePanelLinear(panelFn, shape[0], shape[1], shape[2], 3);
    double gflops = 2.0 * shape[0] * shape[1] * shape[2] / seconds / 1e9;
    std::printf("panel gemm %lldx%lld . (%lldx%lld)^T f32: %.1f ms, %.1f "
                "GFLOP/s, %.0f%% of peak\n",
                (long long)shape[0], (long long)shape[1], (long long)shape[2],
                (long long)shape[1], seconds * 1e3, gflops,
                100 * gflops / peak);
  }
  // Decode streams every weight once per token: 16 distinct matrices
  // (1 GiB, more than the last-level cache) are read in turn.
  int64_t out = 8192, in = 2048, matrices = 16;
  std::mt19937 rng(2);
  auto x = randomValues(rng, in);
  std::vector<std::vector<float>> weights;
  for (int64_t i = 0; i < matrices; ++i)
    weights.push_back(std::vector<float>(out * in, 0.5f));
  MemRef<2> xm = viewOf<2>(x, {1, in});
  double best = 1e30;
  for (int rep = 0; rep < 4; ++rep) {
    double start = now();
    for (std::vector<float> &w : weights) {
      MemRef<2> wm = viewOf<2>(w, {out, in}), result;
      fn(&result, &xm, &wm);
      free(result.allocated);
    }
    best = std::min(best, (now() - start) / matrices);
  }
  double seconds = best;
  double gbs = 4.0 * in * out / seconds / 1e9;
  std::printf("gemv 1x%lld . (%lldx%lld)^T f32: %.2f ms, %.1f GB/s of "
              "weights, %.0f%% of read bandwidth\n",
              (long long)in, (long long)out, (long long)in, seconds * 1e3, gbs,
              100 * gbs / bandwidth);
  // The same on the panel layout (the values are all equal, so the same
  // buffers serve as panels).
  best = 1e30;
  for (int rep = 0; rep < 4; ++rep) {
    double start = now();
    for (std::vector<float> &w : weights) {
      MemRef<3> wm = viewOf<3>(w, {out / 64, in, 64}), result;
      panelFn(&result, &xm, &wm);
      free(result.allocated);
    }
    best = std::min(best, (now() - start) / matrices);
  }
  gbs = 4.0 * in * out / best / 1e9;
  std::printf("panel gemv 1x%lld . (%lldx%lld)^T f32: %.2f ms, %.1f GB/s of "
              "weights, %.0f%% of read bandwidth\n",
              (long long)in, (long long)out, (long long)in, best * 1e3, gbs,
              100 * gbs / bandwidth);
  return 0;
}
