//===- EmulatorWgmma.cpp - What a warpgroup MMA computes ------------------===//

#include "EmulatorWgmma.h"
#include "EmulatorWarp.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace attn_emu {
namespace {

constexpr int kM = 64, kK = 16;

std::string hex(uint64_t value) {
  char text[19];
  snprintf(text, sizeof(text), "0x%llx",
           static_cast<unsigned long long>(value));
  return text;
}

/// The fields of a matrix descriptor ("Matrix Descriptor Format"), each
/// 14-bit field decoded back to bytes.
struct Descriptor {
  uint64_t start, leadingBytes, strideBytes, swizzle, reserved;

  explicit Descriptor(uint64_t bits)
      : start((bits & 0x3fff) << 4), leadingBytes(((bits >> 16) & 0x3fff) << 4),
        strideBytes(((bits >> 32) & 0x3fff) << 4), swizzle(bits >> 62),
        // Bits 14-15, 30-31, 46-48 and 52-61; the base offset (49-51) only
        // matters to the swizzled modes.
        reserved(bits & 0x3ff1c000c000c000ull) {}
};

/// Reads the rows x 16 operand `name` of a K-major, unswizzled descriptor:
/// 8 x 16-byte "core matrices" (8 rows of 8 elements, rows 16 bytes apart),
/// the one holding k 8..15 `leadingBytes` after the one holding k 0..7, and
/// each next 8 rows `strideBytes` on ("Leading/Stride Dimension Byte
/// Offset", K-major; the canonical layout ((8,m),(T,2k)):((1T,SBO),(1,LBO))
/// in 16-byte units).
std::string readOperand(const char *name, uint64_t bits, int rows,
                        bool halfOperands, const char *shared,
                        size_t sharedBytes, std::vector<double> &values) {
  Descriptor desc(bits);
  std::string what =
      std::string("operand ") + name + " (descriptor " + hex(bits) + ")";
  if (desc.swizzle != 0)
    return what + " is swizzled (mode " + std::to_string(desc.swizzle) +
           "); only unswizzled operands are emulated";
  if (desc.reserved != 0)
    return what + " sets reserved bits " + hex(desc.reserved);
  values.assign(size_t(rows) * kK, 0);
  for (int row = 0; row < rows; ++row)
    for (int k = 0; k < kK; ++k) {
      uint64_t offset = desc.start + uint64_t(row / 8) * desc.strideBytes +
                        uint64_t(row % 8) * 16 +
                        uint64_t(k / 8) * desc.leadingBytes + (k % 8) * 2;
      if (offset + 2 > sharedBytes)
        return what + ": row " + std::to_string(row) + ", k " +
               std::to_string(k) + " is at shared byte " +
               std::to_string(offset) + ", past the module's " +
               std::to_string(sharedBytes) + " bytes of shared memory";
      uint16_t element;
      std::memcpy(&element, shared + offset, sizeof(element));
      values[size_t(row) * kK + k] = decodeOperand(element, halfOperands);
    }
  return "";
}

/// The element of D that accumulator `v` of thread `thread` holds
/// (m64nNk16, f32 accumulators): warp w of the warpgroup holds rows
/// 16w..16w+15; per 8 columns, d0, d1 at (16w + lane/4, 2(lane%4) + 0, 1),
/// d2, d3 eight rows below.
void fragmentElement(int thread, int v, int &row, int &col) {
  int warp = thread / kWarpSize, lane = thread % kWarpSize;
  row = 16 * warp + lane / 4 + 8 * ((v / 2) % 2);
  col = 8 * (v / 4) + 2 * (lane % 4) + v % 2;
}

} // namespace

std::string warpgroupMma(const WgmmaForm &form,
                         const WgmmaOperands (&lanes)[kWarpgroupSize],
                         const char *shared, size_t sharedBytes) {
  const WgmmaOperands &first = lanes[0];
  if (first.transA != 0 || first.transB != 0)
    return "transposed operands (imm-trans-a " + std::to_string(first.transA) +
           ", imm-trans-b " + std::to_string(first.transB) +
           "); only K-major A and B are emulated";
  if ((first.scaleA != 1 && first.scaleA != -1) ||
      (first.scaleB != 1 && first.scaleB != -1))
    return "imm-scale-a " + std::to_string(first.scaleA) + ", imm-scale-b " +
           std::to_string(first.scaleB) + " (the ISA allows 1 or -1)";
  std::vector<double> a, b;
  std::string error = readOperand("A", first.descA, kM, form.halfOperands,
                                  shared, sharedBytes, a);
  if (error.empty())
    error = readOperand("B", first.descB, form.n, form.halfOperands, shared,
                        sharedBytes, b);
  if (!error.empty())
    return error;
  // B is N x K here (K-major): D[m][n] = sum_k A[m][k] B[n][k].
  double sign = first.scaleA * first.scaleB;
  std::vector<double> d(size_t(kM) * form.n, 0.0);
  if (first.scaleD)
    for (int thread = 0; thread < kWarpgroupSize; ++thread)
      for (int v = 0; v < form.n / 2; ++v) {
        int row, col;
        fragmentElement(thread, v, row, col);
        d[size_t(row) * form.n + col] = lanes[thread].accumulators[v];
      }
  for (int row = 0; row < kM; ++row)
    for (int col = 0; col < form.n; ++col) {
      double sum = 0;
      for (int k = 0; k < kK; ++k)
        sum += a[size_t(row) * kK + k] * b[size_t(col) * kK + k];
      d[size_t(row) * form.n + col] += sign * sum;
    }
  for (int thread = 0; thread < kWarpgroupSize; ++thread)
    for (int v = 0; v < form.n / 2; ++v) {
      int row, col;
      fragmentElement(thread, v, row, col);
      lanes[thread].accumulators[v] = float(d[size_t(row) * form.n + col]);
    }
  return "";
}

} // namespace attn_emu
