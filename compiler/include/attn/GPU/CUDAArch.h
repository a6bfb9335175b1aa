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
};

/// Static shared memory (`.shared` declarations) a PTX kernel may have; more
/// must be dynamic.
constexpr int64_t kMaxStaticSharedMemory = 48 * 1024;

/// The architecture named `name` (`sm_80`, `sm_86`, `sm_89`, `sm_90`).
std::optional<CUDAArch> lookupCUDAArch(llvm::StringRef name);

/// The architectures `lookupCUDAArch` knows, for messages ("sm_80, ...").
llvm::StringRef knownCUDAArchs();

} // namespace attn
} // namespace mlir

#endif // ATTN_GPU_CUDAARCH_H
