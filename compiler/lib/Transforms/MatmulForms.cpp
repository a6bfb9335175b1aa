//===- MatmulForms.cpp - The matmuls the kernel passes recognise ----------===//

#include "attn/Transforms/MatmulForms.h"

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
  return llvm::all_of(op->getOperands(), [](Value operand) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    return type && type.getElementType().isF32();
  });
}
