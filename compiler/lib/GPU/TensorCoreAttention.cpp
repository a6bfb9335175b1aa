//===- TensorCoreAttention.cpp - FlashAttention-2 on mma.sync -------------===//
//
// A block of 4 warps owns 64 query rows of one head, 16 rows per warp. The
// warp's queries are loaded once into mma A fragments (rounded to the
// operand type). Then, per block of keys (64, or 32 when a head is wider
// than 128):
//
//   1. the block stages K [keys, head_dim] and V transposed [value_dim,
//      keys] in shared memory as packed 16-bit pairs, so that every B
//      fragment of Q.K^T and of P.V is one 32-bit load;
//   2. each warp computes its 16 x keys scores S = Q.K^T with mma.sync, in
//      f32 C fragments;
//   3. scales them by scale * log2(e) (the softmax is computed with exp2),
//      hides the keys the mask hides (only in blocks that cross the
//      diagonal, the sliding window or the end of the cache);
//   4. updates the running row max m and the running row sum l (the max
//      over the 4 lanes of a quad that share a row, by two shuffles;
//      l stays per lane and is summed once at the end), rescales the
//      output accumulators by exp2(m_old - m_new);
//   5. turns the C fragments of P = exp2(S - m) into A fragments in
//      registers (the C layout of two adjacent 8-column tiles is the A
//      layout of one 16-deep step) and accumulates P.V with mma.sync.
//
// At the end each row is divided by its sum and stored. Causal blocks stop
// at the block's last query position, and a sliding window starts at its
// first visible key, so hidden blocks are never visited. Rows past the end
// of the queries and keys past the end of the cache read their last row
// (finite values, masked or never stored) rather than branching per load.
//
//===----------------------------------------------------------------------===//

#include "AttentionKernels.h"
#include "GPUKernelBuilder.h"

#include "attn/Conversion/AttentionMask.h"
#include "attn/GPU/CUDAArch.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int64_t kWarpsPerBlock = 4;
constexpr int64_t kThreads = kWarpsPerBlock * kThreadsPerWarp;
constexpr int64_t kRowsPerWarp = kAttentionQueryRows / kWarpsPerBlock;
/// Padding words per row of a staged tile, so that the 8 rows a fragment
/// load touches fall in different banks.
constexpr int64_t kPadWords = 4;

static_assert(kRowsPerWarp == kMmaRows, "a warp owns one mma row tile");

/// Keys per block: 64, or 32 when K and V of 64 keys would not fit in the
/// 48 KiB of static shared memory.
int64_t keyBlockFor(const AttentionParams &params) {
  return params.headDim <= 128 && params.valueDim <= 128 ? 64 : 32;
}

class TensorCoreAttentionBuilder : GPUKernelBuilder {
public:
  TensorCoreAttentionBuilder(OpBuilder &b, Location loc,
                             const AttentionBuffers &buffers,
                             const AttentionParams &params)
      : GPUKernelBuilder(b, loc), bufs(buffers), params(params),
        keyBlock(keyBlockFor(params)) {}

  void build();

private:
  /// The f32 value of `buffer[row, head, column]`.
  Value load(Value buffer, Value row, Value head, Value column) {
    return toF32(
        memref::LoadOp::create(b, loc, buffer, ValueRange{row, head, column}));
  }
  /// The A fragments of this lane's query rows, one per 16 of head_dim.
  SmallVector<SmallVector<Value, 4>> loadQueryFragments(Value rowLow);
  /// Stages K and V^T of keys [first, first + keyBlock) in shared memory.
  void stageKeysAndValues(Value first);
  /// The mask's visibility of `key` to the query at `position`.
  Value isVisible(Value key, Value position);

  AttentionBuffers bufs;
  AttentionParams params;
  int64_t keyBlock;
  Value seq, kvSeq, firstPosition, kvHead, thread;
  /// The lane's row (lane / 4) and pair column (lane % 4) in mma fragments.
  Value quad, quadLane;
  Value keyTile, valueTile;
};

} // namespace

