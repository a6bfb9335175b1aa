//===- Patterns.h - attn-to-linalg pattern groups ---------------*- C++ -*-===//
//
// Each group of attn ops lowers in its own file; this header lists them and
// the small builders they share.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOLINALG_PATTERNS_H
#define ATTN_LIB_CONVERSION_ATTNTOLINALG_PATTERNS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace attn {

void populateElementwisePatterns(RewritePatternSet &patterns);
void populateEmbeddingPatterns(RewritePatternSet &patterns);
void populateRMSNormPatterns(RewritePatternSet &patterns);
void populateLinearPatterns(RewritePatternSet &patterns);
void populateRopePatterns(RewritePatternSet &patterns);
void populateAttentionPatterns(RewritePatternSet &patterns);
void populateSinusoidalPEPatterns(RewritePatternSet &patterns);

/// `count` parallel iterators followed by `reductions` reduction iterators.
SmallVector<utils::IteratorType> iterators(int64_t parallel,
                                           int64_t reductions = 0);

/// The size of dimension `dim` of `type`: the static size when there is one,
/// else read from dimension `sourceDim` of `source`.
OpFoldResult sizeOf(OpBuilder &b, Location loc, RankedTensorType type,
                    int64_t dim, Value source, int64_t sourceDim);

/// A tensor.empty of `sizes` and `elementType`.
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);

/// A tensor of `sizes` filled with `value`.
Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value);

/// The type in which sums and means are accumulated: at least f32.
FloatType accumulatorType(Type elementType);

/// `value` converted to the float type `to` (extension, truncation or none).
Value castFloat(OpBuilder &b, Location loc, Value value, Type to);

/// An index value as a float of type `to`.
Value indexToFloat(OpBuilder &b, Location loc, Value index, FloatType to);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_CONVERSION_ATTNTOLINALG_PATTERNS_H
