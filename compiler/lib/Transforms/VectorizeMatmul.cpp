//===- VectorizeMatmul.cpp - Register-tiled, vectorised x . W^T -----------===//
//
// attn.linear keeps the weight as the checkpoints store it, [out, in], so
// both operands of C[m, n] += A[m, k] * B[n, k] are contiguous along k. The
// kernel therefore vectorises along k: a tile of rows x cols outputs keeps
// one vector accumulator per output, each fed by one load of A and one of B
// per step, and reduces them across lanes once, after the whole of k. That
// needs no packed copy of the weights, and for decode (one row of A) it is
// the natural streaming GEMV over the weight rows.
//
//===----------------------------------------------------------------------===//

#include "KernelLoopBuilder.h"
#include "PanelMatmul.h"
#include "UnitStrideGuard.h"

#include "attn/Transforms/MatmulForms.h"
#include "attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_VECTORIZEMATMULPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// The tile sizes the pass was asked for.
struct TileShape {
  int64_t lanes, rows, cols, blockCols;
};

/// Emits the loop nest for C += A . B^T, all three with unit inner stride.
class TiledMatmulBuilder : KernelLoopBuilder {
public:
  TiledMatmulBuilder(OpBuilder &b, Location loc, Value a, Value bT, Value c,
                     TileShape shape, bool parallel)
      : KernelLoopBuilder(b, loc), a(a), bT(bT), c(c), shape(shape),
        parallel(parallel),
        vectorType(VectorType::get({shape.lanes}, b.getF32Type())) {}

  void build() {
    Value zero = constant(0);
    Value m = memref::DimOp::create(b, loc, a, 0);
    Value k = memref::DimOp::create(b, loc, a, 1);
    Value n = memref::DimOp::create(b, loc, bT, 0);
    Value blockCols = constant(shape.blockCols);
    Value blocks = arith::CeilDivUIOp::create(b, loc, n, blockCols);
    Value fullK = roundDown(k, shape.lanes);
    Value fullM = roundDown(m, shape.rows);
    auto blockBody = [&](Value block) {
      Value first = arith::MulIOp::create(b, loc, block, blockCols);
      Value end = arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, first, blockCols), n);
      Value fullEnd = arith::AddIOp::create(
          b, loc, first,
          roundDown(arith::SubIOp::create(b, loc, end, first), shape.cols));
      auto rowTiles = [&](Value from, Value to, int64_t rows) {
        forLoop(from, to, rows, [&](Value row) {
          forLoop(first, fullEnd, shape.cols, [&](Value col) {
            emitTile(row, col, rows, shape.cols, k, fullK);
          });
          forLoop(fullEnd, end, 1,
                  [&](Value col) { emitTile(row, col, rows, 1, k, fullK); });
        });
      };
      rowTiles(zero, fullM, shape.rows);
      rowTiles(fullM, m, 1);
    };
    forEachTask(blocks, parallel, "attn.matmul_blocks", blockBody);
  }

