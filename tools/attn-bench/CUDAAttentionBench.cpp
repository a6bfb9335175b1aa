//===- CUDAAttentionBench.cpp - attn-bench --attention --target=cuda ------===//
//
// The attention is compiled into a library the way attnc --target=cuda
// links a model (compileToCUDALibrary: the CUDA pipeline, embedded kernels,
// the runtime's launch functions), so what is timed is what a model's
// attention runs. Its buffers are cuMemAlloc'd through the runtime's driver
// wrapper (runtime/lib/cuda), the process's only link to the GPU; a
// machine without a driver still compiles the kernels, then stops.
//
// Each call of the library is synchronous (it returns once its kernels
// have finished), so the time of a call is the host's wall clock around
// it, launches included.
//
//===----------------------------------------------------------------------===//

#include "CUDAAttentionBench.h"
#include "AttentionInputs.h"
#include "AttentionReference.h"
#include "AttentionSource.h"
#include "GPUPeak.h"
#include "Statistics.h"

#include "CUDADevice.h"
#include "CUDADriver.h"

#include "attn/Driver/CompiledFunction.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace attn::bench {

namespace {

using CUDAAttentionFn = int32_t (*)(MemRef3 *, MemRef3 *, MemRef3 *, MemRef3 *);

/// (row, head) outputs of the warm-up call checked against the reference,
/// and the tolerance, relative to the row's largest value: bf16 products
/// (what tensor-core kernels compute in) are off by up to 2^-8 each.
constexpr int kSamples = 32;
constexpr double kTolerance = 2e-2;

int fail(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "attn-bench: error: %s\n", message.c_str());
  return 1;
}

double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct GPUInfo {
  std::string name = "unknown GPU";
  int major = 0, minor = 0;
};

/// GPU 0 as the driver describes it; the driver is loaded (checkDevice
/// succeeded).
GPUInfo describeGPU0() {
  GPUInfo info;
  const cuda::Driver *d = cuda::driver();
  cuda::CUdevice device = 0;
  char name[256] = {};
  if (!d || d->deviceGet(&device, 0) != cuda::kSuccess)
    return info;
  if (d->deviceGetName(name, sizeof(name) - 1, device) == cuda::kSuccess &&
      name[0])
    info.name = name;
  d->deviceGetAttribute(&info.major, cuda::kAttributeComputeCapabilityMajor,
                        device);
  d->deviceGetAttribute(&info.minor, cuda::kAttributeComputeCapabilityMinor,
                        device);
  return info;
}

/// Allocates `buffer` and copies `host` into it.
bool toDevice(cuda::DeviceBuffer &buffer, const std::vector<float> &host,
              std::string &error) {
  size_t bytes = host.size() * sizeof(float);
  return buffer.allocate(bytes, /*zero=*/false, error) &&
         buffer.upload(host.data(), bytes, error);
}

void printHeader(const AttentionOptions &options, const GPUInfo &gpu,
                 const std::optional<GPUPeak> &peak) {
  std::printf("device: GPU 0, %s, compute capability %d.%d\n", gpu.name.c_str(),
              gpu.major, gpu.minor);
  if (peak)
    std::printf("limit: dense bf16 tensor-core peak of the %s, %.0f TFLOP/s "
                "(NVIDIA's datasheet, without sparsity)\n",
                peak->product.c_str(), peak->denseBF16TFlops);
  else
    std::printf("limit: no peak known for '%s': the TFLOP/s below are "
                "measured, not compared with a limit\n",
                gpu.name.c_str());
  std::printf("FLOP per call: 4 x seq^2 x heads x head_dim / 2 (Q.K^T and "
              "P.V over the causal half; softmax not counted)\n");
  std::printf("time: wall clock of one synchronous call (with its launches "
              "and the allocations of its intermediate buffers), mean ± "
              "stddev over -r %lld calls after a warm-up call\n",
              (long long)options.repetitions);
  std::printf("numerics: the warm-up call's output (set to NaN before it) "
              "on %d sampled (row, head) against a double-precision "
              "reference; an error above %g x the row's max |ref| stops "
              "the run\n\n",
              kSamples, kTolerance);
  std::printf("| seq | time ms | TFLOP/s | of peak | max err / row max |\n");
  std::printf("| --- | --- | --- | --- | --- |\n");
}

