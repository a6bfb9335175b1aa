//===- MmaSync.cpp - The m16n8k16 tensor-core step and its operands -------===//

#include "MmaSync.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::attn;

std::optional<MmaOperandType>
mlir::attn::parseMmaOperandType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<MmaOperandType>>(name)
      .Case("bf16", MmaOperandType::BF16)
      .Case("f16", MmaOperandType::F16)
      .Default(std::nullopt);
}

static FloatType operandFloatType(OpBuilder &b, MmaOperandType type) {
  return type == MmaOperandType::BF16 ? FloatType(b.getBF16Type())
                                      : FloatType(b.getF16Type());
}

Value mlir::attn::roundToOperandBits(OpBuilder &b, Location loc, Value value,
                                     MmaOperandType type) {
  FloatType narrow = operandFloatType(b, type);
  if (value.getType() != narrow) {
    // f64 or f32 round to nearest even; a narrower input widens exactly.
    if (cast<FloatType>(value.getType()).getWidth() > 16)
      value = arith::TruncFOp::create(b, loc, narrow, value);
    else
      value = arith::ExtFOp::create(
          b, loc, narrow,
          arith::ExtFOp::create(b, loc, b.getF32Type(), value).getResult());
  }
  Value bits = arith::BitcastOp::create(b, loc, b.getI16Type(), value);
  return arith::ExtUIOp::create(b, loc, b.getI32Type(), bits);
}

Value mlir::attn::packOperandPair(OpBuilder &b, Location loc, Value low,
                                  Value high, MmaOperandType type) {
  Value highBits =
      arith::ShLIOp::create(b, loc, roundToOperandBits(b, loc, high, type),
                            arith::ConstantIntOp::create(b, loc, 16, 32));
  return arith::OrIOp::create(b, loc, roundToOperandBits(b, loc, low, type),
                              highBits);
}

SmallVector<Value> mlir::attn::buildMmaSync(OpBuilder &b, Location loc,
                                            MmaOperandType type,
                                            ArrayRef<Value> a,
                                            ArrayRef<Value> bOperand,
                                            ArrayRef<Value> c) {
  // nvvm.mma.sync takes bf16 pairs as i32 and f16 pairs as vector<2xf16>.
  SmallVector<Value> aRegisters(a), bRegisters(bOperand);
  NVVM::MMATypes ptxType = NVVM::MMATypes::bf16;
  if (type == MmaOperandType::F16) {
    ptxType = NVVM::MMATypes::f16;
    auto pair = VectorType::get({2}, b.getF16Type());
    for (Value &reg : llvm::concat<Value>(aRegisters, bRegisters))
      reg = LLVM::BitcastOp::create(b, loc, pair, reg);
  }
  Type f32 = b.getF32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                                     SmallVector<Type>(4, f32));
  auto op =
      NVVM::MmaOp::create(b, loc, resultType, aRegisters, bRegisters, c,
                          {kMmaRows, kMmaCols, kMmaDepth},
                          /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
                          std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
                          std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                         NVVM::MMALayout::col});
  SmallVector<Value> results;
  for (int64_t i = 0; i < 4; ++i)
    results.push_back(
        LLVM::ExtractValueOp::create(b, loc, op.getResult(), i).getResult());
  return results;
}
