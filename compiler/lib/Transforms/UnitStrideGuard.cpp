//===- UnitStrideGuard.cpp - Vector kernels under a stride check ----------===//

#include "UnitStrideGuard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;

Value mlir::attn::withUnitInnerStride(OpBuilder &b, Location loc,
                                      Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.isLastDimUnitStride())
    return buffer;
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  SmallVector<OpFoldResult> sizes;
  for (auto [dim, size] : llvm::enumerate(metadata.getSizes()))
    sizes.push_back(type.isDynamicDim(dim)
                        ? OpFoldResult(size)
                        : OpFoldResult(b.getIndexAttr(type.getDimSize(dim))));
  SmallVector<OpFoldResult> strides = getAsOpFoldResult(metadata.getStrides());
  strides.back() = b.getIndexAttr(1);
  int64_t dynamic = ShapedType::kDynamic;
  SmallVector<int64_t> layoutStrides(type.getRank(), dynamic);
  layoutStrides.back() = 1;
  auto layout = StridedLayoutAttr::get(b.getContext(), dynamic, layoutStrides);
  auto viewType =
      MemRefType::get(type.getShape(), type.getElementType(), layout);
  return memref::ReinterpretCastOp::create(
      b, loc, viewType, metadata.getBaseBuffer(),
      getAsOpFoldResult(metadata.getOffset()), sizes, strides);
}

void mlir::attn::replaceUnderUnitStrideCheck(
    linalg::GenericOp op, function_ref<void(OpBuilder &)> emit) {
  IRRewriter rewriter(op);
  Location loc = op.getLoc();
  SmallVector<Value> unknown;
  for (Value buffer : op->getOperands())
    if (!cast<MemRefType>(buffer.getType()).isLastDimUnitStride())
      unknown.push_back(buffer);
  if (unknown.empty()) {
    emit(rewriter);
    rewriter.eraseOp(op);
    return;
  }

  Value contiguous;
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  for (Value buffer : unknown) {
    auto metadata =
        memref::ExtractStridedMetadataOp::create(rewriter, loc, buffer);
    Value isUnit =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                              metadata.getStrides().back(), one);
    contiguous = contiguous
                     ? arith::AndIOp::create(rewriter, loc, contiguous, isUnit)
                     : isUnit;
  }
  auto branch = scf::IfOp::create(rewriter, loc, contiguous,
                                  /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(branch.thenBlock()->getTerminator());
    emit(rewriter);
    rewriter.setInsertionPoint(branch.elseBlock()->getTerminator());
    rewriter.clone(*op);
  }
  rewriter.eraseOp(op);
}
