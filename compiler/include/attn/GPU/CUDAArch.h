//===- CUDAArch.h - What the CUDA backend knows of each GPU -----*- C++ -*-===//
//
// The NVIDIA architectures the CUDA backend compiles for, and the limits of
// each that the compiler checks kernels against.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_GPU_CUDAARCH_H
#define ATTN_GPU_CUDAARCH_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mlir {
namespace attn {

struct CUDAArch {
  /// The name on the command line and in PTX (`sm_90`).
  llvm::StringRef name;
  /// The compute capability (9, 0 for sm_90).
  unsigned major, minor;
  /// The most shared memory one block may use, static and dynamic together
  /// (the opt-in limit of the CUDA programming guide).
  int64_t maxSharedMemoryPerBlock;
  /// The architecture-specific target whose features (sm_90a: wgmma) the
  /// kernels may use for this GPU, empty where there is none. Code for it
  /// runs on exactly this compute capability, no later one.
  llvm::StringRef featureTarget;

  /// Whether this is an architecture-specific target: its kernels may use
  /// wgmma, and run on compute capability major.minor only.
  bool isFeatureTarget() const { return name == featureTarget; }
};

/// Static shared memory (`.shared` declarations) a PTX kernel may have; more
/// must be dynamic.
constexpr int64_t kMaxStaticSharedMemory = 48 * 1024;

/// The architecture named `name` (`sm_80`, `sm_86`, `sm_89`, `sm_90`,
/// `sm_90a`).
std::optional<CUDAArch> lookupCUDAArch(llvm::StringRef name);

/// The architectures `lookupCUDAArch` knows, for messages ("sm_80, ...").
llvm::StringRef knownCUDAArchs();

} // namespace attn
} // namespace mlir

#endif // ATTN_GPU_CUDAARCH_H