private:
  /// `value` rounded down to a multiple of `multiple`.
  Value roundDown(Value value, int64_t multiple) {
    Value step = constant(multiple);
    return arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, value, step), step);
  }

  /// One step of the accumulators: loads of `rows` rows of A and `cols` rows
  /// of B at column `kIndex` (masked by `mask` when there is one), and the
  /// rows x cols fused multiply-adds.
  SmallVector<Value> step(OpBuilder &builder, Value row, Value col,
                          Value kIndex, Value mask, int64_t rows, int64_t cols,
                          ValueRange accumulators) {
    // A bf16 B (a weight of --attn-narrow-weights) is loaded as bf16 and
    // widened exactly: half the bytes, the same f32 arithmetic.
    auto load = [&](Value buffer, Value base, int64_t offset) -> Value {
      Value index = arith::AddIOp::create(
          builder, loc, base,
          arith::ConstantIndexOp::create(builder, loc, offset));
      Type element = cast<MemRefType>(buffer.getType()).getElementType();
      auto loadType = VectorType::get({shape.lanes}, element);
      Value loaded;
      if (!mask) {
        loaded = vector::LoadOp::create(builder, loc, loadType, buffer,
                                        ValueRange{index, kIndex});
      } else {
        Value zeros = arith::ConstantOp::create(builder, loc,
                                                builder.getZeroAttr(loadType));
        loaded = vector::MaskedLoadOp::create(builder, loc, loadType, buffer,
                                              ValueRange{index, kIndex}, mask,
                                              zeros);
      }
      if (loadType == vectorType)
        return loaded;
      return arith::ExtFOp::create(builder, loc, vectorType, loaded);
    };
    SmallVector<Value> lhs, rhs;
    for (int64_t r = 0; r < rows; ++r)
      lhs.push_back(load(a, row, r));
    for (int64_t j = 0; j < cols; ++j)
      rhs.push_back(load(bT, col, j));
    SmallVector<Value> updated;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j)
        updated.push_back(vector::FMAOp::create(builder, loc, lhs[r], rhs[j],
                                                accumulators[r * cols + j]));
    return updated;
  }

  /// C[row .. row+rows, col .. col+cols] += the tile's dot products.
  void emitTile(Value row, Value col, int64_t rows, int64_t cols, Value k,
                Value fullK) {
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vectorType, 0.0f));
    SmallVector<Value> init(rows * cols, zeros);
    auto loop = scf::ForOp::create(
        b, loc, constant(0), fullK, constant(shape.lanes), init,
        [&](OpBuilder &nested, Location, Value kIndex, ValueRange acc) {
          scf::YieldOp::create(
              nested, loc,
              step(nested, row, col, kIndex, nullptr, rows, cols, acc));
        });
    // The last k % lanes columns: a masked step (all lanes off when k is a
    // multiple of the vector size; masked-off lanes are never read).
    Value remaining = arith::SubIOp::create(b, loc, k, fullK);
    Value mask = vector::CreateMaskOp::create(
        b, loc, VectorType::get({shape.lanes}, b.getI1Type()),
        ValueRange{remaining});
    SmallVector<Value> acc =
        step(b, row, col, fullK, mask, rows, cols, loop.getResults());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < cols; ++j) {
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, acc[r * cols + j],
            arith::FastMathFlags::reassoc);
        Value i = arith::AddIOp::create(b, loc, row, constant(r));
        Value jj = arith::AddIOp::create(b, loc, col, constant(j));
        Value old = memref::LoadOp::create(b, loc, c, ValueRange{i, jj});
        memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum),
                                c, ValueRange{i, jj});
      }
  }

  Value a, bT, c;
  TileShape shape;
  bool parallel;
  VectorType vectorType;
};

/// Replaces `op` by the tiled nest, guarded by a runtime check of the inner
/// strides when the types do not prove them to be 1.
void rewriteMatmul(linalg::GenericOp op, TileShape shape) {
  Location loc = op.getLoc();
  Value a = op.getDpsInputs()[0], bT = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  bool parallel = mayStartParallelLoop(op);
  replaceUnderUnitStrideCheck(op, [&](OpBuilder &builder) {
    TiledMatmulBuilder(builder, loc, withUnitInnerStride(builder, loc, a),
                       withUnitInnerStride(builder, loc, bT),
                       withUnitInnerStride(builder, loc, c), shape, parallel)
        .build();
  });
}

struct VectorizeMatmul
    : public attn::impl::VectorizeMatmulPassBase<VectorizeMatmul> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorSize < 1 || tileRows < 1 || tileCols < 1 || blockCols < 1 ||
        panelRows < 1 || kBlock < 1) {
      getOperation()->emitError()
          << "attn-vectorize-matmul: vector-size, tile-rows, tile-cols, "
             "block-cols, panel-rows and k-block must be positive (got "
          << int64_t(vectorSize) << ", " << int64_t(tileRows) << ", "
          << int64_t(tileCols) << ", " << int64_t(blockCols) << ", "
          << int64_t(panelRows) << ", " << int64_t(kBlock) << ")";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> matmuls, panelMatmuls;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (isTransposedMatmul(op))
        matmuls.push_back(op);
      else if (isPanelMatmul(op, vectorSize))
        panelMatmuls.push_back(op);
    });
    for (linalg::GenericOp op : matmuls)
      rewriteMatmul(op, {vectorSize, tileRows, tileCols, blockCols});
    for (linalg::GenericOp op : panelMatmuls)
      rewritePanelMatmul(op, {vectorSize, panelRows, kBlock});
  }
};

} // namespace
