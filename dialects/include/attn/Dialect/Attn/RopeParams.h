//===- RopeParams.h - The parameters of a rotary embedding ------*- C++ -*-===//
//
// attn.rope carries its parameters as attributes; attn.attention with a fused
// rotation of its queries carries the same ones as a dictionary `rope`. Both
// read them into RopeParams, so that one verifier and one lowering of the
// inverse frequencies serve both.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_DIALECT_ATTN_ROPEPARAMS_H
#define ATTN_DIALECT_ATTN_ROPEPARAMS_H

#include "attn/Dialect/Attn/AttnOps.h"

#include <optional>

namespace mlir {
namespace attn {

/// The attributes of attn.rope, as plain values.
struct RopeParams {
  double theta = 0.0;
  RopeScalingKind scaling = RopeScalingKind::none;
  std::optional<double> factor, lowFreqFactor, highFreqFactor;
  std::optional<int64_t> originalMaxPositionEmbeddings, maxPositionEmbeddings;
};

/// The parameters of `op`.
RopeParams getRopeParams(RopeOp op);

/// The rotation that `op` applies to its queries, if any (the op verified).
std::optional<RopeParams> getQueryRopeParams(AttentionOp op);

/// The inherent attributes of `op` as a dictionary (attn.attention's `rope`).
DictionaryAttr getRopeParamsAttr(RopeOp op);

/// Reads a dictionary written by getRopeParamsAttr; an unknown key or a value
/// of the wrong kind is reported through `emitError`.
FailureOr<RopeParams>
parseRopeParams(DictionaryAttr dict,
                llvm::function_ref<InFlightDiagnostic()> emitError);

/// The rules of attn.rope's verifier: which parameters each scaling kind
/// needs and refuses, and their ranges.
LogicalResult
verifyRopeParams(const RopeParams &params,
                 llvm::function_ref<InFlightDiagnostic()> emitError);

} // namespace attn
} // namespace mlir

#endif // ATTN_DIALECT_ATTN_ROPEPARAMS_H
