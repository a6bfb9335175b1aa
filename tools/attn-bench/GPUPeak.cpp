//===- GPUPeak.cpp - Datasheet limits of the GPUs attnc targets -----------===//

#include "GPUPeak.h"

namespace attn::bench {

std::optional<GPUPeak> lookupGPUPeak(const std::string &deviceName) {
  auto has = [&](const char *part) {
    return deviceName.find(part) != std::string::npos;
  };
  // NVIDIA's datasheets give these with sparsity (twice the dense figure).
  // Both A100 forms have the same tensor-core peak.
  if (has("A100"))
    return GPUPeak{312, "A100"};
  // The PCIe and NVL forms of H100/H200 run at lower clocks and power;
  // their figures differ by product, so they are left unknown.
  if (has("PCIe") || has("NVL"))
    return std::nullopt;
  if (has("H200"))
    return GPUPeak{989, "H200 SXM"};
  if (has("H100"))
    return GPUPeak{989, "H100 SXM"};
  return std::nullopt;
}

} // namespace attn::bench
