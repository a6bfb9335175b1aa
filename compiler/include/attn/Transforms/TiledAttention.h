//===- TiledAttention.h - Marks shared by the attention passes --*- C++ -*-===//

#ifndef ATTN_TRANSFORMS_TILEDATTENTION_H
#define ATTN_TRANSFORMS_TILEDATTENTION_H

#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace attn {

/// The unit attribute --attn-tile-attention puts on the linalg.generic ops
/// of its key-block step, for --attn-vectorize-attention to find them after
/// bufferisation (which keeps the attributes of the ops it rewrites).
constexpr llvm::StringLiteral kTiledAttentionAttrName = "attn.tiled_attention";

} // namespace attn
} // namespace mlir

#endif // ATTN_TRANSFORMS_TILEDATTENTION_H
