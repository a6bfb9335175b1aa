//===- WgmmaMatmul.cpp - C += A . W^T with sm_90a's warpgroup MMA ---------===//
//
// A block of two warpgroups (256 threads) computes a 128 x 128 tile of C,
// each warpgroup 64 rows of it with one m64n128k16 `wgmma.mma_async` per 16
// columns of k: the tensor cores read both operands straight from shared
// memory through matrix descriptors, and the 64 f32 accumulators per thread
// stay in registers for the whole k loop.
//
// Per 64 columns of k, the block stages the matching rows of A (f32,
// rounded to bf16 on the way) and of W (bf16 taken as it is, f32 rounded)
// into shared memory in the layout wgmma reads without swizzling: "core
// matrices" of 8 rows x 16 bytes (8 bf16 along k), each 128 contiguous
// bytes. One thread writes one core-matrix row, a 16-byte vector; the tile
// is ordered [k / 8][row][8], so the core matrices of consecutive 8-row
// groups are 128 bytes apart (the descriptor's stride byte offset) and
// those of consecutive 8-column groups of k are `rows * 16` bytes apart
// (its leading byte offset). Rows past m or n and columns past k stage as
// zero; C is written only inside its bounds.
//
// The staging is synchronous (a barrier, a proxy fence for the tensor
// cores' async proxy, then the MMAs and a wait): no TMA and no overlap of
// loads with MMAs yet.
//
//===----------------------------------------------------------------------===//

#include "GPUKernelBuilder.h"
#include "MatmulKernels.h"

#include "attn/GPU/CUDAArch.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Rows of A (and of C) per warpgroup: the M of every wgmma.
constexpr int64_t kWarpgroupRows = 64;
constexpr int64_t kThreadsPerWarpgroup = 128;
constexpr int64_t kThreads = kWgmmaWarpgroups * kThreadsPerWarpgroup;
/// bf16 elements along k of one core-matrix row: 16 bytes.
constexpr int64_t kCoreColumns = 8;
constexpr int64_t kCoreRows = 8;
constexpr int64_t kCoreRowBytes = kCoreColumns * 2;
/// The k of one wgmma for 16-bit operands.
constexpr int64_t kWgmmaDepth = 16;
/// Core-matrix rows of one staged tile, and how many each thread writes.
constexpr int64_t kUnitsPerTile =
    kWgmmaTileRows * kWgmmaTileDepth / kCoreColumns;
constexpr int64_t kUnitsPerThread = kUnitsPerTile / kThreads;
/// f32 accumulators per thread: the 64 x 128 tile over 128 threads.
constexpr int64_t kAccumulators =
    kWarpgroupRows * kWgmmaTileCols / kThreadsPerWarpgroup;

static_assert(kWgmmaTileRows == kWgmmaWarpgroups * kWarpgroupRows,
              "each warpgroup takes 64 rows of the tile");
static_assert(kWgmmaTileRows == kWgmmaTileCols,
              "A and W stage with the same loop");
static_assert(kUnitsPerTile % kThreads == 0,
              "every thread stages the same number of core-matrix rows");
static_assert(kWgmmaSharedBytes <= kMaxStaticSharedMemory,
              "the tiles are workgroup attributions: static shared memory");

class WgmmaMatmulBuilder : GPUKernelBuilder {
public:
  WgmmaMatmulBuilder(OpBuilder &b, Location loc, const MatmulOperands &operands)
      : GPUKernelBuilder(b, loc), ops(operands) {}

  void build();

private:
  /// 8 elements of `buffer` ([rows, cols]) from (row, col) along the
  /// columns as bf16, zero where out of bounds; every load stays in bounds
  /// (indices clamped), so there is no branch per element.
  Value loadUnitScalar(Value buffer, Value row, Value rows, Value col,
                       Value cols);
  /// The same as one 16-byte load; needs a bf16 buffer with 16-byte
  /// aligned rows and (row, col .. col + 7) inside it.
  Value loadUnitVector(Value buffer, Value row, Value col);
  /// Stages rows [first, first + 128) x k [k0, k0 + 64) of `buffer` into
  /// `tile` in the core-matrix layout. `vectorOk` (or null) says whether
  /// the 16-byte path may be taken where the unit is in bounds.
  void stage(Value buffer, Value tile, Value first, Value rows, Value k0,
             Value cols, Value vectorOk);
  /// The shared-memory address of `tile` as an i64.
  Value sharedAddress(Value tile);
  /// A no-swizzle matrix descriptor for the operand at `address`.
  Value descriptor(Value address);
  Value i64(int64_t value) {
    return arith::ConstantIntOp::create(b, loc, value, 64);
  }

  MatmulOperands ops;
  Value thread;
};

} // namespace

