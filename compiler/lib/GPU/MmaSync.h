//===- MmaSync.h - The m16n8k16 tensor-core step and its operands ---------===//
//
// The kernels that use tensor cores (the projections' matmul, attention)
// share one warp-level step: `mma.sync.aligned.m16n8k16.row.col` with
// 16-bit operands and f32 accumulators. Operands travel as i32 registers,
// each holding two 16-bit values with the lower index in the lower half
// (PTX ISA, "Matrix Fragments for mma.m16n8k16"). With g = lane / 4 and
// t = lane % 4:
//   A (16 x 16, row-major): a0 = (g, 2t..2t+1), a1 = (g+8, 2t..),
//                           a2 = (g, 2t+8..), a3 = (g+8, 2t+8..);
//   B (16 x 8, column-major): b0 = (k 2t..2t+1, n g), b1 = (k 2t+8.., n g);
//   C (16 x 8, f32): c0, c1 = (g, 2t), (g, 2t+1); c2, c3 the same at g+8.
//
// The op is nvvm.mma.sync rather than nvgpu.mma.sync: MLIR 22's NVGPU to
// NVVM conversion deduces PTX types for f16, tf32 and integers only, and
// fails on bf16 operands.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_GPU_MMASYNC_H
#define ATTN_LIB_GPU_MMASYNC_H

#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {

/// The shape of one mma.sync.
constexpr int64_t kMmaRows = 16, kMmaCols = 8, kMmaDepth = 16;

/// The 16-bit type the tensor cores multiply in.
enum class MmaOperandType { BF16, F16 };

/// The operand type named `name` ("bf16" or "f16"), if it is one.
std::optional<MmaOperandType> parseMmaOperandType(llvm::StringRef name);

/// `value` (any float type) rounded to the operand type, as the low 16 bits
/// of an i32.
Value roundToOperandBits(OpBuilder &b, Location loc, Value value,
                         MmaOperandType type);

/// One operand register: `low` and `high` rounded to the operand type, the
/// element of the lower index in the lower half.
Value packOperandPair(OpBuilder &b, Location loc, Value low, Value high,
                      MmaOperandType type);

/// D = A . B + C for one 16 x 8 x 16 step: `a` 4 registers, `b` 2 (as
/// packOperandPair makes them), `c` 4 f32 accumulators. Returns the 4 of D.
SmallVector<Value> buildMmaSync(OpBuilder &b, Location loc, MmaOperandType type,
                                ArrayRef<Value> a, ArrayRef<Value> bOperand,
                                ArrayRef<Value> c);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_MMASYNC_H