SmallVector<SmallVector<Value, 4>>
TensorCoreAttentionBuilder::loadQueryFragments(Value rowLow) {
  Value last = sub(seq, index(1));
  Value low = min(rowLow, last), high = min(add(rowLow, 8), last);
  Value head = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  SmallVector<SmallVector<Value, 4>> fragments;
  for (int64_t step = 0; step < params.headDim / kMmaDepth; ++step) {
    Value column = add(mul(quadLane, 2), step * kMmaDepth);
    auto pair = [&](Value row, Value col) {
      auto query = [&](Value c) {
        return loadQuery(b, loc, bufs, params.headDim, row, head, c);
      };
      return packOperandPair(b, loc, query(col), query(add(col, 1)),
                             params.operandType);
    };
    Value columnHigh = add(column, 8);
    fragments.push_back({pair(low, column), pair(high, column),
                         pair(low, columnHigh), pair(high, columnHigh)});
  }
  return fragments;
}

void TensorCoreAttentionBuilder::stageKeysAndValues(Value first) {
  Value last = sub(kvSeq, index(1));
  int64_t keyWords = params.headDim / 2;
  // K: consecutive threads take consecutive pairs of one key: coalesced.
  auto keys = scf::ForOp::create(b, loc, index(0), index(keyBlock * keyWords),
                                 index(kThreads));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(keys.getBody());
    Value pair = add(keys.getInductionVar(), thread);
    Value row = div(pair, keyWords), word = rem(pair, keyWords);
    Value key = min(add(first, row), last);
    Value column = mul(word, 2);
    Value packed = packOperandPair(b, loc, load(bufs.key, key, kvHead, column),
                                   load(bufs.key, key, kvHead, add(column, 1)),
                                   params.operandType);
    memref::StoreOp::create(b, loc, packed, keyTile, ValueRange{row, word});
  }
  // V^T: consecutive threads take consecutive columns of two keys.
  int64_t valuePairs = params.valueDim * (keyBlock / 2);
  auto values =
      scf::ForOp::create(b, loc, index(0), index(valuePairs), index(kThreads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(values.getBody());
  Value pair = add(values.getInductionVar(), thread);
  Value column = rem(pair, params.valueDim), word = div(pair, params.valueDim);
  Value key = add(first, mul(word, 2));
  Value packed =
      packOperandPair(b, loc, load(bufs.value, min(key, last), kvHead, column),
                      load(bufs.value, min(add(key, 1), last), kvHead, column),
                      params.operandType);
  memref::StoreOp::create(b, loc, packed, valueTile, ValueRange{column, word});
}

Value TensorCoreAttentionBuilder::isVisible(Value key, Value position) {
  Value visible = lessThan(key, kvSeq);
  if (params.causal)
    visible = both(visible, buildCausalVisibility(b, loc, key, position,
                                                  params.slidingWindow));
  return visible;
}

void TensorCoreAttentionBuilder::build() {
  const int64_t keyTiles = keyBlock / kMmaCols;
  const int64_t valueTiles = params.valueDim / kMmaCols;
  const int64_t group = params.heads / params.kvHeads;
  seq = memref::DimOp::create(b, loc, bufs.query, 0);
  kvSeq = memref::DimOp::create(b, loc, bufs.key, 0);
  firstPosition = sub(kvSeq, seq);

  // No queries, nothing to do (and no last row to clamp to).
  auto nonEmpty = scf::IfOp::create(b, loc, lessThan(index(0), seq),
                                    /*withElseRegion=*/false);
  OpBuilder::InsertionGuard outer(b);
  b.setInsertionPointToStart(nonEmpty.thenBlock());

  Type i32 = b.getI32Type();
  Type keyTileType =
      workgroupBuffer({keyBlock, params.headDim / 2 + kPadWords}, i32);
  Type valueTileType =
      workgroupBuffer({params.valueDim, keyBlock / 2 + kPadWords}, i32);
  gpu::LaunchOp launchOp =
      launch({blocksFor(seq, kAttentionQueryRows), index(params.heads)},
             kThreads, {keyTileType, valueTileType});
  keyTile = launchOp.getWorkgroupAttributions()[0];
  valueTile = launchOp.getWorkgroupAttributions()[1];
  thread = launchOp.getThreadIds().x;
  Value head = launchOp.getBlockIds().y;
  kvHead = div(head, group);
  Value warp = div(thread, kThreadsPerWarp);
  Value lane = rem(thread, kThreadsPerWarp);
  quad = div(lane, 4);
  quadLane = rem(lane, 4);

  Value blockFirstRow = mul(launchOp.getBlockIds().x, kAttentionQueryRows);
  Value rowLow = add(add(blockFirstRow, mul(warp, kRowsPerWarp)), quad);
  Value rowHigh = add(rowLow, 8);
  Value positionLow = add(firstPosition, rowLow);
  Value positionHigh = add(firstPosition, rowHigh);
  SmallVector<SmallVector<Value, 4>> query = loadQueryFragments(rowLow);

  // The keys any row of the block sees: up to its last query's position
  // when causal, from its first query's window start with a window.
  Value blockEnd = min(add(blockFirstRow, kAttentionQueryRows), seq);
  Value keysEnd = kvSeq;
  if (params.causal)
    keysEnd = min(kvSeq, add(firstPosition, blockEnd));
  Value keysBegin = index(0);
  Value blockFirstPosition = add(firstPosition, blockFirstRow);
  if (params.causal && params.slidingWindow) {
    Value reach = index(*params.slidingWindow - 1);
    Value start = select(lessThan(reach, blockFirstPosition),
                         sub(blockFirstPosition, reach), index(0));
    keysBegin = mul(div(start, keyBlock), keyBlock);
  }

  const double minusInfinity = -std::numeric_limits<double>::infinity();
  Value negInf = f32(minusInfinity);
  Value zero = f32(0.0);
  // Iteration state: m and l of the two rows, then the accumulators.
  SmallVector<Value> initial = {negInf, negInf, zero, zero};
  initial.append(valueTiles * 4, zero);
  auto keyLoop =
      scf::ForOp::create(b, loc, keysBegin, keysEnd, index(keyBlock), initial);
  {
    OpBuilder::InsertionGuard body(b);
    b.setInsertionPointToStart(keyLoop.getBody());
    Value first = keyLoop.getInductionVar();
    ValueRange state = keyLoop.getRegionIterArgs();
    // The previous block's fragment loads are done before it is replaced.
    gpu::BarrierOp::create(b, loc);
    stageKeysAndValues(first);
    gpu::BarrierOp::create(b, loc);

    // S = Q . K^T, 16 x keyBlock per warp.
    SmallVector<Value> scores;
    for (int64_t tile = 0; tile < keyTiles; ++tile) {
      SmallVector<Value> c(4, zero);
      Value keyRow = add(quad, tile * kMmaCols);
      for (int64_t step = 0; step < params.headDim / kMmaDepth; ++step) {
        Value word = add(quadLane, step * kMmaDepth / 2);
        Value bLow =
            memref::LoadOp::create(b, loc, keyTile, ValueRange{keyRow, word});
        Value bHigh = memref::LoadOp::create(b, loc, keyTile,
                                             ValueRange{keyRow, add(word, 4)});
        c = buildMmaSync(b, loc, params.operandType, query[step], {bLow, bHigh},
                         c);
      }
      scores.append(c);
    }

    // Scaled into the exp2 domain; masked where the block needs it.
    Value scale = f32(params.scale * llvm::numbers::log2e);
    for (Value &score : scores)
      score = fmul(score, scale);
    Value blockLast = add(first, keyBlock - 1);
    // Keys past the cache's end, across the diagonal or near a window's
    // edge: any window masks every block.
    Value needsMask = lessThan(kvSeq, add(first, keyBlock));
    if (params.causal)
      needsMask = either(needsMask, lessThan(blockFirstPosition, blockLast));
    if (params.causal && params.slidingWindow)
      needsMask = arith::ConstantIntOp::create(b, loc, 1, 1);
    auto masking =
        scf::IfOp::create(b, loc, TypeRange(ValueRange(scores)), needsMask,
                          /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(masking.thenBlock());
      SmallVector<Value> masked;
      for (int64_t tile = 0; tile < keyTiles; ++tile)
        for (int64_t e = 0; e < 4; ++e) {
          Value key =
              add(add(first, tile * kMmaCols + e % 2), mul(quadLane, 2));
          Value position = e < 2 ? positionLow : positionHigh;
          masked.push_back(
              select(isVisible(key, position), scores[tile * 4 + e], negInf));
        }
      scf::YieldOp::create(b, loc, masked);
      b.setInsertionPointToStart(masking.elseBlock());
      scf::YieldOp::create(b, loc, scores);
    }
    scores.assign(masking.getResults().begin(), masking.getResults().end());

    // Online softmax, row by row (the low rows are elements 0 and 1 of each
    // tile, the high rows 2 and 3).
    SmallVector<Value> next(state.begin(), state.end());
    Value isNegInf[2];
    Value rescale[2];
    for (int64_t half = 0; half < 2; ++half) {
      Value rowMax = negInf;
      for (int64_t tile = 0; tile < keyTiles; ++tile)
        for (int64_t e = 0; e < 2; ++e)
          rowMax = fmax(rowMax, scores[tile * 4 + half * 2 + e]);
      rowMax =
          butterfly(rowMax, 2, [&](Value x, Value y) { return fmax(x, y); });
      Value newMax = fmax(state[half], rowMax);
      // A row that has seen no key yet keeps m = -inf; subtracting 0
      // instead keeps exp2 away from -inf - -inf.
      isNegInf[half] = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                             newMax, negInf);
      Value shift = select(isNegInf[half], zero, newMax);
      rescale[half] = math::Exp2Op::create(b, loc, fsub(state[half], shift));
      Value sum = zero;
      for (int64_t tile = 0; tile < keyTiles; ++tile)
        for (int64_t e = 0; e < 2; ++e) {
          Value &score = scores[tile * 4 + half * 2 + e];
          score = math::Exp2Op::create(b, loc, fsub(score, shift));
          sum = fadd(sum, score);
        }
      next[half] = newMax;
      next[2 + half] = fadd(fmul(state[2 + half], rescale[half]), sum);
    }
    for (int64_t tile = 0; tile < valueTiles; ++tile)
      for (int64_t e = 0; e < 4; ++e)
        next[4 + tile * 4 + e] = fmul(state[4 + tile * 4 + e], rescale[e / 2]);

    // O += P . V: two adjacent score tiles are one A fragment.
    for (int64_t step = 0; step < keyBlock / kMmaDepth; ++step) {
      ArrayRef<Value> left = ArrayRef<Value>(scores).slice(step * 8, 4);
      ArrayRef<Value> right = ArrayRef<Value>(scores).slice(step * 8 + 4, 4);
      auto pack = [&](Value low, Value high) {
        return packOperandPair(b, loc, low, high, params.operandType);
      };
      SmallVector<Value> p = {pack(left[0], left[1]), pack(left[2], left[3]),
                              pack(right[0], right[1]),
                              pack(right[2], right[3])};
      Value word = add(quadLane, step * kMmaDepth / 2);
      for (int64_t tile = 0; tile < valueTiles; ++tile) {
        Value valueRow = add(quad, tile * kMmaCols);
        Value bLow = memref::LoadOp::create(b, loc, valueTile,
                                            ValueRange{valueRow, word});
        Value bHigh = memref::LoadOp::create(
            b, loc, valueTile, ValueRange{valueRow, add(word, 4)});
        MutableArrayRef<Value> c =
            MutableArrayRef<Value>(next).slice(4 + tile * 4, 4);
        SmallVector<Value> d =
            buildMmaSync(b, loc, params.operandType, p, {bLow, bHigh}, c);
        llvm::copy(d, c.begin());
      }
    }
    scf::YieldOp::create(b, loc, next);
  }

  // Each lane summed its own columns; the quad's sum is the row's.
  Value inverse[2];
  for (int64_t half = 0; half < 2; ++half) {
    Value sum = butterfly(keyLoop.getResult(2 + half), 2,
                          [&](Value x, Value y) { return fadd(x, y); });
    inverse[half] = arith::DivFOp::create(b, loc, f32(1.0), sum);
  }
  Type outputType = cast<MemRefType>(bufs.output.getType()).getElementType();
  for (int64_t half = 0; half < 2; ++half) {
    Value row = half == 0 ? rowLow : rowHigh;
    auto inside = scf::IfOp::create(b, loc, lessThan(row, seq),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    for (int64_t tile = 0; tile < valueTiles; ++tile)
      for (int64_t e = 0; e < 2; ++e) {
        Value column = add(mul(quadLane, 2), tile * kMmaCols + e);
        Value value =
            fmul(keyLoop.getResult(4 + tile * 4 + half * 2 + e), inverse[half]);
        memref::StoreOp::create(b, loc, fromF32(value, outputType), bufs.output,
                                ValueRange{row, head, column});
      }
  }
}

bool mlir::attn::isTensorCoreAttentionShape(const AttentionParams &params) {
  return params.headDim % kMmaDepth == 0 && params.valueDim % kMmaCols == 0 &&
         params.headDim <= 256 && params.valueDim <= 256 &&
         params.heads % params.kvHeads == 0;
}

void mlir::attn::buildTensorCoreAttention(OpBuilder &b, Location loc,
                                          const AttentionBuffers &buffers,
                                          const AttentionParams &params) {
  TensorCoreAttentionBuilder(b, loc, buffers, params).build();
}
