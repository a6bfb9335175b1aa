//===- MemRefFromPointer.cpp - View a raw pointer as a memref -------------===//

#include "MemRefFromPointer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace mlir::attn;

Value mlir::attn::createMemRefFromPointer(OpBuilder &b, Location loc,
                                          Value pointer, MemRefType type,
                                          Value dynamicSize) {
  MLIRContext *context = b.getContext();
  Type i64 = b.getI64Type();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  int64_t rank = type.getRank();
  SmallVector<Type> fields = {ptrType, ptrType, i64};
  if (rank > 0) {
    auto array = LLVM::LLVMArrayType::get(i64, rank);
    fields.append({array, array});
  }
  auto descriptorType = LLVM::LLVMStructType::getLiteral(context, fields);
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };

  Value descriptor = LLVM::PoisonOp::create(b, loc, descriptorType);
  descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, pointer,
                                           ArrayRef<int64_t>{0});
  descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, pointer,
                                           ArrayRef<int64_t>{1});
  descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, constant(0),
                                           ArrayRef<int64_t>{2});
  Value dynamic;
  if (type.getNumDynamicDims() > 0)
    dynamic = arith::IndexCastOp::create(b, loc, i64, dynamicSize);
  Value stride = constant(1);
  for (int64_t i = rank - 1; i >= 0; --i) {
    Value size = type.isDynamicDim(i) ? dynamic : constant(type.getDimSize(i));
    descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, size,
                                             ArrayRef<int64_t>{3, i});
    descriptor = LLVM::InsertValueOp::create(b, loc, descriptor, stride,
                                             ArrayRef<int64_t>{4, i});
    stride = arith::MulIOp::create(b, loc, stride, size);
  }
  return UnrealizedConversionCastOp::create(b, loc, type, descriptor)
      .getResult(0);
}

Value mlir::attn::createTensorFromPointer(OpBuilder &b, Location loc,
                                          Value pointer, RankedTensorType type,
                                          Value dynamicSize, bool writable) {
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  Value memref =
      createMemRefFromPointer(b, loc, pointer, memrefType, dynamicSize);
  return bufferization::ToTensorOp::create(
      b, loc, type, memref, b.getUnitAttr(),
      writable ? b.getUnitAttr() : UnitAttr());
}
