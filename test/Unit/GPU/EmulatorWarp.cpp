//===- EmulatorWarp.cpp - What a warp collective computes -----------------===//

#include "EmulatorWarp.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

namespace attn_emu {

int shuffleSourceLane(ShuffleMode mode, int lane, int32_t b, int32_t c) {
  int bval = b & 0x1f, cval = c & 0x1f, segmask = (c >> 8) & 0x1f;
  int maxLane = (lane & segmask) | (cval & ~segmask);
  int minLane = lane & segmask;
  int j = lane;
  bool inRange = false;
  switch (mode) {
  case ShuffleMode::Up:
    j = lane - bval;
    inRange = j >= maxLane;
    break;
  case ShuffleMode::Down:
    j = lane + bval;
    inRange = j <= maxLane;
    break;
  case ShuffleMode::Bfly:
    j = lane ^ bval;
    inRange = j <= maxLane;
    break;
  case ShuffleMode::Idx:
    j = minLane | (bval & ~segmask);
    inRange = j <= maxLane;
    break;
  }
  return inRange ? j : lane;
}

double decodeOperand(uint16_t bits, bool halfOperands) {
  if (!halfOperands) {
    // bf16 is the top half of an f32.
    uint32_t f32Bits = uint32_t(bits) << 16;
    float value;
    __builtin_memcpy(&value, &f32Bits, sizeof(value));
    return value;
  }
  llvm::APFloat value(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  return value.convertToFloat();
}

/// The 16-bit value in the low (`high` false) or high half of `word`.
static double unpack(uint32_t word, bool high, bool halfOperands) {
  return decodeOperand(high ? word >> 16 : word & 0xffff, halfOperands);
}

void mmaM16N8K16(const MmaOperands (&lanes)[kWarpSize], bool halfOperands,
                 float (&d)[kWarpSize][4]) {
  double a[16][16], b[16][8], c[16][8];
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int g = lane / 4, t = lane % 4;
    const MmaOperands &in = lanes[lane];
    // a0: (g, 2t..2t+1), a1: (g+8, 2t..), a2: (g, 2t+8..), a3: (g+8, 2t+8..).
    for (int i = 0; i < 4; ++i) {
      int row = g + (i % 2) * 8, col = 2 * t + (i / 2) * 8;
      a[row][col] = unpack(in.a[i], false, halfOperands);
      a[row][col + 1] = unpack(in.a[i], true, halfOperands);
    }
    // b0: (k 2t..2t+1, n g), b1: (k 2t+8.., n g).
    for (int i = 0; i < 2; ++i) {
      int k = 2 * t + i * 8;
      b[k][g] = unpack(in.b[i], false, halfOperands);
      b[k + 1][g] = unpack(in.b[i], true, halfOperands);
    }
    // c0, c1: (g, 2t), (g, 2t+1); c2, c3 the same at row g+8.
    for (int i = 0; i < 4; ++i)
      c[g + (i / 2) * 8][2 * t + i % 2] = in.c[i];
  }
  for (int lane = 0; lane < kWarpSize; ++lane) {
    int g = lane / 4, t = lane % 4;
    for (int i = 0; i < 4; ++i) {
      int row = g + (i / 2) * 8, col = 2 * t + i % 2;
      double sum = c[row][col];
      for (int k = 0; k < 16; ++k)
        sum += a[row][k] * b[k][col];
      d[lane][i] = float(sum);
    }
  }
}

} // namespace attn_emu
