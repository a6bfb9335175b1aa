//===- AttnToLinalg.h - Patterns lowering attn to linalg --------*- C++ -*-===//

#ifndef ATTN_CONVERSION_ATTNTOLINALG_H
#define ATTN_CONVERSION_ATTNTOLINALG_H

namespace mlir {
class RewritePatternSet;
namespace attn {

/// Adds the patterns that rewrite every attn op except attn.weight into
/// linalg/tensor/arith/math/scf on tensors.
void populateAttnToLinalgPatterns(RewritePatternSet &patterns);

} // namespace attn
} // namespace mlir

#endif // ATTN_CONVERSION_ATTNTOLINALG_H
