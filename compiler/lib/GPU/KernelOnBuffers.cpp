//===- KernelOnBuffers.cpp - Whole-op GPU kernels, matched before buffers -===//

#include "KernelOnBuffers.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::attn;

Value mlir::attn::createKernelCall(OpBuilder &b, Location loc, StringRef kind,
                                   DictionaryAttr params, ValueRange inputs,
                                   RankedTensorType resultType,
                                   ValueRange resultSizes) {
  SmallVector<Value> operands;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    auto layout = StridedLayoutAttr::get(
        b.getContext(), ShapedType::kDynamic,
        SmallVector<int64_t>(type.getRank(), ShapedType::kDynamic));
    auto bufferType =
        MemRefType::get(type.getShape(), type.getElementType(), layout);
    operands.push_back(bufferization::ToBufferOp::create(
        b, loc, bufferType, input, /*read_only=*/true));
  }
  auto resultBufferType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());
  Value result = memref::AllocOp::create(b, loc, resultBufferType, resultSizes);
  operands.push_back(result);

  // One declaration per call, so that each carries its own parameters.
  Operation *symbolTableOp = b.getInsertionBlock()
                                 ->getParentOp()
                                 ->getParentWithTrait<OpTrait::SymbolTable>();
  SmallVector<NamedAttribute> attributes(params.getValue());
  attributes.push_back(b.getNamedAttr("kind", b.getStringAttr(kind)));
  auto declaration = func::FuncOp::create(
      loc, ("attn_gpu_" + kind).str(),
      b.getFunctionType(ValueRange(operands).getTypes(), {}));
  declaration.setPrivate();
  declaration->setAttr(kGPUKernelAttrName, b.getDictionaryAttr(attributes));
  SymbolTable(symbolTableOp).insert(declaration);
  func::CallOp::create(b, loc, declaration, operands);
  return bufferization::ToTensorOp::create(b, loc, resultType, result,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}
