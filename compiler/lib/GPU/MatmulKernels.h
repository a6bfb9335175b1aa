//===- MatmulKernels.h - GPU kernels for C[m, n] += A[m, k] * W[n, k] -----===//
//
// The kernels of --attn-gpu-tile-matmul, each built as a gpu.launch at the
// builder's insertion point: a block-tiled tensor-core kernel for many rows
// of A (prefill; mma.sync, or wgmma on sm_90a) and a warp-per-output GEMV
// for a few (decode).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_GPU_MATMULKERNELS_H
#define ATTN_LIB_GPU_MATMULKERNELS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace attn {

/// The buffers of one contraction: A is [m, k] with any layout, W the
/// weight [n, k] with a static shape, C the [m, n] accumulator. Without
/// `accumulate` the kernels store A . W^T into C instead of adding it (C's
/// zero fill is then not needed).
struct MatmulOperands {
  Value a, w, c;
  bool accumulate = true;

  /// Writes one sum of products to C[row, col]: adds it, or stores it where
  /// C was not zero-filled for it (`accumulate` false).
  void writeResult(OpBuilder &b, Location loc, Value sum, Value row,
                   Value col) const {
    if (accumulate)
      sum = arith::AddFOp::create(
          b, loc, memref::LoadOp::create(b, loc, c, ValueRange{row, col}), sum);
    memref::StoreOp::create(b, loc, sum, c, ValueRange{row, col});
  }
};

/// The tile sizes of the tensor-core kernel: a block computes a
/// `kTileRows` x `kTileCols` tile of C with `kWarps` warps of 32 x 32 each,
/// staging `kTileDepth` columns of k of A and W at a time in shared memory.
constexpr int64_t kTileRows = 64, kTileCols = 64, kTileDepth = 32;
constexpr int64_t kWarps = 4, kWarpSize = 32;
/// Shared memory rows hold bf16 pairs as i32 words, padded by four words so
/// that the fragment loads of a warp hit 32 different banks.
constexpr int64_t kSharedRowWords = kTileDepth / 2 + 4;
/// Bytes of shared memory the tensor-core kernel declares (A and W tiles).
constexpr int64_t kTensorCoreSharedBytes =
    (kTileRows + kTileCols) * kSharedRowWords * 4;

/// The tile sizes of the warpgroup-MMA kernel (sm_90a): a block of
/// `kWgmmaWarpgroups` warpgroups computes a `kWgmmaTileRows` x
/// `kWgmmaTileCols` tile of C, staging `kWgmmaTileDepth` columns of k of A
/// and W at a time as bf16 in shared memory.
constexpr int64_t kWgmmaTileRows = 128, kWgmmaTileCols = 128,
                  kWgmmaTileDepth = 64, kWgmmaWarpgroups = 2;
/// Bytes of shared memory the warpgroup-MMA kernel declares (A and W tiles).
constexpr int64_t kWgmmaSharedBytes =
    (kWgmmaTileRows + kWgmmaTileCols) * kWgmmaTileDepth * 2;

/// Warps per block of the GEMV kernel, one output column each.
constexpr int64_t kGemvWarps = 8;

/// Builds C += A . W^T on tensor cores: bf16 products (A and W rounded to
/// nearest even on the way into shared memory), f32 accumulation.
void buildTensorCoreMatmul(OpBuilder &b, Location loc,
                           const MatmulOperands &operands);

/// Builds C += A . W^T with sm_90a's `wgmma.mma_async` (bf16 operands read
/// from shared memory, f32 accumulators); the kernel module must target
/// sm_90a.
void buildWgmmaMatmul(OpBuilder &b, Location loc,
                      const MatmulOperands &operands);

/// Builds C += A . W^T in f32, one warp per column of C reading the
/// matching row of W with coalesced loads, reduced by warp shuffles.
void buildGemv(OpBuilder &b, Location loc, const MatmulOperands &operands);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_MATMULKERNELS_H