Value WgmmaMatmulBuilder::loadUnitScalar(Value buffer, Value row, Value rows,
                                         Value col, Value cols) {
  Type bf16 = b.getBF16Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(bf16));
  Value rowInBounds = lessThan(row, rows);
  // rows and cols are at least 1 here: with an empty operand the k loop
  // runs no step (see build).
  Value safeRow = min(row, sub(rows, index(1)));
  Value lastCol = sub(cols, index(1));
  SmallVector<Value> elements;
  for (int64_t i = 0; i < kCoreColumns; ++i) {
    Value c = add(col, i);
    Value inBounds = both(rowInBounds, lessThan(c, cols));
    Value value = memref::LoadOp::create(b, loc, buffer,
                                         ValueRange{safeRow, min(c, lastCol)});
    if (value.getType() != bf16)
      value = fromF32(toF32(value), bf16);
    elements.push_back(select(inBounds, value, zero));
  }
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({kCoreColumns}, bf16), elements);
}

Value WgmmaMatmulBuilder::loadUnitVector(Value buffer, Value row, Value col) {
  return vector::LoadOp::create(
      b, loc, VectorType::get({kCoreColumns}, b.getBF16Type()), buffer,
      ValueRange{row, col}, /*nontemporal=*/false,
      llvm::MaybeAlign(kCoreRowBytes));
}

void WgmmaMatmulBuilder::stage(Value buffer, Value tile, Value first,
                               Value rows, Value k0, Value cols,
                               Value vectorOk) {
  for (int64_t i = 0; i < kUnitsPerThread; ++i) {
    // Consecutive threads write consecutive 16-byte rows of one column
    // group: no bank conflicts on the stores.
    Value unit = add(thread, i * kThreads);
    Value tileRow = rem(unit, kWgmmaTileRows);
    Value group = div(unit, kWgmmaTileRows);
    Value row = add(first, tileRow);
    Value col = add(k0, mul(group, kCoreColumns));
    Value value;
    if (vectorOk) {
      // With k % 8 == 0 a column group is wholly inside k or wholly past it.
      Value inBounds =
          both(vectorOk, both(lessThan(row, rows), lessThan(col, cols)));
      auto choice = scf::IfOp::create(
          b, loc, VectorType::get({kCoreColumns}, b.getBF16Type()), inBounds,
          /*withElseRegion=*/true);
      OpBuilder::InsertionGuard branches(b);
      b.setInsertionPointToStart(choice.thenBlock());
      scf::YieldOp::create(b, loc, loadUnitVector(buffer, row, col));
      b.setInsertionPointToStart(choice.elseBlock());
      scf::YieldOp::create(b, loc,
                           loadUnitScalar(buffer, row, rows, col, cols));
      value = choice.getResult(0);
    } else {
      value = loadUnitScalar(buffer, row, rows, col, cols);
    }
    memref::StoreOp::create(b, loc, value, tile, ValueRange{unit});
  }
}

Value WgmmaMatmulBuilder::sharedAddress(Value tile) {
  Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, tile);
  return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), address);
}

Value WgmmaMatmulBuilder::descriptor(Value address) {
  // PTX ISA, "Matrix Descriptor Format": bits 0-13 the start address, 16-29
  // the leading byte offset, 32-45 the stride byte offset, each >> 4; base
  // offset and swizzle mode (bits 49-51, 62-63) zero for no swizzling.
  constexpr int64_t leadingBytes = kWgmmaTileRows * kCoreRowBytes;
  constexpr int64_t strideBytes = kCoreRows * kCoreRowBytes;
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, address, i64(0x3ffff)), i64(4));
  int64_t offsets = ((leadingBytes >> 4) << 16) | ((strideBytes >> 4) << 32);
  return arith::OrIOp::create(b, loc, start, i64(offsets));
}

