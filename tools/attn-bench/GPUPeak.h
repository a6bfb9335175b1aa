//===- GPUPeak.h - Datasheet limits of the GPUs attnc targets ---*- C++ -*-===//
//
// A GPU's peak cannot be measured by a microbenchmark this tool carries (as
// the CPU's FMA rate is), so the TFLOP/s of --attention --target=cuda are
// set against the vendor's figure, taken from the device name the driver
// reports; a GPU not listed gets no comparison rather than a guess.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TOOLS_ATTN_BENCH_GPUPEAK_H
#define ATTN_TOOLS_ATTN_BENCH_GPUPEAK_H

#include <optional>
#include <string>

namespace attn::bench {

struct GPUPeak {
  /// Dense (no structured sparsity) bf16 tensor-core TFLOP/s.
  double denseBF16TFlops;
  /// Which product the figure is for ("H100/H200 SXM").
  std::string product;
};

/// The peak of the GPU the driver names `deviceName` ("NVIDIA H200"), if
/// this table has it.
std::optional<GPUPeak> lookupGPUPeak(const std::string &deviceName);

} // namespace attn::bench

#endif // ATTN_TOOLS_ATTN_BENCH_GPUPEAK_H
