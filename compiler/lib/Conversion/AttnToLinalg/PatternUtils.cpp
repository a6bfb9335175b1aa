//===- PatternUtils.cpp - Builders shared by the attn-to-linalg patterns --===//

#include "Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::attn;

SmallVector<utils::IteratorType> mlir::attn::iterators(int64_t parallel,
                                                       int64_t reductions) {
  SmallVector<utils::IteratorType> result(parallel,
                                          utils::IteratorType::parallel);
  result.append(reductions, utils::IteratorType::reduction);
  return result;
}

OpFoldResult mlir::attn::sizeOf(OpBuilder &b, Location loc,
                                RankedTensorType type, int64_t dim,
                                Value source, int64_t sourceDim) {
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::getMixedSize(b, loc, source, sourceDim);
}

Value mlir::attn::createEmpty(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value mlir::attn::createFilled(OpBuilder &b, Location loc,
                               ArrayRef<OpFoldResult> sizes, Type elementType,
                               double value) {
  Value empty = createEmpty(b, loc, sizes, elementType);
  Value scalar =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, value));
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

FloatType mlir::attn::accumulatorType(Type elementType) {
  auto floatType = cast<FloatType>(elementType);
  if (floatType.getWidth() >= 32)
    return floatType;
  return Float32Type::get(elementType.getContext());
}

Value mlir::attn::castFloat(OpBuilder &b, Location loc, Value value, Type to) {
  auto from = cast<FloatType>(value.getType());
  auto target = cast<FloatType>(to);
  if (from == target)
    return value;
  if (from.getWidth() < target.getWidth())
    return arith::ExtFOp::create(b, loc, target, value);
  return arith::TruncFOp::create(b, loc, target, value);
}

Value mlir::attn::indexToFloat(OpBuilder &b, Location loc, Value index,
                               FloatType to) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, to, i64);
}
