//===- TileAttention.cpp - FlashAttention-style attention -----------------===//
//
// attn.attention becomes, per query head (an scf.forall, so heads run on
// different threads) and per block of queries, a loop over blocks of keys
// that carries the running row maximum m, the running sum l of
// exp(score - m) and the unnormalised output acc. Each key block rescales l
// and acc by exp(m_old - m_new), so that no more than a [query block, key
// block] tile of scores ever exists: memory is linear in the sequence
// length. Key blocks that the causal mask or the sliding window hide from
// every query of the block are not visited at all.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"
#include "attn/Transforms/TiledAttention.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_TILEATTENTIONPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

/// Builds the blocked loop nest of one attn.attention.
class FlashAttentionBuilder {
public:
  FlashAttentionBuilder(OpBuilder &b, AttentionOp op, int64_t queryBlock,
                        int64_t keyBlock)
      : b(b), op(op), loc(op.getLoc()), context(op.getContext()),
        queryBlock(queryBlock), keyBlock(keyBlock) {
    elementType = op.getResult().getType().getElementType();
    auto floatType = cast<FloatType>(elementType);
    accType = floatType.getWidth() >= 32 ? floatType : b.getF32Type();
  }

  Value build() {
    Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
    auto resultType = op.getResult().getType();
    int64_t heads = cast<RankedTensorType>(query.getType()).getDimSize(1);
    int64_t kvHeads = cast<RankedTensorType>(key.getType()).getDimSize(1);
    int64_t group = heads / kvHeads;

    seq = tensor::getMixedSize(b, loc, query, 0);
    kvSeq = tensor::getMixedSize(b, loc, key, 0);
    headDim = tensor::getMixedSize(b, loc, query, 2);
    valueDim = tensor::getMixedSize(b, loc, value, 2);
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    Value kvSeqValue = getValueOrCreateConstantIndexOp(b, loc, kvSeq);
    // Query s sits at position kv_seq - seq + s.
    firstPosition = arith::SubIOp::create(b, loc, kvSeqValue, seqValue);

    Value init = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{seq, b.getIndexAttr(heads), valueDim},
        elementType);
    auto forall = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(heads)}, ValueRange{init},
        std::nullopt, [&](OpBuilder &nested, Location, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value head = args[0], shared = args[1];
          Value kvHead = arith::DivUIOp::create(b, loc, head, index(group));
          Value updated =
              forEachQueryBlock(query, key, value, head, kvHead, shared);
          auto inParallel = scf::InParallelOp::create(b, loc);
          b.setInsertionPointToStart(inParallel.getBody());
          tensor::ParallelInsertSliceOp::create(
              b, loc, updated, shared,
              ArrayRef<OpFoldResult>{b.getIndexAttr(0), head,
                                     b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{seq, b.getIndexAttr(1), valueDim},
              unitStrides(3));
        });
    // --attn-vectorize-attention takes these once they are on buffers.
    forall.walk([&](linalg::GenericOp generic) {
      generic->setAttr(kTiledAttentionAttrName, b.getUnitAttr());
    });
    Value result = forall.getResult(0);
    if (result.getType() != resultType)
      result = tensor::CastOp::create(b, loc, resultType, result);
    return result;
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  SmallVector<OpFoldResult> unitStrides(int64_t rank) {
    return SmallVector<OpFoldResult>(rank, b.getIndexAttr(1));
  }

  /// rows x columns of `source` [n, heads, d] at (first, head, 0), as a 2-D
  /// tensor.
  Value slice(Value source, Value first, Value head, Value rows,
              OpFoldResult columns) {
    auto sourceType = cast<RankedTensorType>(source.getType());
    auto type =
        RankedTensorType::get({ShapedType::kDynamic, sourceType.getDimSize(2)},
                              sourceType.getElementType());
    return tensor::ExtractSliceOp::create(
        b, loc, type, source,
        ArrayRef<OpFoldResult>{first, head, b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rows, b.getIndexAttr(1), columns},
        unitStrides(3));
  }

  Value filled(ArrayRef<OpFoldResult> sizes, Type type, double value) {
    Value empty = tensor::EmptyOp::create(b, loc, sizes, type);
    Value scalar =
        arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
    return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
  }

  Value toAcc(OpBuilder &nb, Location nl, Value value) {
    auto from = cast<FloatType>(value.getType());
    if (from == accType)
      return value;
    return arith::ExtFOp::create(nb, nl, accType, value);
  }

  AffineExpr dim(unsigned position) {
    return getAffineDimExpr(position, context);
  }

  SmallVector<utils::IteratorType> kinds(int64_t parallel,
                                         int64_t reductions = 0) {
    SmallVector<utils::IteratorType> result(parallel,
                                            utils::IteratorType::parallel);
    result.append(reductions, utils::IteratorType::reduction);
    return result;
  }

  /// The output [seq, valueDim] of one head, a block of queries at a time.
  Value forEachQueryBlock(Value query, Value key, Value value, Value head,
                          Value kvHead, Value shared) {
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    Value headOut = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{seq, valueDim}, elementType);
    auto loop = scf::ForOp::create(
        b, loc, index(0), seqValue, index(queryBlock), ValueRange{headOut},
        [&](OpBuilder &nested, Location, Value first, ValueRange iterArgs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value rows = arith::MinUIOp::create(
              b, loc, index(queryBlock),
              arith::SubIOp::create(b, loc, seqValue, first));
          Value q = slice(query, first, head, rows, headDim);
          Value out = attendBlock(q, key, value, kvHead, first, rows);
          Value updated = tensor::InsertSliceOp::create(
              b, loc, out, iterArgs[0],
              ArrayRef<OpFoldResult>{first, b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{rows, valueDim}, unitStrides(2));
          scf::YieldOp::create(b, loc, updated);
        });
    return loop.getResult(0);
  }

  /// The normalised output [rows, valueDim] of the queries first ..
  /// first + rows of one head.
  Value attendBlock(Value q, Value key, Value value, Value kvHead, Value first,
                    Value rows) {
    // Positions of the first and last query of the block.
    Value lowPosition = arith::AddIOp::create(b, loc, firstPosition, first);
    Value highPosition = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, lowPosition, rows), index(1));
    Value kvSeqValue = getValueOrCreateConstantIndexOp(b, loc, kvSeq);
    Value begin = index(0), end = kvSeqValue;
    if (op.getCausal()) {
      end = arith::MinUIOp::create(
          b, loc, kvSeqValue,
          arith::AddIOp::create(b, loc, highPosition, index(1)));
      if (std::optional<int64_t> window = op.getSlidingWindow()) {
        // The first key the lowest query sees: position - window + 1, down
        // to a multiple of the key block.
        Value reach = index(*window - 1);
        Value lowest = arith::SelectOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                  lowPosition, reach),
            arith::SubIOp::create(b, loc, lowPosition, reach), index(0));
        Value blockSize = index(keyBlock);
        begin = arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lowest, blockSize),
            blockSize);
      }
    }

    Value maxInit = filled({rows}, accType, kMinusInfinity);
    Value sumInit = filled({rows}, accType, 0.0);
    Value accInit = filled({rows, valueDim}, accType, 0.0);
    auto loop = scf::ForOp::create(
        b, loc, begin, end, index(keyBlock),
        ValueRange{maxInit, sumInit, accInit},
        [&](OpBuilder &nested, Location, Value keyFirst, ValueRange state) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value columns = arith::MinUIOp::create(
              b, loc, index(keyBlock),
              arith::SubIOp::create(b, loc, end, keyFirst));
          Value k = slice(key, keyFirst, kvHead, columns, headDim);
          Value v = slice(value, keyFirst, kvHead, columns, valueDim);
          Value scores =
              maskedScores(q, k, rows, columns, lowPosition, keyFirst);
          SmallVector<Value> next =
              onlineSoftmaxStep(scores, v, rows, state[0], state[1], state[2]);
          scf::YieldOp::create(b, loc, next);
        });

    // acc / l, narrowed to the element type.
    AffineMap identity = b.getMultiDimIdentityMap(2);
    AffineMap perRow = AffineMap::get(2, 0, {dim(0)}, context);
    Value outInit = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{rows, valueDim}, elementType);
    return linalg::GenericOp::create(
               b, loc, outInit.getType(),
               ValueRange{loop.getResult(2), loop.getResult(1)}, outInit,
               ArrayRef<AffineMap>{identity, perRow, identity}, kinds(2),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value quotient =
                     arith::DivFOp::create(nb, nl, args[0], args[1]);
                 if (quotient.getType() != elementType)
                   quotient =
                       arith::TruncFOp::create(nb, nl, elementType, quotient);
                 linalg::YieldOp::create(nb, nl, quotient);
               })
        .getResult(0);
  }

  /// scale * q k^T with hidden keys at -inf, [rows, columns] in accType.
  Value maskedScores(Value q, Value k, Value rows, Value columns,
                     Value lowPosition, Value keyFirst) {
    AffineExpr s = dim(0), t = dim(1), d = dim(2);
    Value zeros = filled({rows, columns}, accType, 0.0);
    Value dot =
        linalg::GenericOp::create(
            b, loc, zeros.getType(), ValueRange{q, k}, zeros,
            ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, d}, context),
                                AffineMap::get(3, 0, {t, d}, context),
                                AffineMap::get(3, 0, {s, t}, context)},
            kinds(2, 1),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value product = arith::MulFOp::create(
                  nb, nl, toAcc(nb, nl, args[0]), toAcc(nb, nl, args[1]));
              linalg::YieldOp::create(
                  nb, nl,
                  arith::AddFOp::create(nb, nl, args[2], product).getResult());
            })
            .getResult(0);

    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();
    std::optional<int64_t> window = op.getSlidingWindow();
    AffineMap identity = b.getMultiDimIdentityMap(2);
    return linalg::GenericOp::create(
               b, loc, dot.getType(), ValueRange{}, dot,
               ArrayRef<AffineMap>{identity}, kinds(2),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value scaled = arith::MulFOp::create(
                     nb, nl, args[0],
                     arith::ConstantOp::create(
                         nb, nl, nb.getFloatAttr(accType, scale)));
                 if (causal) {
                   Value position = arith::AddIOp::create(
                       nb, nl, lowPosition, linalg::IndexOp::create(nb, nl, 0));
                   Value column = arith::AddIOp::create(
                       nb, nl, keyFirst, linalg::IndexOp::create(nb, nl, 1));
                   Value visible = arith::CmpIOp::create(
                       nb, nl, arith::CmpIPredicate::ule, column, position);
                   if (window) {
                     Value widened = arith::AddIOp::create(
                         nb, nl, column,
                         arith::ConstantIndexOp::create(nb, nl, *window));
                     visible = arith::AndIOp::create(
                         nb, nl, visible,
                         arith::CmpIOp::create(nb, nl,
                                               arith::CmpIPredicate::ugt,
                                               widened, position));
                   }
                   Value hidden = arith::ConstantOp::create(
                       nb, nl, nb.getFloatAttr(accType, kMinusInfinity));
                   scaled =
                       arith::SelectOp::create(nb, nl, visible, scaled, hidden);
                 }
                 linalg::YieldOp::create(nb, nl, scaled);
               })
        .getResult(0);
  }

  /// One key block of the online softmax: the new (m, l, acc).
  SmallVector<Value> onlineSoftmaxStep(Value scores, Value v, Value rows,
                                       Value maxOld, Value sumOld,
                                       Value accOld) {
    AffineExpr s = dim(0), t = dim(1), e = dim(2);
    AffineMap identity = b.getMultiDimIdentityMap(2);
    AffineMap perRow = AffineMap::get(2, 0, {s}, context);
    AffineMap identity1 = b.getMultiDimIdentityMap(1);

    // m_new = max(m_old, max_t scores).
    Value maxNew = linalg::GenericOp::create(
                       b, loc, maxOld.getType(), scores, maxOld,
                       ArrayRef<AffineMap>{identity, perRow}, kinds(1, 1),
                       [&](OpBuilder &nb, Location nl, ValueRange args) {
                         linalg::YieldOp::create(
                             nb, nl,
                             arith::MaximumFOp::create(nb, nl, args[0], args[1])
                                 .getResult());
                       })
                       .getResult(0);

    // A row whose keys so far are all hidden has m = -inf; exponents are
    // taken against 0 instead, which gives exp(-inf) = 0 rather than NaN.
    auto safe = [&](OpBuilder &nb, Location nl, Value max) -> Value {
      Value isInfinite = arith::CmpFOp::create(
          nb, nl, arith::CmpFPredicate::OEQ, max,
          arith::ConstantOp::create(nb, nl,
                                    nb.getFloatAttr(accType, kMinusInfinity)));
      return arith::SelectOp::create(
          nb, nl, isInfinite,
          arith::ConstantOp::create(nb, nl, nb.getFloatAttr(accType, 0.0)),
          max);
    };

    // p = exp(scores - m_new), in place of the scores.
    Value p =
        linalg::GenericOp::create(
            b, loc, scores.getType(), maxNew, scores,
            ArrayRef<AffineMap>{perRow, identity}, kinds(2),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value shifted =
                  arith::SubFOp::create(nb, nl, args[1], safe(nb, nl, args[0]));
              linalg::YieldOp::create(
                  nb, nl, math::ExpOp::create(nb, nl, shifted).getResult());
            })
            .getResult(0);

    // alpha = exp(m_old - m_new), the factor for what was summed before.
    Value alphaInit =
        tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows}, accType);
    Value alpha =
        linalg::GenericOp::create(
            b, loc, alphaInit.getType(), ValueRange{maxOld, maxNew}, alphaInit,
            ArrayRef<AffineMap>{identity1, identity1, identity1}, kinds(1),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value shifted =
                  arith::SubFOp::create(nb, nl, args[0], safe(nb, nl, args[1]));
              linalg::YieldOp::create(
                  nb, nl, math::ExpOp::create(nb, nl, shifted).getResult());
            })
            .getResult(0);

    // l_new = l_old * alpha + sum_t p.
    Value sumScaled =
        linalg::GenericOp::create(
            b, loc, sumOld.getType(), alpha, sumOld,
            ArrayRef<AffineMap>{identity1, identity1}, kinds(1),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(
                  nb, nl,
                  arith::MulFOp::create(nb, nl, args[1], args[0]).getResult());
            })
            .getResult(0);
    Value sumNew =
        linalg::GenericOp::create(
            b, loc, sumOld.getType(), p, sumScaled,
            ArrayRef<AffineMap>{identity, perRow}, kinds(1, 1),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(
                  nb, nl,
                  arith::AddFOp::create(nb, nl, args[1], args[0]).getResult());
            })
            .getResult(0);

    // acc_new = acc_old * alpha + p v, with loops (s, t, e) so that the
    // innermost walks a row of v.
    Value accScaled =
        linalg::GenericOp::create(
            b, loc, accOld.getType(), alpha, accOld,
            ArrayRef<AffineMap>{perRow, identity}, kinds(2),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              linalg::YieldOp::create(
                  nb, nl,
                  arith::MulFOp::create(nb, nl, args[1], args[0]).getResult());
            })
            .getResult(0);
    SmallVector<utils::IteratorType> order = {utils::IteratorType::parallel,
                                              utils::IteratorType::reduction,
                                              utils::IteratorType::parallel};
    Value accNew =
        linalg::GenericOp::create(
            b, loc, accOld.getType(), ValueRange{p, v}, accScaled,
            ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, t}, context),
                                AffineMap::get(3, 0, {t, e}, context),
                                AffineMap::get(3, 0, {s, e}, context)},
            order,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value product = arith::MulFOp::create(nb, nl, args[0],
                                                    toAcc(nb, nl, args[1]));
              linalg::YieldOp::create(
                  nb, nl,
                  arith::AddFOp::create(nb, nl, args[2], product).getResult());
            })
            .getResult(0);
    return {maxNew, sumNew, accNew};
  }

  OpBuilder &b;
  AttentionOp op;
  Location loc;
  MLIRContext *context;
  int64_t queryBlock, keyBlock;
  Type elementType;
  FloatType accType;
  OpFoldResult seq, kvSeq, headDim, valueDim;
  Value firstPosition;
};

