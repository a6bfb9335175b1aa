//===- KernelLoopBuilder.cpp - Loops of the hand-built kernels ------------===//

#include "KernelLoopBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;

bool mlir::attn::mayStartParallelLoop(Operation *op) {
  return !op->getParentOfType<scf::ParallelOp>() &&
         !op->getParentOfType<scf::ForallOp>();
}

Value KernelLoopBuilder::constant(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

void KernelLoopBuilder::forLoop(Value from, Value to, int64_t step,
                                function_ref<void(Value)> body) {
  scf::ForOp::create(b, loc, from, to, constant(step), ValueRange{},
                     [&](OpBuilder &nested, Location, Value index, ValueRange) {
                       OpBuilder::InsertionGuard guard(b);
                       b.setInsertionPoint(nested.getInsertionBlock(),
                                           nested.getInsertionPoint());
                       body(index);
                       scf::YieldOp::create(b, loc);
                     });
}

void KernelLoopBuilder::forEachTask(Value count, bool parallel,
                                    StringRef marker,
                                    function_ref<void(Value)> body) {
  Value zero = constant(0);
  if (!parallel) {
    forLoop(zero, count, 1, body);
    return;
  }
  auto loop =
      scf::ParallelOp::create(b, loc, zero, count, constant(1),
                              [&](OpBuilder &nested, Location, ValueRange ivs) {
                                OpBuilder::InsertionGuard guard(b);
                                b.setInsertionPoint(nested.getInsertionBlock(),
                                                    nested.getInsertionPoint());
                                body(ivs[0]);
                              });
  loop->setAttr(marker, b.getUnitAttr());
}
