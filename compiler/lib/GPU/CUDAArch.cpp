//===- CUDAArch.cpp - What the CUDA backend knows of each GPU -------------===//

#include "attn/GPU/CUDAArch.h"

using namespace mlir;
using namespace mlir::attn;

/// Opt-in shared memory per block, from the CUDA C++ Programming Guide's
/// table of technical specifications per compute capability.
static constexpr CUDAArch kArchs[] = {
    {"sm_80", 8, 0, 163 * 1024, ""},
    {"sm_86", 8, 6, 99 * 1024, ""},
    {"sm_89", 8, 9, 99 * 1024, ""},
    {"sm_90", 9, 0, 227 * 1024, "sm_90a"},
    {"sm_90a", 9, 0, 227 * 1024, "sm_90a"},
};

std::optional<CUDAArch> mlir::attn::lookupCUDAArch(llvm::StringRef name) {
  for (const CUDAArch &arch : kArchs)
    if (arch.name == name)
      return arch;
  return std::nullopt;
}

llvm::StringRef mlir::attn::knownCUDAArchs() {
  return "sm_80, sm_86, sm_89, sm_90, sm_90a";
}