/// Whether both sequence lengths are known to fit in one block, where the
/// plain lowering already is one tile.
bool fitsOneBlock(AttentionOp op, int64_t queryBlock, int64_t keyBlock) {
  auto queryType = cast<RankedTensorType>(op.getQuery().getType());
  auto keyType = cast<RankedTensorType>(op.getKey().getType());
  return !queryType.isDynamicDim(0) && !keyType.isDynamicDim(0) &&
         queryType.getDimSize(0) <= queryBlock &&
         keyType.getDimSize(0) <= keyBlock;
}

struct TileAttention : public attn::impl::TileAttentionPassBase<TileAttention> {
  using Base::Base;

  void runOnOperation() override {
    if (queryBlock < 1 || keyBlock < 1) {
      getOperation()->emitError()
          << "attn-tile-attention: query-block and key-block must be "
             "positive (got "
          << int64_t(queryBlock) << ", " << int64_t(keyBlock) << ")";
      return signalPassFailure();
    }
    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) {
      if (!fitsOneBlock(op, queryBlock, keyBlock))
        ops.push_back(op);
    });
    for (AttentionOp op : ops) {
      IRRewriter rewriter(op);
      Value result =
          FlashAttentionBuilder(rewriter, op, queryBlock, keyBlock).build();
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
