//===- RopeLowering.h - The linalg form of a rotary embedding ---*- C++ -*-===//
//
// The cos/sin tables and the rotate-half product of attn.rope, as builders
// that the attn.rope lowering and the attention kernels that rotate their
// queries as they load them (--attn-fuse-rope) share, so that both compute
// the inverse frequencies the same way.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_ROPELOWERING_H
#define ATTN_CONVERSION_ROPELOWERING_H

#include "attn/Dialect/Attn/RopeParams.h"

#include "mlir/IR/Builders.h"

#include <utility>

namespace mlir {
namespace attn {

/// The cos and sin tables, `[seq, head_dim]` in `elementType`, of the rows
/// at positions `offset .. offset + seq`: an f32 inv_freq (embedded for the
/// none, linear and llama3 scalings; computed from `offset + seq` for
/// dynamic), the angle `position * inv_freq` and its cos/sin in f32, cast to
/// `elementType` as transformers does.
std::pair<Value, Value> buildRopeTables(OpBuilder &b, Location loc,
                                        const RopeParams &params, Value offset,
                                        OpFoldResult seq, int64_t headDim,
                                        Type elementType);

/// `x * cos + rotate_half(x) * sin` along the last dimension of `input`
/// (rank 2 or 3, rows first), written into `init` (of the input's shape);
/// `cos` and `sin` are `[rows, head_dim]`.
Value buildRotateHalf(OpBuilder &b, Location loc, Value input, Value cos,
                      Value sin, Value init);

} // namespace attn
} // namespace mlir

#endif // ATTN_CONVERSION_ROPELOWERING_H
