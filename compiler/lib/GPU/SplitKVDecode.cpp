//===- SplitKVDecode.cpp - Flash-decoding for a few queries ---------------===//
//
// A decode step has one query row per head: the tensor-core kernel would
// run one block per head, each walking the whole cache alone, with 63 of
// its 64 rows idle. Flash-decoding cuts the keys into chunks of
// kDecodeChunkKeys instead, so that a long cache spreads over many blocks:
//
//   partials: a block of 4 warps per (chunk, group of query heads that
//     share a key/value head, query row), so that grouped-query heads read
//     each key and value once rather than once per head. The group's query
//     rows go to shared memory; each warp takes every fourth key, its lanes
//     reading consecutive elements of the key (coalesced) and adding up the
//     dot product with each query by butterflies; the chunk's scores (in
//     the exp2 domain, hidden keys -inf) stay in shared memory. The block
//     reduces each head's max m and sum l of exp2(s - m), then each thread
//     owns columns of the value and sums p . v over the chunk's keys for
//     every head, again reading rows of V with consecutive threads. It
//     writes (m, l) and the unnormalised output row of each head.
//   combine: a block per (head, query row) rescales each chunk's partial
//     by exp2(m_chunk - max m) and divides by the rescaled sum of the l.
//
// Chunks that no key of the row falls in (past a causal row's position,
// before a sliding window) leave m = -inf, l = 0 and a zero output, which
// the combine weighs by zero.
//
//===----------------------------------------------------------------------===//

#include "AttentionKernels.h"
#include "GPUKernelBuilder.h"

#include "attn/Conversion/AttentionMask.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int64_t kWarpsPerBlock = 4;
constexpr int64_t kThreads = kWarpsPerBlock * kThreadsPerWarp;

static_assert(kDecodeChunkKeys % kThreads == 0,
              "every thread reduces the same number of scores");

/// Most query heads a block serves: their rows and scores must fit in
/// static shared memory ((256 + 256) x 4 bytes each at head_dim 256).
constexpr int64_t kMaxHeadsPerBlock = 8;

/// The query heads per block: the largest divisor of the group of heads
/// that share a key/value head that is at most kMaxHeadsPerBlock.
int64_t headsPerBlockFor(const AttentionParams &params) {
  int64_t group = params.heads / params.kvHeads;
  for (int64_t count = std::min(group, kMaxHeadsPerBlock); count > 1; --count)
    if (group % count == 0)
      return count;
  return 1;
}

class SplitKVDecodeBuilder : GPUKernelBuilder {
public:
  SplitKVDecodeBuilder(OpBuilder &b, Location loc,
                       const AttentionBuffers &buffers,
                       const AttentionParams &params)
      : GPUKernelBuilder(b, loc), bufs(buffers), params(params) {}

  void build();

private:
  void buildPartials(Value partialStats, Value partialOutput);
  void buildCombine(Value partialStats, Value partialOutput);

