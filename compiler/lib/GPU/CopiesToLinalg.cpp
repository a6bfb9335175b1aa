//===- CopiesToLinalg.cpp - The --attn-gpu-copies-to-linalg pass ----------===//

#include "attn/GPU/Passes.h"

#include "attn/Conversion/CopiesToLinalg.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_COPIESTOLINALGPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

struct CopiesToLinalgPass
    : mlir::attn::impl::CopiesToLinalgPassBase<CopiesToLinalgPass> {
  void runOnOperation() override {
    // Copies already inside a kernel run on the device as they are.
    rewriteCopiesAsLinalg(getOperation(), [](memref::CopyOp copy) {
      return !copy->getParentOfType<gpu::LaunchOp>() &&
             !copy->getParentOfType<gpu::GPUModuleOp>();
    });
  }
};

} // namespace
