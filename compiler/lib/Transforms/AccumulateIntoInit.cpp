//===- AccumulateIntoInit.cpp - Residual adds and biases as matmul inits --===//
//
// `attn.linear` lowers to a contraction into a zero `linalg.fill`, and a
// residual add or a bias after it is one more sweep over the result. The
// matmul kernels add their sums to what C holds, so starting C from the
// residual (or the broadcast bias) instead of zeros gives the same sum
// without the fill and without that sweep. The residual's buffer is then
// written by the contraction: only done where bufferisation can do that in
// place, i.e. nothing reads the residual (or what it views) afterwards.
//
//===----------------------------------------------------------------------===//

#include "FuseEpilogues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

using namespace mlir;

namespace {

/// Whether `body` is one `arith.addf` of block arguments `a` and `b` (in
/// either order) that it yields.
bool yieldsSumOf(Block &body, unsigned a, unsigned b) {
  if (body.getOperations().size() != 2)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value x = body.getArgument(a), y = body.getArgument(b);
  return (add.getLhs() == x && add.getRhs() == y) ||
         (add.getLhs() == y && add.getRhs() == x);
}

/// Whether `value` has one use that reads its elements; `tensor.dim`s only
/// read its shape, which the rewrites keep.
bool hasOneElementUse(Value value) {
  return llvm::count_if(value.getUses(), [](OpOperand &use) {
           return !isa<tensor::DimOp>(use.getOwner());
         }) == 1;
}

bool allParallel(linalg::GenericOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// out + in0 * in1 over one reduction loop, into an output that the
/// parallel loops index.
bool isContraction(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || op->getNumResults() != 1)
    return false;
  if (!op.getMatchingIndexingMap(op.getDpsInitOperand(0))
           .isProjectedPermutation())
    return false;
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body.getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// The contraction behind a value: `contraction` (plain form), or
/// `collapse_shape(contraction)` whose init is the zero fill seen through
/// the matching `expand_shape` (the panel form, fill before or after the
/// expand).
struct ZeroInitContraction {
  linalg::GenericOp contraction;
  tensor::ExpandShapeOp expand;
  /// The [rows, cols] tensor the init was made from: the destination of
  /// the fill, or the source of the expand when the fill comes after it.
  Value flatDest;
};

FailureOr<ZeroInitContraction> matchZeroInitContraction(Value value) {
  auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
  if (collapse) {
    if (!hasOneElementUse(collapse.getResult()))
      return failure();
    value = collapse.getSrc();
  }
  auto contraction = value.getDefiningOp<linalg::GenericOp>();
  if (!contraction || !isContraction(contraction) ||
      !hasOneElementUse(contraction->getResult(0)))
    return failure();

  ZeroInitContraction match{contraction, nullptr, nullptr};
  Value init = contraction.getDpsInits()[0];
  linalg::FillOp fill = init.getDefiningOp<linalg::FillOp>();
  if (fill) {
    match.expand = fill.getOutputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
    match.flatDest =
        match.expand ? match.expand.getSrc() : fill.getOutputs()[0];
  } else if ((match.expand = init.getDefiningOp<tensor::ExpandShapeOp>())) {
    fill = match.expand.getSrc().getDefiningOp<linalg::FillOp>();
    if (!fill)
      return failure();
    match.flatDest = fill.getOutputs()[0];
  } else {
    return failure();
  }
  if (!fill->hasOneUse() ||
      !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return failure();
  if (match.expand && !match.expand->hasOneUse())
    return failure();
  // The panel view must be undone by the collapse, and only then.
  if (static_cast<bool>(collapse) != static_cast<bool>(match.expand))
    return failure();
  if (collapse && (collapse.getReassociationIndices() !=
                       match.expand.getReassociationIndices() ||
                   collapse.getResultType() != match.flatDest.getType()))
    return failure();
  if (!collapse && match.flatDest.getType() != init.getType())
    return failure();
  return match;
}

/// Whether the contraction `writer` may write the buffer of `value` in
/// place: every use of it, and of the tensors it views, other than by
/// `consumer` comes before `writer`, and it is not read-only. With
/// `asPanels`, the buffer is viewed as panels and collapsed back, which
/// bufferisation can only do without a copy on a buffer known to be
/// contiguous: not on a function argument, whose layout is fully dynamic.
bool canOverwrite(Value value, Operation *consumer, Operation *writer,
                  bool asPanels) {
  Block *block = writer->getBlock();
  while (true) {
    for (OpOperand &use : value.getUses()) {
      // Sizes stay readable: the write changes no shape.
      if (use.getOwner() == consumer || isa<tensor::DimOp>(use.getOwner()))
        continue;
      Operation *ancestor = block->findAncestorOpInBlock(*use.getOwner());
      if (!ancestor || !ancestor->isBeforeInBlock(writer))
        return false;
    }
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      auto func =
          dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
      if (!func || argument.getOwner() != &func.getFunctionBody().front())
        return true;
      if (asPanels)
        return false;
      auto writable = func.getArgAttrOfType<BoolAttr>(
          argument.getArgNumber(),
          bufferization::BufferizationDialect::kWritableAttrName);
      return !writable || writable.getValue();
    }
    Operation *def = value.getDefiningOp();
    if (isa<tensor::ExtractSliceOp, tensor::CollapseShapeOp,
            tensor::ExpandShapeOp, tensor::CastOp>(def)) {
      consumer = def;
      value = def->getOperand(0);
      continue;
    }
    // Fresh or destination-passing results are writable; constants,
    // weights and other views may not be.
    return isa<DestinationStyleOpInterface, LoopLikeOpInterface,
               CallOpInterface>(def);
  }
}

/// Makes `match.contraction` start from `flatInit` ([rows, cols], viewed
/// as panels where the contraction has them).
void setInit(RewriterBase &rewriter, ZeroInitContraction match,
             Value flatInit) {
  rewriter.setInsertionPoint(match.contraction);
  Value init = flatInit;
  if (match.expand)
    init = tensor::ExpandShapeOp::create(
        rewriter, match.contraction.getLoc(),
        match.contraction.getDpsInits()[0].getType(), flatInit,
        match.expand.getReassociationIndices(),
        match.expand.getMixedOutputShape());
  rewriter.modifyOpInPlace(match.contraction, [&] {
    match.contraction.getDpsInitsMutable()[0].set(init);
  });
}

/// `bias[j] + contraction[i, j]` (Linear.cpp's bias generic: bias in,
/// contraction as init) starts the contraction from the broadcast bias.
LogicalResult foldBias(RewriterBase &rewriter, linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 2 || !allParallel(op) ||
      !yieldsSumOf(op.getRegion().front(), 0, 1))
    return failure();
  MLIRContext *context = op.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, context);
  if (op.getIndexingMapsArray() !=
      SmallVector<AffineMap>{identity.getSubMap({1}), identity})
    return failure();
  Value result = op.getDpsInits()[0];
  if (result.getType() != op->getResult(0).getType() ||
      !hasOneElementUse(result))
    return failure();
  FailureOr<ZeroInitContraction> match = matchZeroInitContraction(result);
  if (failed(match))
    return failure();
  Value bias = op.getDpsInputs()[0];
  if (!DominanceInfo().properlyDominates(bias, match->contraction))
    return failure();