  /// `scf.for` from `from` to `to` by `step` carrying `initial`; `body`
  /// gets the induction variable and the carried values and returns the
  /// next ones.
  ValueRange loop(Value from, Value to, int64_t step, ValueRange initial,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto op = scf::ForOp::create(b, loc, from, to, index(step), initial);
    OpBuilder::InsertionGuard guard(b);
    // A loop without results comes with its terminator.
    if (initial.empty())
      op.getBody()->getTerminator()->erase();
    b.setInsertionPointToStart(op.getBody());
    scf::YieldOp::create(b, loc,
                         body(op.getInductionVar(), op.getRegionIterArgs()));
    return op.getResults();
  }
  /// The max (or sum) of each of `values` over the block, in every thread,
  /// through `scratch` ([values][warps]).
  SmallVector<Value> blockReduce(ArrayRef<Value> values, Value scratch,
                                 function_ref<Value(Value, Value)> combine);
  /// `sums[g] + rows[g, column] * x` for each head g of the block: one
  /// element of a key or value, loaded once, against every head's row.
  SmallVector<Value> multiplyAdd(ValueRange sums, Value rows, Value column,
                                 Value x) {
    SmallVector<Value> next;
    for (auto [g, sum] : llvm::enumerate(sums)) {
      Value row = memref::LoadOp::create(
          b, loc, rows, ValueRange{index(static_cast<int64_t>(g)), column});
      next.push_back(fadd(sum, fmul(row, x)));
    }
    return next;
  }
  /// Runs `body` in lane 0 of each warp (or thread 0 of the block).
  void onlyIn(Value isFirst, function_ref<void()> body) {
    auto guard = scf::IfOp::create(b, loc, isFirst, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(guard.thenBlock());
    body();
  }
  Value isZero(Value x) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, index(0));
  }
  /// exp2(x - shift), where a shift of -inf (nothing seen) counts as 0.
  Value exp2Shifted(Value x, Value shift) {
    Value none = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, shift,
                                       f32(kMinusInfinity));
    return math::Exp2Op::create(b, loc, fsub(x, select(none, f32(0.0), shift)));
  }

  static constexpr double kMinusInfinity =
      -std::numeric_limits<double>::infinity();

  AttentionBuffers bufs;
  AttentionParams params;
  Value seq, kvSeq, chunks, thread, warp, lane;
};

} // namespace

SmallVector<Value>
SplitKVDecodeBuilder::blockReduce(ArrayRef<Value> values, Value scratch,
                                  function_ref<Value(Value, Value)> combine) {
  SmallVector<Value> warpValues;
  for (Value value : values)
    warpValues.push_back(butterfly(value, kThreadsPerWarp / 2, combine));
  // Everyone has read the scratch of the previous reduction.
  gpu::BarrierOp::create(b, loc);
  onlyIn(isZero(lane), [&] {
    for (auto [i, value] : llvm::enumerate(warpValues))
      memref::StoreOp::create(b, loc, value, scratch,
                              ValueRange{index(i), warp});
  });
  gpu::BarrierOp::create(b, loc);
  SmallVector<Value> totals;
  for (int64_t i = 0, e = values.size(); i < e; ++i) {
    Value total =
        memref::LoadOp::create(b, loc, scratch, ValueRange{index(i), index(0)});
    for (int64_t w = 1; w < kWarpsPerBlock; ++w)
      total =
          combine(total, memref::LoadOp::create(
                             b, loc, scratch, ValueRange{index(i), index(w)}));
    totals.push_back(total);
  }
  return totals;
}

