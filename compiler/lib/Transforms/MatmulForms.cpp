//===- MatmulForms.cpp - The matmuls the kernel passes recognise ----------===//

#include "attn/Transforms/MatmulForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

bool mlir::attn::isTransposedMatmul(linalg::GenericOp op) {
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
  if (op.getIndexingMapsArray() != expected)
    return false;
  // Buffer semantics: every operand is a memref.
  Type weight = getElementTypeOrSelf(op.getDpsInputs()[1]);
  if (!weight.isF32() && !weight.isBF16())
    return false;
  // The contraction interface looks through casts: a bf16 weight must be
  // widened to f32, nothing else.
  if (weight.isBF16() &&
      !llvm::all_of(op.getRegionInputArgs()[1].getUsers(),
                    [](Operation *user) { return isa<arith::ExtFOp>(user); }))
    return false;
  return getElementTypeOrSelf(op.getDpsInputs()[0]).isF32() &&
         getElementTypeOrSelf(op.getDpsInits()[0]).isF32();
}
