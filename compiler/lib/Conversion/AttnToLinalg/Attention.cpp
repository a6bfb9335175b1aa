//===- Attention.cpp - attn.attention to linalg ---------------------------===//
//
// The plain formulation: a loop over query heads, and per head the scores
// [seq, kv_seq], a masked, numerically stable softmax (subtract the row
// maximum) and the product with the values. Only one head's scores exist at a
// time; the FlashAttention tiling that removes even those comes later.
// Scores and softmax sums are kept in at least f32. A fused rotation of the
// queries (`rope`) is applied to all of them first, as attn.rope would.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "attn/Conversion/AttentionMask.h"
#include "attn/Conversion/RopeLowering.h"
#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;

namespace {

struct AttentionToLinalg : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value query = adaptor.getQuery(), key = adaptor.getKey(),
          value = adaptor.getValue();
    auto resultType = op.getResult().getType();
    Type elementType = resultType.getElementType();
    FloatType accType = accumulatorType(elementType);
    auto queryType = cast<RankedTensorType>(query.getType());
    auto keyType = cast<RankedTensorType>(key.getType());
    auto valueType = cast<RankedTensorType>(value.getType());
    int64_t heads = queryType.getDimSize(1), kvHeads = keyType.getDimSize(1);
    int64_t group = heads / kvHeads;

