//===- UnitStrideGuard.h - Vector kernels under a stride check --*- C++ -*-===//
//
// Vector loads need a unit innermost stride, which buffers of function
// arguments do not state in their types after bufferisation. The kernels
// run on views that state it, under a run-time check, with the original
// generic as the other branch.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_TRANSFORMS_UNITSTRIDEGUARD_H
#define ATTN_LIB_TRANSFORMS_UNITSTRIDEGUARD_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir {
namespace attn {

/// `buffer` viewed with a static unit innermost stride (the caller has
/// checked that it is one at run time).
Value withUnitInnerStride(OpBuilder &b, Location loc, Value buffer);

/// Replaces `op` by what `emit` builds, run only when every operand of `op`
/// has a unit innermost stride: directly when the types say so, else under
/// an `scf.if` whose other branch is `op` itself.
void replaceUnderUnitStrideCheck(linalg::GenericOp op,
                                 function_ref<void(OpBuilder &)> emit);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_TRANSFORMS_UNITSTRIDEGUARD_H