void SplitKVDecodeBuilder::buildPartials(Value partialStats,
                                         Value partialOutput) {
  const int64_t heads = headsPerBlockFor(params);
  Type f32Type = b.getF32Type();
  OpBuilder::InsertionGuard outer(b);
  gpu::LaunchOp op =
      launch({chunks, index(params.heads / heads), seq}, kThreads,
             {workgroupBuffer({heads, params.headDim}, f32Type),
              workgroupBuffer({heads, kDecodeChunkKeys}, f32Type),
              workgroupBuffer({heads, kWarpsPerBlock}, f32Type)});
  Value queryRows = op.getWorkgroupAttributions()[0];
  Value scores = op.getWorkgroupAttributions()[1];
  Value scratch = op.getWorkgroupAttributions()[2];
  thread = op.getThreadIds().x;
  warp = div(thread, kThreadsPerWarp);
  lane = rem(thread, kThreadsPerWarp);
  Value chunk = op.getBlockIds().x, row = op.getBlockIds().z;
  Value firstHead = mul(op.getBlockIds().y, heads);
  Value kvHead = div(firstHead, params.heads / params.kvHeads);
  Value position = add(sub(kvSeq, seq), row);
  auto headOf = [&](int64_t g) { return add(firstHead, g); };

  Value chunkBegin = mul(chunk, kDecodeChunkKeys);
  Value chunkKeys =
      sub(min(add(chunkBegin, kDecodeChunkKeys), kvSeq), chunkBegin);
  Value lastKey = sub(kvSeq, index(1));

  loop(thread, index(params.headDim), kThreads, {},
       [&](Value d, ValueRange) -> SmallVector<Value> {
         for (int64_t g = 0; g < heads; ++g) {
           Value q = loadQuery(b, loc, bufs, params.headDim, row, headOf(g), d);
           memref::StoreOp::create(b, loc, q, queryRows,
                                   ValueRange{index(g), d});
         }
         return {};
       });
  gpu::BarrierOp::create(b, loc);

  // Scores: warp w takes keys w, w + 4, ... of the chunk; each element of
  // the key is loaded once for all the heads.
  Value scale = f32(params.scale * llvm::numbers::log2e);
  loop(index(0), index(kDecodeChunkKeys / kWarpsPerBlock), 1, {},
       [&](Value i, ValueRange) -> SmallVector<Value> {
         Value slot = add(mul(i, kWarpsPerBlock), warp);
         Value key = add(chunkBegin, slot);
         Value safeKey = min(key, lastKey);
         SmallVector<Value> zeros(heads, f32(0.0));
         SmallVector<Value> dots(
             loop(lane, index(params.headDim), kThreadsPerWarp, zeros,
                  [&](Value d, ValueRange sums) -> SmallVector<Value> {
                    Value k = toF32(memref::LoadOp::create(
                        b, loc, bufs.key, ValueRange{safeKey, kvHead, d}));
                    return multiplyAdd(sums, queryRows, d, k);
                  }));
         Value visible = lessThan(key, kvSeq);
         if (params.causal)
           visible = both(visible, buildCausalVisibility(b, loc, key, position,
                                                         params.slidingWindow));
         for (Value &dot : dots) {
           dot = butterfly(dot, kThreadsPerWarp / 2,
                           [&](Value x, Value y) { return fadd(x, y); });
           dot = select(visible, fmul(dot, scale), f32(kMinusInfinity));
         }
         onlyIn(isZero(lane), [&] {
           for (int64_t g = 0; g < heads; ++g)
             memref::StoreOp::create(b, loc, dots[g], scores,
                                     ValueRange{index(g), slot});
         });
         return {};
       });
  gpu::BarrierOp::create(b, loc);

  // Per head: m, then p = exp2(s - m) in place and l.
  constexpr int64_t perThread = kDecodeChunkKeys / kThreads;
  auto slotOf = [&](int64_t j) { return add(thread, j * kThreads); };
  SmallVector<SmallVector<Value>> mine(heads);
  SmallVector<Value> localMax;
  for (int64_t g = 0; g < heads; ++g) {
    Value maximum = f32(kMinusInfinity);
    for (int64_t j = 0; j < perThread; ++j) {
      mine[g].push_back(memref::LoadOp::create(
          b, loc, scores, ValueRange{index(g), slotOf(j)}));
      maximum = fmax(maximum, mine[g].back());
    }
    localMax.push_back(maximum);
  }
  SmallVector<Value> chunkMax = blockReduce(
      localMax, scratch, [&](Value x, Value y) { return fmax(x, y); });
  SmallVector<Value> localSum;
  for (int64_t g = 0; g < heads; ++g) {
    Value sum = f32(0.0);
    for (int64_t j = 0; j < perThread; ++j) {
      Value p = exp2Shifted(mine[g][j], chunkMax[g]);
      memref::StoreOp::create(b, loc, p, scores,
                              ValueRange{index(g), slotOf(j)});
      sum = fadd(sum, p);
    }
    localSum.push_back(sum);
  }
  // blockReduce's barriers also publish the p written above.
  SmallVector<Value> chunkSum = blockReduce(
      localSum, scratch, [&](Value x, Value y) { return fadd(x, y); });

  // The unnormalised outputs: thread e owns columns e, e + 128, ... of
  // every head, and loads each element of V once for all of them.
  loop(thread, index(params.valueDim), kThreads, {},
       [&](Value e, ValueRange) -> SmallVector<Value> {
         SmallVector<Value> zeros(heads, f32(0.0));
         ValueRange sums =
             loop(index(0), chunkKeys, 1, zeros,
                  [&](Value j, ValueRange acc) -> SmallVector<Value> {
                    Value v = toF32(memref::LoadOp::create(
                        b, loc, bufs.value,
                        ValueRange{add(chunkBegin, j), kvHead, e}));
                    return multiplyAdd(acc, scores, j, v);
                  });
         for (int64_t g = 0; g < heads; ++g)
           memref::StoreOp::create(b, loc, sums[g], partialOutput,
                                   ValueRange{row, headOf(g), chunk, e});
         return {};
       });
  onlyIn(isZero(thread), [&] {
    for (int64_t g = 0; g < heads; ++g) {
      memref::StoreOp::create(b, loc, chunkMax[g], partialStats,
                              ValueRange{row, headOf(g), chunk, index(0)});
      memref::StoreOp::create(b, loc, chunkSum[g], partialStats,
                              ValueRange{row, headOf(g), chunk, index(1)});
    }
  });
}

