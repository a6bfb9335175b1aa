//===- TensorCoreMatmul.cpp - C += A . W^T with mma.sync on bf16 ----------===//
//
// A block of kWarps warps computes a 64 x 64 tile of C. For each slice of
// 32 columns of k, the block copies the matching rows of A and W from
// global memory into shared memory, rounding the f32 values to bf16 and
// packing them in pairs along k (the layout of an mma operand register),
// then each warp multiplies its 32 x 32 sub-tile with 2 x 4 mma.sync
// m16n8k16 per 16 columns of k, accumulating in f32 registers. Rows and
// columns past the end of A and W read as zero; C is written only inside
// its bounds.
//
// The fragment layouts are in MmaSync.h.
//
//===----------------------------------------------------------------------===//

#include "GPUKernelBuilder.h"
#include "MatmulKernels.h"
#include "MmaSync.h"

#include "attn/GPU/CUDAArch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Each warp's sub-tile, in mma tiles.
constexpr int64_t kWarpRows = kTileRows / 2, kWarpCols = kTileCols / 2;
constexpr int64_t kMmaTilesM = kWarpRows / kMmaRows;
constexpr int64_t kMmaTilesN = kWarpCols / kMmaCols;
constexpr int64_t kThreads = kWarps * kWarpSize;
/// bf16 pairs of one row of a staged tile.
constexpr int64_t kPairsPerRow = kTileDepth / 2;

static_assert(kWarps == 4, "the warps tile the block as 2 x 2");
static_assert(kTileRows == kTileCols, "A and W stage with the same loop");
static_assert(kTensorCoreSharedBytes <= kMaxStaticSharedMemory,
              "the tiles are workgroup attributions: static shared memory");
static_assert(kTileRows * kPairsPerRow % kThreads == 0,
              "every thread stages the same number of pairs");

class TensorCoreMatmulBuilder : GPUKernelBuilder {
public:
  TensorCoreMatmulBuilder(OpBuilder &b, Location loc,
                          const MatmulOperands &operands)
      : GPUKernelBuilder(b, loc), ops(operands) {}

  void build();

private:
  /// `buffer[row, col]` as bf16 bits in an i32, or 0 where out of bounds.
  Value loadBF16Bits(Value buffer, Value row, Value rows, Value col,
                     Value cols);
  /// Copies rows [first, first + kTileRows) x k [k0, k0 + kTileDepth) of
  /// `buffer` ([rows, cols]) into `tile` as packed bf16 pairs.
  void stage(Value buffer, Value tile, Value first, Value rows, Value k0,
             Value cols);

  MatmulOperands ops;
  Value thread;
};

} // namespace

Value TensorCoreMatmulBuilder::loadBF16Bits(Value buffer, Value row, Value rows,
                                            Value col, Value cols) {
  Value inBounds = both(lessThan(row, rows), lessThan(col, cols));
  auto guard = scf::IfOp::create(b, loc, b.getI32Type(), inBounds,
                                 /*withElseRegion=*/true);
  OpBuilder::InsertionGuard insertion(b);
  b.setInsertionPointToStart(guard.thenBlock());
  Value value = memref::LoadOp::create(b, loc, buffer, ValueRange{row, col});
  scf::YieldOp::create(b, loc,
                       roundToOperandBits(b, loc, value, MmaOperandType::BF16));
  b.setInsertionPointToStart(guard.elseBlock());
  scf::YieldOp::create(b, loc,
                       arith::ConstantIntOp::create(b, loc, 0, 32).getResult());
  return guard.getResult(0);
}

void TensorCoreMatmulBuilder::stage(Value buffer, Value tile, Value first,
                                    Value rows, Value k0, Value cols) {
  auto loop = scf::ForOp::create(
      b, loc, index(0), index(kTileRows * kPairsPerRow), index(kThreads));
  OpBuilder::InsertionGuard insertion(b);
  b.setInsertionPointToStart(loop.getBody());
  // Consecutive threads take consecutive pairs of one row: coalesced reads.
  Value pair = add(loop.getInductionVar(), thread);
  Value tileRow = arith::DivUIOp::create(b, loc, pair, index(kPairsPerRow));
  Value word = arith::RemUIOp::create(b, loc, pair, index(kPairsPerRow));
  Value row = add(first, tileRow);
  Value col = add(k0, mul(word, index(2)));
  Value low = loadBF16Bits(buffer, row, rows, col, cols);
  Value high = loadBF16Bits(buffer, row, rows, add(col, index(1)), cols);
  // The element of the lower k goes in the lower half of the register.
  Value shifted = arith::ShLIOp::create(
      b, loc, high, arith::ConstantIntOp::create(b, loc, 16, 32));
  Value packed = arith::OrIOp::create(b, loc, low, shifted);
  memref::StoreOp::create(b, loc, packed, tile, ValueRange{tileRow, word});
}

