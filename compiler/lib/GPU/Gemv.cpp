//===- Gemv.cpp - C += A . W^T for a few rows of A ------------------------===//
//
// Decode multiplies one row of A by the whole weight: every weight element
// is used once, so the kernel is bound by reading W and tensor cores would
// leave 15 of 16 rows of each tile empty. Instead each warp owns one column
// n of C and streams row n of W: where k is a multiple of v (the elements
// of 16 bytes: 4 f32 or 8 bf16) and W is 16-byte aligned (checked in the
// kernel, the same answer for every thread), lane l loads
// W[n, v l + 32 v j .. +v-1] as one 128-bit load, so that a warp's load
// reads 512 contiguous bytes, with 4 such loads in flight per lane where
// k allows; otherwise it falls back to scalar loads 32 elements apart. The 32
// partial sums are added by a butterfly of shuffles. The rows of A are visited
// one after another; for the few rows this kernel is chosen for, the second and
// later passes over W's row hit the L1 cache. A bf16 W is widened exactly; the
// arithmetic is f32.
//
//===----------------------------------------------------------------------===//

#include "GPUKernelBuilder.h"
#include "MatmulKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Bytes of one vector load of W.
constexpr int64_t kVectorBytes = 16;
/// 128-bit loads of W each lane has in flight: with one, a warp has 512
/// bytes in flight, and a decode projection of 2048 columns (256 blocks of
/// 8 warps) keeps about 8 KiB in flight per SM, far from what covers the
/// memory latency at full bandwidth.
constexpr int64_t kLoadsInFlight = 4;

class GemvBuilder : GPUKernelBuilder {
public:
  GemvBuilder(OpBuilder &b, Location loc, const MatmulOperands &operands)
      : GPUKernelBuilder(b, loc), ops(operands),
        weightType(cast<MemRefType>(operands.w.getType())),
        vectorWidth(kVectorBytes * 8 /
                    weightType.getElementType().getIntOrFloatBitWidth()) {}

  void build();

private:
  /// This lane's part of row `row` of A times row `column` of W, through
  /// scalar loads.
  Value scalarDot(Value row);
  /// The same through 128-bit loads of W; needs k % vectorWidth == 0 and W
  /// 16-byte aligned.
  Value vectorDot(Value row);
  /// Adds to `sum` this lane's products of W's columns [begin, end) of the
  /// row, `loads` 128-bit loads of W per step.
  Value vectorSteps(Value row, Value begin, int64_t end, int64_t loads,
                    Value sum);
  MatmulOperands ops;
  MemRefType weightType;
  /// W's elements per 128-bit load.
  int64_t vectorWidth;
  Value k, lane, column;
};

} // namespace

Value GemvBuilder::scalarDot(Value row) {
  auto dot = scf::ForOp::create(b, loc, lane, k, index(kWarpSize),
                                ValueRange{f32(0.0)});
  OpBuilder::InsertionGuard body(b);
  b.setInsertionPointToStart(dot.getBody());
  Value i = dot.getInductionVar();
  Value x = memref::LoadOp::create(b, loc, ops.a, ValueRange{row, i});
  Value w = toF32(memref::LoadOp::create(b, loc, ops.w, ValueRange{column, i}));
  Value sum = arith::AddFOp::create(b, loc, dot.getRegionIterArgs()[0],
                                    arith::MulFOp::create(b, loc, x, w));
  scf::YieldOp::create(b, loc, sum);
  return dot.getResult(0);
}

