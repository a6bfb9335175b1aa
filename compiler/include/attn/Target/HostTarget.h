//===- HostTarget.h - LLVM's target for this host ---------------*- C++ -*-===//
//
// Both backends compile host code: the CPU backend the whole model, the
// CUDA backend the entry points and launches around its kernels.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TARGET_HOSTTARGET_H
#define ATTN_TARGET_HOSTTARGET_H

#include "mlir/IR/Location.h"

namespace llvm {
class Target;
class Triple;
} // namespace llvm

namespace mlir {
namespace attn {

/// Initialises LLVM's native target and returns it for the process's triple,
/// which is stored in `triple`. Emits an error at `loc` and returns null when
/// this LLVM lacks the target.
const llvm::Target *lookupHostTarget(Location loc, llvm::Triple &triple);

} // namespace attn
} // namespace mlir

#endif // ATTN_TARGET_HOSTTARGET_H
