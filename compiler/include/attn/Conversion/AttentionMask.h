//===- AttentionMask.h - Which keys a query of attn.attention sees -*- C++
//-*-===//
//
// The causal mask and the sliding window of attn.attention, built once for
// every lowering of it (the linalg form, the CPU's tiled form, the CUDA
// kernels), so that they cannot disagree about an edge.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_ATTENTIONMASK_H
#define ATTN_CONVERSION_ATTENTIONMASK_H

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir {
namespace attn {

/// Whether a causal attention shows the key at index `key` to the query at
/// position `position` (both `index`): `key <= position` and, with a
/// sliding window `w`, `position - key < w`.
Value buildCausalVisibility(OpBuilder &b, Location loc, Value key,
                            Value position, std::optional<int64_t> window);

} // namespace attn
} // namespace mlir

#endif // ATTN_CONVERSION_ATTENTIONMASK_H
