//===- TileMatmul.cpp - The --attn-gpu-tile-matmul pass -------------------===//
//
// The projections of attn.linear are nearly all of a layer's arithmetic;
// one thread per output element with a sequential k loop reads each weight
// once per row of A from global memory. This pass gives them kernels of
// their own before the generic mapping sees them: tensor cores for prefill,
// a bandwidth-bound GEMV for decode, chosen per call by the rows of A.
//
//===----------------------------------------------------------------------===//

#include "MatmulKernels.h"

#include "attn/GPU/Passes.h"
#include "attn/Transforms/MatmulForms.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_TILEMATMULPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// Whether `op` is attn.linear's contraction with a weight W (f32 or bf16)
/// statically shaped and contiguous, as the weight table hands it out
/// (attention's K is neither).
static bool isLinearContraction(linalg::GenericOp op) {
  if (!isTransposedMatmul(op))
    return false;
  auto weight = cast<MemRefType>(op.getDpsInputs()[1].getType());
  return weight.hasStaticShape() && weight.getLayout().isIdentity();
}

/// The zero fill of `op`'s C right before it, if there is one: a
/// projection's init when no residual or bias accumulates into it. The
/// kernels then store their products, and the fill (a kernel of its own
/// and a pass over C) goes.
static linalg::FillOp findZeroFill(linalg::GenericOp op) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  if (!fill || fill.getDpsInits()[0] != op.getDpsInits()[0] ||
      !matchPattern(fill.getDpsInputs()[0], m_AnyZeroFloat()))
    return {};
  return fill;
}

/// Replaces `op` by the GEMV for up to `gemvMaxRows` rows of A and the
/// tensor-core kernel (warpgroup MMA with `wgmma`) for more.
static void replaceContraction(linalg::GenericOp op, int64_t gemvMaxRows,
                               bool wgmma) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  MatmulOperands operands{op.getDpsInputs()[0], op.getDpsInputs()[1],
                          op.getDpsInits()[0]};
  if (linalg::FillOp fill = findZeroFill(op)) {
    operands.accumulate = false;
    fill.erase();
  }
  auto buildTensorCores = [&] {
    if (wgmma)
      buildWgmmaMatmul(b, loc, operands);
    else
      buildTensorCoreMatmul(b, loc, operands);
  };
  if (gemvMaxRows == 0) {
    buildTensorCores();
    op.erase();
    return;
  }
  Value rows = memref::DimOp::create(b, loc, operands.a, 0);
  Value few = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ule, rows,
      arith::ConstantIndexOp::create(b, loc, gemvMaxRows));
  auto choice = scf::IfOp::create(b, loc, few, /*withElseRegion=*/true);
  b.setInsertionPoint(choice.thenBlock()->getTerminator());
  buildGemv(b, loc, operands);
  b.setInsertionPoint(choice.elseBlock()->getTerminator());
  buildTensorCores();
  op.erase();
}

namespace {

struct TileMatmulPass : mlir::attn::impl::TileMatmulPassBase<TileMatmulPass> {
  using TileMatmulPassBase::TileMatmulPassBase;

  void runOnOperation() override {
    if (gemvMaxRows < 0) {
      getOperation()->emitError()
          << "attn-gpu-tile-matmul: gemv-max-rows is " << gemvMaxRows.getValue()
          << "; expected 0 or more rows";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> contractions;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (isLinearContraction(op) && !op->getParentOfType<gpu::LaunchOp>())
        contractions.push_back(op);
    });
    for (linalg::GenericOp op : contractions)
      replaceContraction(op, gemvMaxRows, wgmma);
  }
};

} // namespace