Value GemvBuilder::vectorSteps(Value row, Value begin, int64_t end,
                               int64_t loads, Value sum) {
  int64_t stride = kWarpSize * vectorWidth;
  auto dot = scf::ForOp::create(b, loc, begin, index(end),
                                index(stride * loads), ValueRange{sum});
  OpBuilder::InsertionGuard body(b);
  b.setInsertionPointToStart(dot.getBody());
  Value i = dot.getInductionVar();
  auto vectorType = VectorType::get({vectorWidth}, weightType.getElementType());
  // Every load of the step is issued before the first is used.
  SmallVector<Value> columns, weights;
  for (int64_t load = 0; load < loads; ++load) {
    columns.push_back(load == 0 ? i : add(i, load * stride));
    weights.push_back(vector::LoadOp::create(
        b, loc, vectorType, ops.w, ValueRange{column, columns.back()},
        /*nontemporal=*/false, llvm::MaybeAlign(kVectorBytes)));
  }
  sum = dot.getRegionIterArgs()[0];
  // A's row is not known to be aligned (the logits read a strided view);
  // it is small and shared by every warp, so scalar loads cost little.
  for (int64_t load = 0; load < loads; ++load)
    for (int64_t j = 0; j < vectorWidth; ++j) {
      Value at = j == 0 ? columns[load] : add(columns[load], j);
      Value x = memref::LoadOp::create(b, loc, ops.a, ValueRange{row, at});
      Value wj = toF32(vector::ExtractOp::create(b, loc, weights[load], j));
      sum = fadd(sum, fmul(x, wj));
    }
  scf::YieldOp::create(b, loc, sum);
  return dot.getResult(0);
}

Value GemvBuilder::vectorDot(Value row) {
  int64_t stride = kWarpSize * vectorWidth;
  int64_t depth = weightType.getDimSize(1);
  int64_t unrolled = llvm::alignDown(depth, stride * kLoadsInFlight);
  Value first = mul(lane, vectorWidth);
  Value sum = f32(0.0);
  if (unrolled > 0)
    sum = vectorSteps(row, first, unrolled, kLoadsInFlight, sum);
  if (unrolled < depth)
    sum = vectorSteps(row, add(first, unrolled), depth, 1, sum);
  return sum;
}

void GemvBuilder::build() {
  Value zero = index(0), one = index(1);
  Value m = memref::DimOp::create(b, loc, ops.a, 0);
  k = memref::DimOp::create(b, loc, ops.w, 1);
  Value n = memref::DimOp::create(b, loc, ops.w, 0);
  OpBuilder::InsertionGuard insertion(b);
  gpu::LaunchOp launch =
      this->launch({blocksFor(n, kGemvWarps)}, kGemvWarps * kWarpSize, {});

  Value thread = launch.getThreadIds().x;
  Value warp = div(thread, kWarpSize);
  lane = rem(thread, kWarpSize);
  column = add(mul(launch.getBlockIds().x, kGemvWarps), warp);
  bool vectorizable = weightType.getDimSize(1) % vectorWidth == 0;
  // W's rows all start 16-byte aligned where k % vectorWidth == 0 (known
  // here) and the buffer's address is (known on the device).
  Value aligned = vectorizable ? isAligned(ops.w, kVectorBytes) : Value();
  // The whole warp takes the same branch, as the shuffles need.
  auto inRange =
      scf::IfOp::create(b, loc, lessThan(column, n), /*withElseRegion=*/false);
  b.setInsertionPointToStart(inRange.thenBlock());
  auto rows = scf::ForOp::create(b, loc, zero, m, one);
  b.setInsertionPointToStart(rows.getBody());
  Value row = rows.getInductionVar();

  Value total;
  if (aligned) {
    auto choice = scf::IfOp::create(b, loc, b.getF32Type(), aligned,
                                    /*withElseRegion=*/true);
    OpBuilder::InsertionGuard branches(b);
    b.setInsertionPointToStart(choice.thenBlock());
    scf::YieldOp::create(b, loc, vectorDot(row));
    b.setInsertionPointToStart(choice.elseBlock());
    scf::YieldOp::create(b, loc, scalarDot(row));
    total = choice.getResult(0);
  } else {
    total = scalarDot(row);
  }

  // After the butterfly every lane holds the warp's total.
  total = butterfly(total, kWarpSize / 2,
                    [&](Value x, Value y) { return fadd(x, y); });
  auto first = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, zero),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(first.thenBlock());
  ops.writeResult(b, loc, total, row, column);
}

void mlir::attn::buildGemv(OpBuilder &b, Location loc,
                           const MatmulOperands &operands) {
  GemvBuilder(b, loc, operands).build();
}