  rewriter.setInsertionPoint(match->contraction);
  auto broadcast = linalg::GenericOp::create(
      rewriter, op.getLoc(), match->flatDest.getType(), bias, match->flatDest,
      op.getIndexingMapsArray(), op.getIteratorTypesArray(),
      [](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(b, loc, args[0]);
      });
  setInit(rewriter, *match, broadcast.getResult(0));
  rewriter.replaceOp(op, result);
  return success();
}

/// `r + contraction` (an identity-mapped element-wise add) accumulates the
/// contraction into `r`.
LogicalResult foldResidual(RewriterBase &rewriter, linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !allParallel(op) || !yieldsSumOf(op.getRegion().front(), 0, 1) ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return failure();
  Type type = op->getResult(0).getType();
  for (unsigned i = 0; i < 2; ++i) {
    Value product = op.getDpsInputs()[i], residual = op.getDpsInputs()[1 - i];
    if (product.getType() != type || residual.getType() != type ||
        !hasOneElementUse(product))
      continue;
    FailureOr<ZeroInitContraction> match = matchZeroInitContraction(product);
    if (failed(match) ||
        !DominanceInfo().properlyDominates(residual, match->contraction) ||
        !canOverwrite(residual, op, match->contraction,
                      static_cast<bool>(match->expand)))
      continue;
    setInit(rewriter, *match, residual);
    rewriter.replaceOp(op, product);
    return success();
  }
  return failure();
}

} // namespace

void mlir::attn::accumulateIntoInits(RewriterBase &rewriter, Operation *root) {
  // Biases first: a residual add after a biased contraction then finds a
  // non-zero init and is left alone.
  SmallVector<linalg::GenericOp> generics;
  root->walk([&](linalg::GenericOp op) { generics.push_back(op); });
  llvm::SmallPtrSet<Operation *, 8> erased;
  for (linalg::GenericOp op : generics)
    if (succeeded(foldBias(rewriter, op)))
      erased.insert(op);
  for (linalg::GenericOp op : generics)
    if (!erased.contains(op))
      (void)foldResidual(rewriter, op);
}