void SplitKVDecodeBuilder::buildCombine(Value partialStats,
                                        Value partialOutput) {
  OpBuilder::InsertionGuard outer(b);
  gpu::LaunchOp op = launch({index(params.heads), seq}, kThreads, {});
  thread = op.getThreadIds().x;
  Value head = op.getBlockIds().x, row = op.getBlockIds().y;
  auto stat = [&](Value chunk, int64_t which) -> Value {
    return memref::LoadOp::create(b, loc, partialStats,
                                  ValueRange{row, head, chunk, index(which)});
  };
  Value maximum = loop(index(0), chunks, 1, {f32(kMinusInfinity)},
                       [&](Value c, ValueRange m) -> SmallVector<Value> {
                         return {fmax(m[0], stat(c, 0))};
                       })[0];
  Type outputType = cast<MemRefType>(bufs.output.getType()).getElementType();
  loop(thread, index(params.valueDim), kThreads, {},
       [&](Value e, ValueRange) -> SmallVector<Value> {
         ValueRange sums =
             loop(index(0), chunks, 1, {f32(0.0), f32(0.0)},
                  [&](Value c, ValueRange acc) -> SmallVector<Value> {
                    Value weight = exp2Shifted(stat(c, 0), maximum);
                    Value partial = memref::LoadOp::create(
                        b, loc, partialOutput, ValueRange{row, head, c, e});
                    return {fadd(acc[0], fmul(weight, partial)),
                            fadd(acc[1], fmul(weight, stat(c, 1)))};
                  });
         Value value = arith::DivFOp::create(b, loc, sums[0], sums[1]);
         memref::StoreOp::create(b, loc, fromF32(value, outputType),
                                 bufs.output, ValueRange{row, head, e});
         return {};
       });
}

void SplitKVDecodeBuilder::build() {
  seq = memref::DimOp::create(b, loc, bufs.query, 0);
  kvSeq = memref::DimOp::create(b, loc, bufs.key, 0);
  auto nonEmpty = scf::IfOp::create(b, loc, lessThan(index(0), seq),
                                    /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(nonEmpty.thenBlock());
  chunks = blocksFor(kvSeq, kDecodeChunkKeys);
  Type f32Type = b.getF32Type();
  int64_t dynamic = ShapedType::kDynamic;
  Value partialStats = memref::AllocOp::create(
      b, loc, MemRefType::get({dynamic, params.heads, dynamic, 2}, f32Type),
      ValueRange{seq, chunks});
  Value partialOutput = memref::AllocOp::create(
      b, loc,
      MemRefType::get({dynamic, params.heads, dynamic, params.valueDim},
                      f32Type),
      ValueRange{seq, chunks});
  buildPartials(partialStats, partialOutput);
  buildCombine(partialStats, partialOutput);
  // Built after the deallocation pipeline: nothing else frees them. The
  // launches are synchronous, so the kernels are done with them.
  memref::DeallocOp::create(b, loc, partialStats);
  memref::DeallocOp::create(b, loc, partialOutput);
}

void mlir::attn::buildSplitKVDecode(OpBuilder &b, Location loc,
                                    const AttentionBuffers &buffers,
                                    const AttentionParams &params) {
  SplitKVDecodeBuilder(b, loc, buffers, params).build();
}