void TensorCoreMatmulBuilder::build() {
  Value one = index(1);
  Value m = memref::DimOp::create(b, loc, ops.a, 0);
  Value k = memref::DimOp::create(b, loc, ops.w, 1);
  Value n = memref::DimOp::create(b, loc, ops.w, 0);
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto tileType = MemRefType::get({kTileRows, kSharedRowWords}, b.getI32Type(),
                                  MemRefLayoutAttrInterface(), workgroup);
  // An empty A launches one block (blocksFor: CUDA refuses zero), whose
  // stores all fail the bounds checks.
  auto launch = gpu::LaunchOp::create(
      b, loc, blocksFor(n, kTileCols), blocksFor(m, kTileRows), one,
      index(kThreads), one, one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{},
      /*workgroupAttributions=*/TypeRange{tileType, tileType});
  OpBuilder::InsertionGuard insertion(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value aTile = launch.getWorkgroupAttributions()[0];
  Value wTile = launch.getWorkgroupAttributions()[1];

  thread = launch.getThreadIds().x;
  Value rowBase = mul(launch.getBlockIds().y, index(kTileRows));
  Value colBase = mul(launch.getBlockIds().x, index(kTileCols));
  Value warp = arith::DivUIOp::create(b, loc, thread, index(kWarpSize));
  Value lane = arith::RemUIOp::create(b, loc, thread, index(kWarpSize));
  Value warpRow =
      mul(arith::DivUIOp::create(b, loc, warp, index(2)), index(kWarpRows));
  Value warpCol =
      mul(arith::RemUIOp::create(b, loc, warp, index(2)), index(kWarpCols));
  Value group = arith::DivUIOp::create(b, loc, lane, index(4));
  Value inGroup = arith::RemUIOp::create(b, loc, lane, index(4));

  // One accumulator per element a thread owns: 4 per mma tile.
  Value zero =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  SmallVector<Value> initial(kMmaTilesM * kMmaTilesN * 4, zero);
  auto kLoop =
      scf::ForOp::create(b, loc, index(0), k, index(kTileDepth), initial);
  {
    OpBuilder::InsertionGuard body(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    // The previous slice's fragment loads are done before it is replaced.
    gpu::BarrierOp::create(b, loc);
    stage(ops.a, aTile, rowBase, m, k0, k);
    stage(ops.w, wTile, colBase, n, k0, k);
    gpu::BarrierOp::create(b, loc);

    SmallVector<Value> acc(kLoop.getRegionIterArgs());
    for (int64_t step = 0; step < kTileDepth / kMmaDepth; ++step) {
      Value word = add(index(step * kMmaDepth / 2), inGroup);
      Value wordHigh = add(word, index(4));
      auto load = [&](Value tile, Value row, Value col) -> Value {
        return memref::LoadOp::create(b, loc, tile, ValueRange{row, col});
      };
      SmallVector<SmallVector<Value, 4>> aFragments, wFragments;
      for (int64_t i = 0; i < kMmaTilesM; ++i) {
        Value row = add(add(warpRow, index(i * kMmaRows)), group);
        Value rowHigh = add(row, index(8));
        aFragments.push_back(
            {load(aTile, row, word), load(aTile, rowHigh, word),
             load(aTile, row, wordHigh), load(aTile, rowHigh, wordHigh)});
      }
      for (int64_t j = 0; j < kMmaTilesN; ++j) {
        Value row = add(add(warpCol, index(j * kMmaCols)), group);
        wFragments.push_back(
            {load(wTile, row, word), load(wTile, row, wordHigh)});
      }
      for (int64_t i = 0; i < kMmaTilesM; ++i)
        for (int64_t j = 0; j < kMmaTilesN; ++j) {
          MutableArrayRef<Value> c =
              MutableArrayRef<Value>(acc).slice((i * kMmaTilesN + j) * 4, 4);
          SmallVector<Value> d = buildMmaSync(b, loc, MmaOperandType::BF16,
                                              aFragments[i], wFragments[j], c);
          llvm::copy(d, c.begin());
        }
    }
    scf::YieldOp::create(b, loc, acc);
  }

  // C += the block's products, each thread its own elements.
  for (int64_t i = 0; i < kMmaTilesM; ++i)
    for (int64_t j = 0; j < kMmaTilesN; ++j)
      for (int64_t e = 0; e < 4; ++e) {
        Value row = add(add(rowBase, warpRow),
                        add(index(i * kMmaRows + (e / 2) * 8), group));
        Value col = add(add(colBase, warpCol), add(index(j * kMmaCols + e % 2),
                                                   mul(inGroup, index(2))));
        auto guard =
            scf::IfOp::create(b, loc, both(lessThan(row, m), lessThan(col, n)),
                              /*withElseRegion=*/false);
        OpBuilder::InsertionGuard then(b);
        b.setInsertionPointToStart(guard.thenBlock());
        ops.writeResult(b, loc, kLoop.getResult((i * kMmaTilesN + j) * 4 + e),
                        row, col);
      }
}

void mlir::attn::buildTensorCoreMatmul(OpBuilder &b, Location loc,
                                       const MatmulOperands &operands) {
  TensorCoreMatmulBuilder(b, loc, operands).build();
}
