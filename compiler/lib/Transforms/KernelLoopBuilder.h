//===- KernelLoopBuilder.h - Loops of the hand-built kernels ----*- C++ -*-===//
//
// The matmul kernels build their loop nests op by op; what every nest needs
// (index constants, serial loops, independent tasks spread over threads)
// lives here once.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_TRANSFORMS_KERNELLOOPBUILDER_H
#define ATTN_LIB_TRANSFORMS_KERNELLOOPBUILDER_H

#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {

/// Whether a kernel replacing `op` may start its own parallel loop: not
/// inside another one (attention heads, say), whose threads are taken
/// already, so a nested team would only add a fork per call.
bool mayStartParallelLoop(Operation *op);

class KernelLoopBuilder {
protected:
  KernelLoopBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value constant(int64_t value);

  /// `scf.for` from `from` to `to` by `step`, with `body` building the
  /// iteration at `b`.
  void forLoop(Value from, Value to, int64_t step,
               function_ref<void(Value)> body);

  /// Runs `body` for each task in [0, count): on the threads of an
  /// `scf.parallel` marked with the unit attribute `marker` when `parallel`,
  /// else in sequence.
  void forEachTask(Value count, bool parallel, StringRef marker,
                   function_ref<void(Value)> body);

  OpBuilder &b;
  Location loc;
};

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_TRANSFORMS_KERNELLOOPBUILDER_H
