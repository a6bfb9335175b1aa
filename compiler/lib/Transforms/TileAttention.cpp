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
// A fused rotation of the queries (attn.attention's `rope`) takes cos/sin
// tables built once per op and rotates each query block as it is sliced,
// so the queries are never rotated in a pass of their own.
//
// With `split-kv`, a single query (decode) over a long enough key range runs
// flash-decoding: the keys are cut into chunks, an scf.forall over (head,
// chunk) leaves a partial (row max, row sum, unnormalised output) per
// chunk, and a combine step rescales each by exp(m_chunk - m) before the
// division. Other shapes take the per-head loop above; the choice is made at
// run time because decode and prefill share one function.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"
#include "attn/Transforms/TiledAttention.h"

#include "attn/Conversion/AttentionMask.h"
#include "attn/Conversion/RopeLowering.h"
#include "attn/Dialect/Attn/AttnOps.h"
#include "attn/Dialect/Attn/RopeParams.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

/// The block sizes and the flash-decoding split of the pass options.
struct TilingPlan {
  int64_t queryBlock, keyBlock;
  bool splitKV;
  /// Fewest keys per chunk, so that a short context runs in one piece.
  int64_t splitMinKeys;
  /// Most chunks per head.
  int64_t splitMaxChunks;
};

/// Builds the blocked loop nest of one attn.attention.
class FlashAttentionBuilder {
public:
  FlashAttentionBuilder(OpBuilder &b, AttentionOp op, const TilingPlan &plan)
      : b(b), op(op), loc(op.getLoc()), context(op.getContext()),
        queryBlock(plan.queryBlock), keyBlock(plan.keyBlock), plan(plan) {
    elementType = op.getResult().getType().getElementType();
    auto floatType = cast<FloatType>(elementType);
    accType = floatType.getWidth() >= 32 ? floatType : b.getF32Type();
  }