void WgmmaMatmulBuilder::build() {
  Value m = memref::DimOp::create(b, loc, ops.a, 0);
  Value k = memref::DimOp::create(b, loc, ops.w, 1);
  Value n = memref::DimOp::create(b, loc, ops.w, 0);
  auto weightType = cast<MemRefType>(ops.w.getType());
  // The 16-byte path for W: bf16 rows of k % 8 == 0 elements (known here)
  // from a 16-byte aligned buffer (known on the device).
  bool vectorizable = weightType.getElementType().isBF16() &&
                      weightType.getDimSize(1) % kCoreColumns == 0;
  MemRefType tileType = workgroupBuffer(
      {kUnitsPerTile}, VectorType::get({kCoreColumns}, b.getBF16Type()));
  OpBuilder::InsertionGuard insertion(b);
  gpu::LaunchOp launch =
      this->launch({blocksFor(n, kWgmmaTileCols), blocksFor(m, kWgmmaTileRows)},
                   kThreads, {tileType, tileType});
  Value aTile = launch.getWorkgroupAttributions()[0];
  Value wTile = launch.getWorkgroupAttributions()[1];

  thread = launch.getThreadIds().x;
  Value rowBase = mul(launch.getBlockIds().y, kWgmmaTileRows);
  Value colBase = mul(launch.getBlockIds().x, kWgmmaTileCols);
  Value warpgroup = div(thread, kThreadsPerWarpgroup);
  Value inGroup = rem(thread, kThreadsPerWarpgroup);
  Value vectorOk;
  if (vectorizable)
    vectorOk = isAligned(ops.w, kCoreRowBytes);

  // Each warpgroup's A starts 64 rows (8 core matrices, 128 bytes each)
  // into the tile; both operands advance two core matrices along k per
  // wgmma.
  Value aBase = arith::AddIOp::create(
      b, loc, sharedAddress(aTile),
      arith::IndexCastUIOp::create(
          b, loc, b.getI64Type(),
          mul(warpgroup, kWarpgroupRows * kCoreRowBytes)));
  Value wBase = sharedAddress(wTile);

  MLIRContext *context = b.getContext();
  auto accumulatorType = LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(kAccumulators, b.getF32Type()));
  Value zeros = LLVM::ZeroOp::create(b, loc, accumulatorType);
  // An empty A (or W) still launches one block (CUDA refuses zero); it
  // stages nothing, so that no load is out of bounds, and stores nothing.
  Value empty = either(
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, m, index(0)),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, n, index(0)));
  Value depth = select(empty, index(0), k);
  auto kLoop = scf::ForOp::create(b, loc, index(0), depth,
                                  index(kWgmmaTileDepth), ValueRange{zeros});
  {
    OpBuilder::InsertionGuard body(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    // The previous step's MMAs have read their tiles (each warpgroup waited
    // for its own) before anyone replaces them.
    gpu::BarrierOp::create(b, loc);
    stage(ops.a, aTile, rowBase, m, k0, k, Value());
    stage(ops.w, wTile, colBase, n, k0, k, vectorOk);
    // The stores went through the generic proxy; wgmma reads through the
    // async proxy.
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(context, NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);

    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value acc = kLoop.getRegionIterArgs()[0];
    auto shape = NVVM::MMAShapeAttr::get(context, kWarpgroupRows,
                                         kWgmmaTileCols, kWgmmaDepth);
    for (int64_t step = 0; step < kWgmmaTileDepth / kWgmmaDepth; ++step) {
      Value offset = i64(step * 2 * kWgmmaTileRows * kCoreRowBytes);
      Value aDescriptor =
          descriptor(arith::AddIOp::create(b, loc, aBase, offset));
      Value wDescriptor =
          descriptor(arith::AddIOp::create(b, loc, wBase, offset));
      // A row-major (K-major), B "column-major": W[n, k] is K-major too, so
      // neither operand is transposed.
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, accumulatorType, acc, aDescriptor, wDescriptor, shape,
          NVVM::WGMMATypes::bf16, NVVM::WGMMATypes::bf16, NVVM::WGMMATypes::f32,
          NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
          NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row, NVVM::MMALayout::col,
          /*satfinite=*/nullptr);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
    scf::YieldOp::create(b, loc, acc);
  }

  // C (+)= the tile, in the m64nNk16 accumulator layout: warp w of the
  // warpgroup owns rows 16w .. 16w + 15; per 8 columns j, lane l holds
  // (l / 4, 2 (l % 4) + {0, 1}) and the same 8 rows further down.
  Value warp = div(inGroup, kThreadsPerWarp);
  Value lane = rem(inGroup, kThreadsPerWarp);
  Value firstRow = add(add(rowBase, mul(warpgroup, kWarpgroupRows)),
                       add(mul(warp, 16), div(lane, 4)));
  Value firstCol = add(colBase, mul(rem(lane, 4), 2));
  Value result = kLoop.getResult(0);
  for (int64_t e = 0; e < kAccumulators; ++e) {
    int64_t j = e / 4;
    Value row = add(firstRow, ((e / 2) % 2) * 8);
    Value col = add(firstCol, j * 8 + e % 2);
    auto guard =
        scf::IfOp::create(b, loc, both(lessThan(row, m), lessThan(col, n)),
                          /*withElseRegion=*/false);
    OpBuilder::InsertionGuard then(b);
    b.setInsertionPointToStart(guard.thenBlock());
    ops.writeResult(b, loc, LLVM::ExtractValueOp::create(b, loc, result, e),
                    row, col);
  }
}

void mlir::attn::buildWgmmaMatmul(OpBuilder &b, Location loc,
                                  const MatmulOperands &operands) {
  WgmmaMatmulBuilder(b, loc, operands).build();
}
