//===- LowerStridedCopies.cpp - The --attn-lower-strided-copies pass ------===//

#include "attn/Conversion/CopiesToLinalg.h"
#include "attn/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_LOWERSTRIDEDCOPIESPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::rewriteCopiesAsLinalg(
    Operation *root, function_ref<bool(memref::CopyOp)> select) {
  SmallVector<memref::CopyOp> copies;
  root->walk([&](memref::CopyOp copy) {
    if (select(copy))
      copies.push_back(copy);
  });
  for (memref::CopyOp copy : copies) {
    OpBuilder b(copy);
    linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                           copy.getTarget());
    copy.erase();
  }
}

namespace {

struct LowerStridedCopiesPass
    : mlir::attn::impl::LowerStridedCopiesPassBase<LowerStridedCopiesPass> {
  void runOnOperation() override {
    rewriteCopiesAsLinalg(getOperation(), [](memref::CopyOp copy) {
      auto source = cast<MemRefType>(copy.getSource().getType());
      auto target = cast<MemRefType>(copy.getTarget().getType());
      return !source.getLayout().isIdentity() ||
             !target.getLayout().isIdentity();
    });
  }
};

} // namespace
