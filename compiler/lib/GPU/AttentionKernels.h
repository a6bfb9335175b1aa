//===- AttentionKernels.h - GPU kernels for attn.attention ------*- C++ -*-===//
//
// The two kernels of --attn-gpu-flash-attention, built at the builder's
// insertion point on the buffers of one attn.attention: FlashAttention on
// tensor cores for prefill, and flash-decoding (split-KV) for a few query
// rows over a long cache.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_GPU_ATTENTIONKERNELS_H
#define ATTN_LIB_GPU_ATTENTIONKERNELS_H

#include "MmaSync.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir {
namespace attn {

/// The buffers of one attention: query [seq, heads, head_dim], key
/// [kv_seq, kv_heads, head_dim], value [kv_seq, kv_heads, value_dim], output
/// [seq, heads, value_dim]; query row s sits at position kv_seq - seq + s.
struct AttentionBuffers {
  Value query, key, value, output;
  /// With a fused rotation of the queries: its cos and sin tables, [seq,
  /// head_dim] (buildRopeTables); null otherwise.
  Value ropeCos, ropeSin;
};

/// What attn.attention's attributes and static shapes fix.
struct AttentionParams {
  int64_t heads, kvHeads, headDim, valueDim;
  double scale;
  bool causal;
  std::optional<int64_t> slidingWindow;
  MmaOperandType operandType = MmaOperandType::BF16;
};

/// Query rows per block of the tensor-core kernel (16 per warp).
constexpr int64_t kAttentionQueryRows = 64;
/// Keys per chunk of the split-KV decode kernel.
constexpr int64_t kDecodeChunkKeys = 256;

/// `query[row, head, column]` in f32, rotated as attn.rope would rotate it
/// (`x * cos + rotate_half(x) * sin`) when the buffers carry rope tables.
Value loadQuery(OpBuilder &b, Location loc, const AttentionBuffers &buffers,
                int64_t headDim, Value row, Value head, Value column);

/// Whether the tensor-core kernel takes these shapes: head_dim a multiple
/// of 16 and value_dim of 8 (the mma shape), both at most 256 (registers
/// and static shared memory).
bool isTensorCoreAttentionShape(const AttentionParams &params);

/// Builds the FlashAttention-2 kernel: a block per (64 query rows, head),
/// keys and values staged through shared memory in blocks, Q.K^T and P.V
/// with mma.sync, the online softmax in registers.
void buildTensorCoreAttention(OpBuilder &b, Location loc,
                              const AttentionBuffers &buffers,
                              const AttentionParams &params);

/// Builds flash-decoding: a block per (chunk of kDecodeChunkKeys keys, head,
/// query row) leaves the chunk's row max, row sum and unnormalised output
/// in buffers it allocates; a second kernel combines the chunks.
void buildSplitKVDecode(OpBuilder &b, Location loc,
                        const AttentionBuffers &buffers,
                        const AttentionParams &params);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_ATTENTIONKERNELS_H
