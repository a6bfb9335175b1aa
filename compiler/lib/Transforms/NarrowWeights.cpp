//===- NarrowWeights.cpp - Weights read only by matmuls, in bf16 ----------===//
//
// A projection's weight is read once per token in decode: its bytes are the
// decode time. Stored in bf16, the checkpoints' own type for nearly every
// model, it costs half, and attn.linear widens it exactly before the
// multiply, so the arithmetic stays f32. The embedding table goes too, as
// attn.embedding widens its rows: a tied LM head (the same tensor) is the
// largest projection of a small model.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_NARROWWEIGHTSPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Whether `use` reads the weight as something that widens it to f32: the
/// weight operand (and nothing else) of a linear on f32, or the table of an
/// f32 embedding.
bool widensToF32(OpOperand &use) {
  if (auto linear = dyn_cast<LinearOp>(use.getOwner()))
    return use.getOperandNumber() == 1 && linear.getInput() != use.get() &&
           linear.getBias() != use.get() &&
           linear.getInput().getType().getElementType().isF32();
  if (auto embedding = dyn_cast<EmbeddingOp>(use.getOwner()))
    return use.getOperandNumber() == 0 &&
           embedding.getResult().getType().getElementType().isF32();
  return false;
}

/// Whether every attn.weight of one name is a 2-D f32 tensor that only
/// linears and embeddings read, widening it.
bool isNarrowable(ArrayRef<WeightOp> ops) {
  return llvm::all_of(ops, [](WeightOp op) {
    RankedTensorType type = op.getType();
    return type.getRank() == 2 && type.getElementType().isF32() &&
           !op->use_empty() && llvm::all_of(op->getUses(), widensToF32);
  });
}

struct NarrowWeights : public attn::impl::NarrowWeightsPassBase<NarrowWeights> {
  void runOnOperation() override {
    // By name: the prefill and decode functions read the same tensors, and
    // the manifest has one dtype per name.
    llvm::MapVector<StringRef, SmallVector<WeightOp>> byName;
    getOperation()->walk(
        [&](WeightOp op) { byName[op.getName()].push_back(op); });
    Type bf16 = BFloat16Type::get(&getContext());
    for (auto &[name, ops] : byName) {
      if (!isNarrowable(ops))
        continue;
      for (WeightOp op : ops)
        op.getResult().setType(op.getType().clone(bf16));
    }
  }
};

} // namespace