  Value build() {
    Value query = op.getQuery();
    auto resultType = op.getResult().getType();
    heads = cast<RankedTensorType>(query.getType()).getDimSize(1);
    int64_t kvHeads =
        cast<RankedTensorType>(op.getKey().getType()).getDimSize(1);
    group = heads / kvHeads;

    seq = tensor::getMixedSize(b, loc, query, 0);
    kvSeq = tensor::getMixedSize(b, loc, op.getKey(), 0);
    headDim = tensor::getMixedSize(b, loc, query, 2);
    valueDim = tensor::getMixedSize(b, loc, op.getValue(), 2);
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    Value kvSeqValue = getValueOrCreateConstantIndexOp(b, loc, kvSeq);
    // Query s sits at position kv_seq - seq + s.
    firstPosition = arith::SubIOp::create(b, loc, kvSeqValue, seqValue);
    if (std::optional<RopeParams> rope = getQueryRopeParams(op)) {
      auto queryType = cast<RankedTensorType>(query.getType());
      std::tie(ropeCos, ropeSin) =
          buildRopeTables(b, loc, *rope, op.getRopeOffset(), seq,
                          queryType.getDimSize(2), queryType.getElementType());
    }

    Value result = plan.splitKV && maySplit() ? splitOrPerHead() : perHead();
    if (result.getType() != resultType)
      result = tensor::CastOp::create(b, loc, resultType, result);
    return result;
  }

private:
  /// The output [seq, heads, valueDim], an scf.forall over query heads.
  Value perHead() {
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
          Value updated = forEachQueryBlock(head, kvHead);
          auto inParallel = scf::InParallelOp::create(b, loc);
          b.setInsertionPointToStart(inParallel.getBody());
          tensor::ParallelInsertSliceOp::create(
              b, loc, updated, shared,
              ArrayRef<OpFoldResult>{b.getIndexAttr(0), head,
                                     b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{seq, b.getIndexAttr(1), valueDim},
              unitStrides(3));
        });
    markForVectorization(forall);
    return forall.getResult(0);
  }

  /// --attn-vectorize-attention takes these once they are on buffers.
  void markForVectorization(scf::ForallOp forall) {
    forall.walk([&](linalg::GenericOp generic) {
      generic->setAttr(kTiledAttentionAttrName, b.getUnitAttr());
    });
  }

  /// Whether the static sizes leave flash-decoding possible: one query, and
  /// room for two chunks of keys.
  bool maySplit() {
    auto queryType = cast<RankedTensorType>(op.getQuery().getType());
    auto keyType = cast<RankedTensorType>(op.getKey().getType());
    if (!queryType.isDynamicDim(0) && queryType.getDimSize(0) != 1)
      return false;
    return keyType.isDynamicDim(0) ||
           keyType.getDimSize(0) >= 2 * plan.splitMinKeys;
  }

  /// Flash-decoding when there is one query and enough keys for two
  /// chunks of at least splitMinKeys, else perHead().
  Value splitOrPerHead() {
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    Value begin, end;
    std::tie(begin, end) = keyRange(firstPosition, seqValue);
    Value span = arith::SubIOp::create(b, loc, end, begin);
    Value wanted = arith::MinUIOp::create(
        b, loc, index(plan.splitMaxChunks),
        arith::DivUIOp::create(b, loc, span, index(plan.splitMinKeys)));
    Value decode = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         seqValue, index(1));
    Value split = arith::AndIOp::create(
        b, loc, decode,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, wanted,
                              index(2)));
    auto ifOp = scf::IfOp::create(
        b, loc, split,
        [&](OpBuilder &nested, Location) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          // Chunks of whole key blocks; recounted after the rounding so that
          // none is empty.
          Value perChunk = ceilDiv(
              ceilDiv(span, arith::MaxUIOp::create(b, loc, wanted, index(1))),
              index(keyBlock));
          Value chunkLength =
              arith::MulIOp::create(b, loc, perChunk, index(keyBlock));
          Value chunks = ceilDiv(span, chunkLength);
          scf::YieldOp::create(b, loc,
                               splitKeys(begin, end, chunkLength, chunks));
        },
        [&](OpBuilder &nested, Location) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          scf::YieldOp::create(b, loc, perHead());
        });
    return ifOp.getResult(0);
  }

  Value ceilDiv(Value dividend, Value divisor) {
    return arith::CeilDivUIOp::create(b, loc, dividend, divisor);
  }

  /// The flash-decoding form: partials per (head, chunk), then combined.
  Value splitKeys(Value begin, Value end, Value chunkLength, Value chunks) {
    Value seqValue = getValueOrCreateConstantIndexOp(b, loc, seq);
    OpFoldResult headCount = b.getIndexAttr(heads), one = b.getIndexAttr(1),
                 zero = b.getIndexAttr(0);
    Value maxes = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{headCount, chunks, seq}, accType);
    Value sums = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{headCount, chunks, seq}, accType);
    Value accs = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{headCount, chunks, seq, valueDim},
        accType);
    auto forall = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{headCount, chunks},
        ValueRange{maxes, sums, accs}, std::nullopt,
        [&](OpBuilder &nested, Location, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nested.getInsertionBlock(),
                              nested.getInsertionPoint());
          Value head = args[0], chunk = args[1];
          Value kvHead = arith::DivUIOp::create(b, loc, head, index(group));
          Value chunkBegin = arith::MinUIOp::create(
              b, loc, end,
              arith::AddIOp::create(
                  b, loc, begin,
                  arith::MulIOp::create(b, loc, chunk, chunkLength)));
          Value chunkEnd = arith::MinUIOp::create(
              b, loc, end,
              arith::AddIOp::create(b, loc, chunkBegin, chunkLength));
          Value q = loadQueries(index(0), head, seqValue);
          SmallVector<Value> partial =
              keyLoop(q, kvHead, seqValue, firstPosition, chunkBegin, chunkEnd);
          // The partials have a dynamic row count; the shared tensors may
          // know it statically.
          std::optional<int64_t> staticRows = getConstantIntValue(seq);
          if (staticRows)
            for (Value &value : partial) {
              auto type = cast<RankedTensorType>(value.getType());
              SmallVector<int64_t> shape(type.getShape());
              shape[0] = *staticRows;
              value = tensor::CastOp::create(b, loc, type.clone(shape), value);
            }
          auto inParallel = scf::InParallelOp::create(b, loc);
          b.setInsertionPointToStart(inParallel.getBody());
          for (int64_t i = 0; i < 2; ++i)
            tensor::ParallelInsertSliceOp::create(
                b, loc, partial[i], args[2 + i],
                ArrayRef<OpFoldResult>{head, chunk, zero},
                ArrayRef<OpFoldResult>{one, one, seq}, unitStrides(3));
          tensor::ParallelInsertSliceOp::create(
              b, loc, partial[2], args[4],
              ArrayRef<OpFoldResult>{head, chunk, zero, zero},
              ArrayRef<OpFoldResult>{one, one, seq, valueDim}, unitStrides(4));
        });
    markForVectorization(forall);
    return combineChunks(forall.getResult(0), forall.getResult(1),
                         forall.getResult(2), chunks);
  }

  /// out[s, n, e] = sum_c acc[n, c, s, e] w[n, c, s] / sum_c l[n, c, s]
  /// w[n, c, s] with w = exp(m[n, c, s] - max_c m[n, c, s]).
  Value combineChunks(Value maxes, Value sums, Value accs, Value chunks) {
    OpFoldResult headCount = b.getIndexAttr(heads);
    AffineExpr n = dim(0), s = dim(1), c = dim(2);
    // Loops (n, s, c) with c reduced.
    AffineMap partial3 = AffineMap::get(3, 0, {n, c, s}, context);
    AffineMap row3 = AffineMap::get(3, 0, {n, s}, context);
    Value maxInit = filled({headCount, seq}, accType, kMinusInfinity);
    Value globalMax = generic(
        maxes, maxInit, ArrayRef<AffineMap>{partial3, row3}, kinds(2, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::MaximumFOp::create(nb, nl, args[0], args[1])
              .getResult();
        });
    // w, loops (n, c, s).
    AffineMap identity3 = b.getMultiDimIdentityMap(3);
    AffineMap rowOfPartial = AffineMap::get(3, 0, {dim(0), dim(2)}, context);
    Value weightsInit = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{headCount, chunks, seq}, accType);
    Value weights = generic(
        ValueRange{maxes, globalMax}, weightsInit,
        ArrayRef<AffineMap>{identity3, rowOfPartial, identity3}, kinds(3),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value shifted =
              arith::SubFOp::create(nb, nl, args[0], safeMax(nb, nl, args[1]));
          return math::ExpOp::create(nb, nl, shifted).getResult();
        });
    Value totalInit = filled({headCount, seq}, accType, 0.0);
    Value total = generic(
        ValueRange{sums, weights}, totalInit,
        ArrayRef<AffineMap>{partial3, partial3, row3}, kinds(2, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value weighted = arith::MulFOp::create(nb, nl, args[0], args[1]);
          return arith::AddFOp::create(nb, nl, args[2], weighted).getResult();
        });
    // Loops (s, n, e, c) with c reduced: the weighted sum of the outputs.
    OpFoldResult sizes[] = {seq, headCount, valueDim};
    AffineExpr s4 = dim(0), n4 = dim(1), e4 = dim(2), c4 = dim(3);
    Value outputsInit = filled(sizes, accType, 0.0);
    Value outputs = generic(
        ValueRange{accs, weights}, outputsInit,
        ArrayRef<AffineMap>{AffineMap::get(4, 0, {n4, c4, s4, e4}, context),
                            AffineMap::get(4, 0, {n4, c4, s4}, context),
                            AffineMap::get(4, 0, {s4, n4, e4}, context)},
        kinds(3, 1), [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value weighted = arith::MulFOp::create(nb, nl, args[0], args[1]);
          return arith::AddFOp::create(nb, nl, args[2], weighted).getResult();
        });
    Value init = tensor::EmptyOp::create(b, loc, sizes, elementType);
    return generic(
        ValueRange{outputs, total}, init,
        ArrayRef<AffineMap>{b.getMultiDimIdentityMap(3),
                            AffineMap::get(3, 0, {dim(1), dim(0)}, context),
                            b.getMultiDimIdentityMap(3)},
        kinds(3), [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return narrow(nb, nl,
                        arith::DivFOp::create(nb, nl, args[0], args[1]));
        });
  }

  /// `value` (accType) in the element type.
  Value narrow(OpBuilder &nb, Location nl, Value value) {
    if (value.getType() == elementType)
      return value;
    return arith::TruncFOp::create(nb, nl, elementType, value);
  }

  /// A linalg.generic into `init` (its one result) whose body yields what
  /// `body` builds: every step of the tiled attention is one.
  Value generic(ValueRange inputs, Value init, ArrayRef<AffineMap> maps,
                ArrayRef<utils::IteratorType> iterators,
                function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
    return linalg::GenericOp::create(
               b, loc, init.getType(), inputs, init, maps, iterators,
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 linalg::YieldOp::create(nb, nl, body(nb, nl, args));
               })
        .getResult(0);
  }

  /// A row whose keys so far are all hidden has m = -inf; exponents are
  /// taken against 0 instead, which gives exp(-inf) = 0 rather than NaN.
  Value safeMax(OpBuilder &nb, Location nl, Value max) {
    Value isInfinite = arith::CmpFOp::create(
        nb, nl, arith::CmpFPredicate::OEQ, max,
        arith::ConstantOp::create(nb, nl,
                                  nb.getFloatAttr(accType, kMinusInfinity)));
    return arith::SelectOp::create(
        nb, nl, isInfinite,
        arith::ConstantOp::create(nb, nl, nb.getFloatAttr(accType, 0.0)), max);
  }

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

  /// The queries first .. first + rows of `head`, [rows, headDim], rotated
  /// here when the op carries a rotation.
  Value loadQueries(Value first, Value head, Value rows) {
    Value q = slice(op.getQuery(), first, head, rows, headDim);
    if (!ropeCos)
      return q;
    auto tableSlice = [&](Value table) -> Value {
      return tensor::ExtractSliceOp::create(
          b, loc, cast<RankedTensorType>(q.getType()), table,
          ArrayRef<OpFoldResult>{first, b.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rows, headDim}, unitStrides(2));
    };
    Value init = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{rows, headDim},
        cast<RankedTensorType>(q.getType()).getElementType());
    return buildRotateHalf(b, loc, q, tableSlice(ropeCos), tableSlice(ropeSin),
                           init);
  }

  /// The output [seq, valueDim] of one head, a block of queries at a time.
  Value forEachQueryBlock(Value head, Value kvHead) {
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
          Value q = loadQueries(first, head, rows);
          Value lowPosition =
              arith::AddIOp::create(b, loc, firstPosition, first);
          auto [begin, end] = keyRange(lowPosition, rows);
          SmallVector<Value> state =
              keyLoop(q, kvHead, rows, lowPosition, begin, end);
          Value out = normalise(state[2], state[1], rows);
          Value updated = tensor::InsertSliceOp::create(
              b, loc, out, iterArgs[0],
              ArrayRef<OpFoldResult>{first, b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{rows, valueDim}, unitStrides(2));
          scf::YieldOp::create(b, loc, updated);
        });
    return loop.getResult(0);
  }

  /// The keys [begin, end) that `rows` queries from `lowPosition` on may
  /// see, begin a multiple of the key block.
  std::pair<Value, Value> keyRange(Value lowPosition, Value rows) {
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
    return {begin, end};
  }

  /// (m, l, acc) of `rows` queries from `lowPosition` on over the keys
  /// [begin, end), a key block at a time.
  SmallVector<Value> keyLoop(Value q, Value kvHead, Value rows,
                             Value lowPosition, Value begin, Value end) {
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
          Value k = slice(op.getKey(), keyFirst, kvHead, columns, headDim);
          Value v = slice(op.getValue(), keyFirst, kvHead, columns, valueDim);
          Value scores =
              maskedScores(q, k, rows, columns, lowPosition, keyFirst);
          SmallVector<Value> next =
              onlineSoftmaxStep(scores, v, rows, state[0], state[1], state[2]);
          scf::YieldOp::create(b, loc, next);
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// acc / l, narrowed to the element type.
  Value normalise(Value acc, Value sum, Value rows) {
    AffineMap identity = b.getMultiDimIdentityMap(2);
    AffineMap perRow = AffineMap::get(2, 0, {dim(0)}, context);
    Value outInit = tensor::EmptyOp::create(
        b, loc, ArrayRef<OpFoldResult>{rows, valueDim}, elementType);
    return generic(ValueRange{acc, sum}, outInit,
                   ArrayRef<AffineMap>{identity, perRow, identity}, kinds(2),
                   [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                     return narrow(
                         nb, nl,
                         arith::DivFOp::create(nb, nl, args[0], args[1]));
                   });
  }

  /// scale * q k^T with hidden keys at -inf, [rows, columns] in accType.
  Value maskedScores(Value q, Value k, Value rows, Value columns,
                     Value lowPosition, Value keyFirst) {
    AffineExpr s = dim(0), t = dim(1), d = dim(2);
    Value zeros = filled({rows, columns}, accType, 0.0);
    Value dot = generic(
        ValueRange{q, k}, zeros,
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, d}, context),
                            AffineMap::get(3, 0, {t, d}, context),
                            AffineMap::get(3, 0, {s, t}, context)},
        kinds(2, 1), [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value product = arith::MulFOp::create(nb, nl, toAcc(nb, nl, args[0]),
                                                toAcc(nb, nl, args[1]));
          return arith::AddFOp::create(nb, nl, args[2], product).getResult();
        });

    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();
    std::optional<int64_t> window = op.getSlidingWindow();
    AffineMap identity = b.getMultiDimIdentityMap(2);
    return generic(
        ValueRange{}, dot, ArrayRef<AffineMap>{identity}, kinds(2),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value scaled = arith::MulFOp::create(
              nb, nl, args[0],
              arith::ConstantOp::create(nb, nl,
                                        nb.getFloatAttr(accType, scale)));
          if (causal) {
            Value position = arith::AddIOp::create(
                nb, nl, lowPosition, linalg::IndexOp::create(nb, nl, 0));
            Value column = arith::AddIOp::create(
                nb, nl, keyFirst, linalg::IndexOp::create(nb, nl, 1));
            Value visible =
                buildCausalVisibility(nb, nl, column, position, window);
            Value hidden = arith::ConstantOp::create(
                nb, nl, nb.getFloatAttr(accType, kMinusInfinity));
            scaled = arith::SelectOp::create(nb, nl, visible, scaled, hidden);
          }
          return scaled;
        });
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
    Value maxNew = generic(
        scores, maxOld, ArrayRef<AffineMap>{identity, perRow}, kinds(1, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::MaximumFOp::create(nb, nl, args[0], args[1])
              .getResult();
        });

    // p = exp(scores - m_new), in place of the scores.
    Value p =
        generic(maxNew, scores, ArrayRef<AffineMap>{perRow, identity}, kinds(2),
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value shifted = arith::SubFOp::create(
                      nb, nl, args[1], safeMax(nb, nl, args[0]));
                  return math::ExpOp::create(nb, nl, shifted).getResult();
                });

    // alpha = exp(m_old - m_new), the factor for what was summed before.
    Value alphaInit =
        tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows}, accType);
    Value alpha =
        generic(ValueRange{maxOld, maxNew}, alphaInit,
                ArrayRef<AffineMap>{identity1, identity1, identity1}, kinds(1),
                [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
                  Value shifted = arith::SubFOp::create(
                      nb, nl, args[0], safeMax(nb, nl, args[1]));
                  return math::ExpOp::create(nb, nl, shifted).getResult();
                });

    // l_new = l_old * alpha + sum_t p.
    Value sumScaled = generic(
        alpha, sumOld, ArrayRef<AffineMap>{identity1, identity1}, kinds(1),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::MulFOp::create(nb, nl, args[1], args[0]).getResult();
        });
    Value sumNew = generic(
        p, sumScaled, ArrayRef<AffineMap>{identity, perRow}, kinds(1, 1),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::AddFOp::create(nb, nl, args[1], args[0]).getResult();
        });

    // acc_new = acc_old * alpha + p v, with loops (s, t, e) so that the
    // innermost walks a row of v.
    Value accScaled = generic(
        alpha, accOld, ArrayRef<AffineMap>{perRow, identity}, kinds(2),
        [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          return arith::MulFOp::create(nb, nl, args[1], args[0]).getResult();
        });
    SmallVector<utils::IteratorType> order = {utils::IteratorType::parallel,
                                              utils::IteratorType::reduction,
                                              utils::IteratorType::parallel};
    Value accNew = generic(
        ValueRange{p, v}, accScaled,
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {s, t}, context),
                            AffineMap::get(3, 0, {t, e}, context),
                            AffineMap::get(3, 0, {s, e}, context)},
        order, [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
          Value product =
              arith::MulFOp::create(nb, nl, args[0], toAcc(nb, nl, args[1]));
          return arith::AddFOp::create(nb, nl, args[2], product).getResult();
        });
    return {maxNew, sumNew, accNew};
  }

  OpBuilder &b;
  AttentionOp op;
  Location loc;
  MLIRContext *context;
  int64_t queryBlock, keyBlock;
  TilingPlan plan;
  int64_t heads = 0, group = 1;
  Type elementType;
  FloatType accType;
  OpFoldResult seq, kvSeq, headDim, valueDim;
  Value firstPosition;
  /// The cos/sin tables [seq, headDim] of a fused rotation of the queries.
  Value ropeCos, ropeSin;
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
    if (splitKV && (splitMinKeys < 1 || splitMaxChunks < 2)) {
      getOperation()->emitError()
          << "attn-tile-attention: split-min-keys must be positive and "
             "split-max-chunks at least 2 (got "
          << int64_t(splitMinKeys) << ", " << int64_t(splitMaxChunks) << ")";
      return signalPassFailure();
    }
    TilingPlan plan{queryBlock, keyBlock, splitKV, splitMinKeys,
                    splitMaxChunks};
    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) {
      if (!fitsOneBlock(op, queryBlock, keyBlock))
        ops.push_back(op);
    });
    for (AttentionOp op : ops) {
      IRRewriter rewriter(op);
      Value result = FlashAttentionBuilder(rewriter, op, plan).build();
      rewriter.replaceOp(op, result);
    }
  }
};

} // namespace