    OpFoldResult seq = sizeOf(rewriter, loc, resultType, 0, query, 0);
    if (std::optional<RopeParams> rope = getQueryRopeParams(op)) {
      auto [cos, sin] =
          buildRopeTables(rewriter, loc, *rope, adaptor.getRopeOffset(),
                          tensor::getMixedSize(rewriter, loc, query, 0),
                          queryType.getDimSize(2), queryType.getElementType());
      query = buildRotateHalf(
          rewriter, loc, query, cos, sin,
          createEmpty(rewriter, loc,
                      tensor::getMixedSizes(rewriter, loc, query),
                      queryType.getElementType()));
    }
    OpFoldResult kvSeq = tensor::getMixedSize(rewriter, loc, key, 0);
    OpFoldResult headDim = tensor::getMixedSize(rewriter, loc, query, 2);
    OpFoldResult valueDim = sizeOf(rewriter, loc, resultType, 2, value, 2);
    Value init =
        createEmpty(rewriter, loc,
                    {seq, rewriter.getIndexAttr(heads), valueDim}, elementType);
    Value seqValue = getValueOrCreateConstantIndexOp(rewriter, loc, seq);
    Value kvSeqValue = getValueOrCreateConstantIndexOp(rewriter, loc, kvSeq);
    // Query s sits at position kv_seq - seq + s.
    Value firstPosition =
        arith::SubIOp::create(rewriter, loc, kvSeqValue, seqValue);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value headCount = arith::ConstantIndexOp::create(rewriter, loc, heads);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, headCount, one, ValueRange{init},
        [&](OpBuilder &b, Location nested, Value head, ValueRange iterArgs) {
          Value groupSize = arith::ConstantIndexOp::create(b, nested, group);
          Value kvHead = arith::DivUIOp::create(b, nested, head, groupSize);
          OpFoldResult unit = b.getIndexAttr(1), origin = b.getIndexAttr(0);
          SmallVector<OpFoldResult> strides(3, unit);
          auto slice = [&](Value source, Value headIndex, OpFoldResult rows,
                           OpFoldResult columns, Type type) -> Value {
            // A static row count gives a static slice, as the verifier of
            // tensor.extract_slice wants.
            auto sliceType = RankedTensorType::get(
                {getConstantIntValue(rows).value_or(ShapedType::kDynamic),
                 cast<RankedTensorType>(source.getType()).getDimSize(2)},
                cast<RankedTensorType>(source.getType()).getElementType());
            return tensor::ExtractSliceOp::create(
                b, nested, sliceType, source,
                ArrayRef<OpFoldResult>{origin, headIndex, origin},
                ArrayRef<OpFoldResult>{rows, unit, columns}, strides);
          };
          Value q = slice(query, head, seq, headDim, queryType);
          Value k = slice(key, kvHead, kvSeq, headDim, keyType);
          Value v = slice(value, kvHead, kvSeq,
                          tensor::getMixedSize(b, nested, value, 2), valueType);
          Value probabilities = buildSoftmaxScores(
              b, nested, op, q, k, seq, kvSeq, firstPosition, accType);
          Value out = buildWeightedValues(b, nested, probabilities, v, seq,
                                          valueDim, accType, elementType);
          Value updated = tensor::InsertSliceOp::create(
              b, nested, out, iterArgs[0],
              ArrayRef<OpFoldResult>{origin, head, origin},
              ArrayRef<OpFoldResult>{seq, unit, valueDim}, strides);
          scf::YieldOp::create(b, nested, updated);
        });
    Value result = loop.getResult(0);
    if (result.getType() != resultType)
      result = tensor::CastOp::create(rewriter, loc, resultType, result);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// exp(scale * q k^T + mask - rowmax) of one head, [seq, kv_seq] in
  /// `accType`: the softmax before the division by the row sums, which
  /// buildWeightedValues applies to the (smaller) output instead.
  Value buildSoftmaxScores(OpBuilder &b, Location loc, AttentionOp op, Value q,
                           Value k, OpFoldResult seq, OpFoldResult kvSeq,
                           Value firstPosition, FloatType accType) const {
    MLIRContext *context = b.getContext();
    AffineExpr s = getAffineDimExpr(0, context),
               t = getAffineDimExpr(1, context),
               d = getAffineDimExpr(2, context);
    Value scores = createFilled(b, loc, {seq, kvSeq}, accType, 0.0);
    auto dot = linalg::GenericOp::create(
        b, loc, scores.getType(), ValueRange{q, k}, scores,
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, d}, context),
                            AffineMap::get(3, 0, {t, d}, context),
                            AffineMap::get(3, 0, {s, t}, context)},
        iterators(2, 1), [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value product =
              arith::MulFOp::create(nb, nl, castFloat(nb, nl, args[0], accType),
                                    castFloat(nb, nl, args[1], accType));
          linalg::YieldOp::create(
              nb, nl,
              arith::AddFOp::create(nb, nl, args[2], product).getResult());
        });

    // Scale, then hide the keys a query may not see behind -inf. Every query
    // sees at least its own position, so no row is all -inf.
    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();
    std::optional<int64_t> window = op.getSlidingWindow();
    AffineMap identity = b.getMultiDimIdentityMap(2);
    auto masked = linalg::GenericOp::create(
        b, loc, scores.getType(), ValueRange{}, dot.getResult(0),
        ArrayRef<AffineMap>{identity}, iterators(2),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value scaled = arith::MulFOp::create(
              nb, nl, args[0],
              arith::ConstantOp::create(nb, nl,
                                        nb.getFloatAttr(accType, scale)));
          if (causal) {
            Value row = linalg::IndexOp::create(nb, nl, 0);
            Value column = linalg::IndexOp::create(nb, nl, 1);
            Value position = arith::AddIOp::create(nb, nl, firstPosition, row);
            Value visible =
                buildCausalVisibility(nb, nl, column, position, window);
            Value hidden = arith::ConstantOp::create(
                nb, nl,
                nb.getFloatAttr(accType,
                                -std::numeric_limits<double>::infinity()));
            scaled = arith::SelectOp::create(nb, nl, visible, scaled, hidden);
          }
          linalg::YieldOp::create(nb, nl, scaled);
        });

    // Row maxima, then exp(x - max) in place.
    AffineMap rows = AffineMap::get(2, 0, {s}, context);
    Value maxInit = createFilled(b, loc, {seq}, accType,
                                 -std::numeric_limits<double>::infinity());
    auto rowMax = linalg::GenericOp::create(
        b, loc, maxInit.getType(), masked.getResult(0), maxInit,
        ArrayRef<AffineMap>{identity, rows}, iterators(1, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          linalg::YieldOp::create(
              nb, nl,
              arith::MaximumFOp::create(nb, nl, args[0], args[1]).getResult());
        });
    auto exponentials = linalg::GenericOp::create(
        b, loc, scores.getType(), rowMax.getResult(0), masked.getResult(0),
        ArrayRef<AffineMap>{rows, identity}, iterators(2),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value shifted = arith::SubFOp::create(nb, nl, args[1], args[0]);
          linalg::YieldOp::create(
              nb, nl, math::ExpOp::create(nb, nl, shifted).getResult());
        });
    return exponentials.getResult(0);
  }

  /// (sum_t p[s, t] v[t, :]) / (sum_t p[s, t]), narrowed to the element type.
  /// The loops run (s, t, e) so that the innermost walks a row of v.
  Value buildWeightedValues(OpBuilder &b, Location loc, Value p, Value v,
                            OpFoldResult seq, OpFoldResult valueDim,
                            FloatType accType, Type elementType) const {
    MLIRContext *context = b.getContext();
    AffineExpr s = getAffineDimExpr(0, context),
               t = getAffineDimExpr(1, context),
               e = getAffineDimExpr(2, context);
    AffineMap identity = b.getMultiDimIdentityMap(2);
    AffineMap rows = AffineMap::get(2, 0, {s}, context);
    Value sumInit = createFilled(b, loc, {seq}, accType, 0.0);
    auto sums = linalg::GenericOp::create(
        b, loc, sumInit.getType(), p, sumInit,
        ArrayRef<AffineMap>{identity, rows}, iterators(1, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          linalg::YieldOp::create(
              nb, nl,
              arith::AddFOp::create(nb, nl, args[1], args[0]).getResult());
        });

    Value accInit = createFilled(b, loc, {seq, valueDim}, accType, 0.0);
    SmallVector<utils::IteratorType> order = {utils::IteratorType::parallel,
                                              utils::IteratorType::reduction,
                                              utils::IteratorType::parallel};
    auto weighted = linalg::GenericOp::create(
        b, loc, accInit.getType(), ValueRange{p, v}, accInit,
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, t}, context),
                            AffineMap::get(3, 0, {t, e}, context),
                            AffineMap::get(3, 0, {s, e}, context)},
        order, [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value product = arith::MulFOp::create(
              nb, nl, args[0], castFloat(nb, nl, args[1], accType));
          linalg::YieldOp::create(
              nb, nl,
              arith::AddFOp::create(nb, nl, args[2], product).getResult());
        });

    Value outInit = createEmpty(b, loc, {seq, valueDim}, elementType);
    auto normalised = linalg::GenericOp::create(
        b, loc, outInit.getType(),
        ValueRange{weighted.getResult(0), sums.getResult(0)}, outInit,
        ArrayRef<AffineMap>{identity, rows, identity}, iterators(2),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value quotient = arith::DivFOp::create(nb, nl, args[0], args[1]);
          linalg::YieldOp::create(nb, nl,
                                  castFloat(nb, nl, quotient, elementType));
        });
    return normalised.getResult(0);
  }
};

} // namespace

void mlir::attn::populateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToLinalg>(patterns.getContext());
}