/// Runs, checks and times one length; prints its row. The exit status.
int measure(CUDAAttentionFn fn, const AttentionOptions &options, int64_t seq,
            const std::optional<GPUPeak> &peak) {
  std::string where = "seq " + std::to_string(seq) + ": ", error;
  AttentionInputs inputs = makeAttentionInputs(options, seq);
  // NaN until the kernels write it, so that an output they never wrote
  // cannot pass the check.
  std::vector<float> out(inputs.q.size(), NAN);
  cuda::DeviceBuffer q, k, v, o;
  if (!toDevice(q, inputs.q, error) || !toDevice(k, inputs.k, error) ||
      !toDevice(v, inputs.v, error) || !toDevice(o, out, error))
    return fail(where + error);
  auto view = [&](const cuda::DeviceBuffer &buffer, int64_t heads) {
    return viewOf(static_cast<float *>(buffer.data()), seq, heads,
                  options.headDim);
  };
  MemRef3 qm = view(q, options.heads), km = view(k, options.kvHeads),
          vm = view(v, options.kvHeads), om = view(o, options.heads);
  auto call = [&]() -> bool {
    int32_t status = fn(&qm, &km, &vm, &om);
    if (status != 0)
      error = where + "the attention call returned " + std::to_string(status) +
              " (" + cuda::describeStatus(status) + ")";
    return status == 0;
  };

  if (!call())
    return fail(error);
  if (!o.download(out.data(), out.size() * sizeof(float), error))
    return fail(where + error);
  NumericsCheck check =
      checkSampledRows(options, seq, inputs, out, kSamples, kTolerance);
  if (!check.failure.empty())
    return fail(where + "the attention's output is wrong: " + check.failure +
                "; no time is reported for a wrong result");

  std::vector<double> times;
  for (int64_t rep = 0; rep < options.repetitions; ++rep) {
    double start = now();
    if (!call())
      return fail(error);
    times.push_back(now() - start);
  }
  auto [mean, stddev] = summarize(times);
  double flop = 4.0 * seq * seq * options.heads * options.headDim / 2;
  double tflops = flop / mean / 1e12;
  std::printf("| %lld | %.3f ± %.3f | %.2f | ", (long long)seq, mean * 1e3,
              stddev * 1e3, tflops);
  if (peak)
    std::printf("%.1f%% |", 100 * tflops / peak->denseBF16TFlops);
  else
    std::printf("n/a |");
  std::printf(" %.1e |\n", check.worst);
  std::fflush(stdout);
  return 0;
}

} // namespace

int runCUDAAttentionBench(const AttentionOptions &options) {
  mlir::attn::CUDATargetOptions target;
  target.arch = options.cudaArch;
  // What CUDAKernelFormat::Auto, the default, embeds.
  bool cubin = mlir::attn::findPtxas(target.toolkitPath).has_value();
  std::printf("attention: causal f32, heads %lld, kv_heads %lld, head_dim "
              "%lld, CUDA %s (kernels as %s)\n",
              (long long)options.heads, (long long)options.kvHeads,
              (long long)options.headDim, options.cudaArch.c_str(),
              cubin ? "a cubin" : "PTX");
  std::fflush(stdout);

  mlir::attn::CompiledFunction library;
  std::string error;
  if (!library.compileForCUDA(cudaAttentionSource(options), "attention", target,
                              error))
    return fail("compiling the attention for CUDA " + options.cudaArch + ": " +
                error);
  std::printf("compiled: the CUDA pipeline's kernels and host code, linked "
              "with the launch functions\n");

  if (!cuda::checkDevice("the attention kernels", options.cudaArch, cubin,
                         error))
    return fail(error);
  GPUInfo gpu = describeGPU0();
  std::optional<GPUPeak> peak = lookupGPUPeak(gpu.name);
  printHeader(options, gpu, peak);
  for (int64_t seq : options.seqs)
    if (int status =
            measure(library.get<CUDAAttentionFn>(), options, seq, peak))
      return status;
  return 0;
}

} // namespace attn::bench
