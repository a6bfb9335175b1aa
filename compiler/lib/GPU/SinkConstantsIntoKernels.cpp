//===- SinkConstantsIntoKernels.cpp - The --attn-gpu-sink-constants pass --===//

#include "attn/GPU/Passes.h"

#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_SINKCONSTANTSINTOKERNELSPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// Ops that are cheaper to recompute in the kernel than to pass, and the
/// constant globals, whose host address a kernel must not see.
static bool shouldSink(Operation *op) {
  return isa<memref::GetGlobalOp, memref::DimOp, arith::IndexCastOp,
             arith::CmpIOp, arith::SelectOp>(op) ||
         matchPattern(op, m_Constant());
}

namespace {

struct SinkConstantsIntoKernelsPass
    : mlir::attn::impl::SinkConstantsIntoKernelsPassBase<
          SinkConstantsIntoKernelsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([](gpu::LaunchOp launch) {
      return failed(sinkOperationsIntoLaunchOp(launch, shouldSink))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
