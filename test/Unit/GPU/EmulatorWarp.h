//===- EmulatorWarp.h - What a warp collective computes ---------*- C++ -*-===//
//
// The data movement and arithmetic of the warp-wide instructions the
// kernels use, on the inputs of all 32 lanes at once: the emulator's
// fibers deposit their operands, and the last lane to arrive computes every
// lane's result with these functions.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORWARP_H
#define ATTN_TEST_UNIT_GPU_EMULATORWARP_H

#include <cstdint>

namespace attn_emu {

constexpr int kWarpSize = 32;

enum class ShuffleMode { Bfly, Idx, Down, Up };

/// The lane whose value `lane` receives from shfl.sync.`mode` with source
/// operand `b` and clamp operand `c` (PTX ISA, "shfl.sync": the segment mask
/// in c[12:8], the clamp in c[4:0]); `lane` itself when the source is out of
/// range.
int shuffleSourceLane(ShuffleMode mode, int lane, int32_t b, int32_t c);

/// One lane's operands of mma.sync.aligned.m16n8k16.row.col with f32
/// accumulators: a[4] and b[2] each hold two 16-bit values, the lower
/// column (of A) or row (of B) in the low half.
struct MmaOperands {
  uint32_t a[4];
  uint32_t b[2];
  float c[4];
};

/// The bf16 (`halfOperands` false) or f16 value of `bits`, exactly.
double decodeOperand(uint16_t bits, bool halfOperands);

/// D = A.B + C of one warp: `d[lane]` gets that lane's four accumulators.
/// `halfOperands` picks f16 operands, else bf16. Products (exact) and sums
/// in double, rounded to f32 once.
void mmaM16N8K16(const MmaOperands (&lanes)[kWarpSize], bool halfOperands,
                 float (&d)[kWarpSize][4]);

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORWARP_H
