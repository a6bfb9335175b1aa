//===- EmulatorWgmma.h - What a warpgroup MMA computes ----------*- C++ -*-===//
//
// sm_90a's wgmma.mma_async on the inputs of the 128 threads of a warpgroup
// at once: the emulator's fibers deposit their descriptors and accumulators,
// and the last thread to arrive computes every thread's result with this
// function, reading A and B from the kernel module's shared memory as the
// descriptors describe them (PTX ISA, "Asynchronous Warpgroup Level Matrix
// Multiply-Accumulate Instructions": "Matrix Descriptor Format", "Shared
// Memory Matrix Layout" and the m64nNk16 accumulator fragments).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TEST_UNIT_GPU_EMULATORWGMMA_H
#define ATTN_TEST_UNIT_GPU_EMULATORWGMMA_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace attn_emu {

/// Four contiguous warps, the first of a rank that is a multiple of 4.
constexpr int kWarpgroupSize = 128;

/// The static form of one wgmma.mma_async, from its instruction name
/// (EmulatorWgmmaRewrite.h): m64nNk16, f32 accumulators, both operands from
/// shared memory, f16 or (when `halfOperands` is false) bf16.
struct WgmmaForm {
  int32_t n = 0;
  bool halfOperands = false;

  bool operator==(const WgmmaForm &other) const {
    return n == other.n && halfOperands == other.halfOperands;
  }
};

/// One thread's operands of a wgmma.mma_async: the two matrix descriptors,
/// the scale-d predicate, the immediates that follow it, and its N/2
/// accumulators, read for D (when scale-d is set) and written with the
/// result.
struct WgmmaOperands {
  uint64_t descA = 0, descB = 0;
  int32_t scaleD = 0, scaleA = 1, scaleB = 1, transA = 0, transB = 0;
  float *accumulators = nullptr;

  /// Everything the threads of a warpgroup must agree on.
  bool sameInstruction(const WgmmaOperands &other) const {
    return descA == other.descA && descB == other.descB &&
           scaleD == other.scaleD && scaleA == other.scaleA &&
           scaleB == other.scaleB && transA == other.transA &&
           transB == other.transB;
  }
};

/// D = A.B (+ D when scale-d) for one warpgroup, `lanes[i]` the operands of
/// its i-th thread, A and B read through their descriptors from `shared`
/// (`sharedBytes` long, aligned to 2^18 bytes so that a descriptor's start
/// address is an offset into it). Products are exact and sums in double,
/// rounded to f32 once. Returns an empty string, or the operand or form the
/// emulator does not run (a swizzled or out-of-range descriptor, transposed
/// operands, ...).
std::string warpgroupMma(const WgmmaForm &form,
                         const WgmmaOperands (&lanes)[kWarpgroupSize],
                         const char *shared, size_t sharedBytes);

} // namespace attn_emu

#endif // ATTN_TEST_UNIT_GPU_EMULATORWGMMA_H
