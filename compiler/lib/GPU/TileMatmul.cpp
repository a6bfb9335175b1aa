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

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_TILEMATMULPASS
#include "attn/GPU/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

/// Whether `type` is an f32 memref.
static bool isF32Buffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getElementType().isF32();
}

/// Whether `op` is C[m, n] += A[m, k] * W[n, k] on f32 buffers with a weight
/// W: statically shaped and contiguous, as the weight table hands it out
/// (attention's K is neither).
static bool isLinearContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3 ||
      !linalg::isaContractionOpInterface(op))
    return false;
  auto parallel = utils::IteratorType::parallel;
  if (op.getIteratorTypesArray() !=
      SmallVector<utils::IteratorType>{parallel, parallel,
                                       utils::IteratorType::reduction})
    return false;
  MLIRContext *context = op.getContext();
  AffineExpr m = getAffineDimExpr(0, context), n = getAffineDimExpr(1, context),
             k = getAffineDimExpr(2, context);
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {m, k}, context),
                                     AffineMap::get(3, 0, {n, k}, context),
                                     AffineMap::get(3, 0, {m, n}, context)};
  if (op.getIndexingMapsArray() != expected ||
      !llvm::all_of(op->getOperandTypes(), isF32Buffer))
    return false;
  auto weight = cast<MemRefType>(op.getDpsInputs()[1].getType());
  return weight.hasStaticShape() && weight.getLayout().isIdentity();
}

/// Replaces `op` by the GEMV for up to `gemvMaxRows` rows of A and the
/// tensor-core kernel for more.
static void replaceContraction(linalg::GenericOp op, int64_t gemvMaxRows) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  MatmulOperands operands{op.getDpsInputs()[0], op.getDpsInputs()[1],
                          op.getDpsInits()[0]};
  if (gemvMaxRows == 0) {
    buildTensorCoreMatmul(b, loc, operands);
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
  buildTensorCoreMatmul(b, loc, operands);
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
      replaceContraction(op, gemvMaxRows);
  }
};

} // namespace
