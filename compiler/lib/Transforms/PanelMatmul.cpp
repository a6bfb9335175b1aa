//===- PanelMatmul.cpp - Outer-product kernel on column panels ------------===//
//
// With the weight in panels P[p, k, j] (w consecutive output columns per
// panel, contiguous for each k), a tile of `rows` rows of C and the w
// columns of one panel lives in rows * w / lanes vector registers; each step
// of k loads w / lanes vectors of the panel and multiplies them by one
// broadcast element of each row of A. Every loaded vector feeds `rows` FMAs
// and nothing is reduced across lanes. k is split into blocks so that the
// block of the panel (kBlock * w floats) stays in L2 while all rows of A
// pass over it; the panels are the parallel tasks. The blocks are long on
// purpose: each row of A is then read in long sequential runs, which the
// hardware prefetchers follow, and the tile of C is reloaded rarely.
//
//===----------------------------------------------------------------------===//

#include "PanelMatmul.h"
#include "KernelLoopBuilder.h"
#include "UnitStrideGuard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;

bool mlir::attn::isPanelMatmul(linalg::GenericOp op, int64_t lanes) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 4 ||
      !linalg::isaContractionOpInterface(op))
    return false;
  auto parallel = utils::IteratorType::parallel;
  if (op.getIteratorTypesArray() !=
      SmallVector<utils::IteratorType>{parallel, parallel, parallel,
                                       utils::IteratorType::reduction})
    return false;
  MLIRContext *context = op.getContext();
  AffineExpr m, p, j, k;
  bindDims(context, m, p, j, k);
  SmallVector<AffineMap> expected = {AffineMap::get(4, 0, {m, k}, context),
                                     AffineMap::get(4, 0, {p, k, j}, context),
                                     AffineMap::get(4, 0, {m, p, j}, context)};
  if (op.getIndexingMapsArray() != expected)
    return false;
  auto isBuffer = [](Value operand, bool allowBF16) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    return type && (type.getElementType().isF32() ||
                    (allowBF16 && type.getElementType().isBF16()));
  };
  // The panels may be bf16 (--attn-pack-weights bf16), widened in the body;
  // a contraction body allows that cast and no other element type reaches
  // here with one.
  if (!isBuffer(op.getDpsInputs()[0], false) ||
      !isBuffer(op.getDpsInputs()[1], true) ||
      !isBuffer(op.getDpsInits()[0], false))
    return false;
  auto panels = cast<MemRefType>(op.getDpsInputs()[1].getType());
  auto c = cast<MemRefType>(op.getDpsInits()[0].getType());
  int64_t width = panels.getDimSize(2);
  return !ShapedType::isDynamic(width) && width % lanes == 0 &&
         c.getDimSize(2) == width;
}

namespace {

/// Emits the nest for one panel matmul.
class PanelMatmulBuilder : KernelLoopBuilder {
public:
  PanelMatmulBuilder(OpBuilder &b, Location loc, Value a, Value panels, Value c,
                     PanelTileShape shape, bool parallel)
      : KernelLoopBuilder(b, loc), a(a), panels(panels), c(c), shape(shape),
        parallel(parallel),
        vectorType(VectorType::get({shape.lanes}, b.getF32Type())),
        panelVectorType(VectorType::get(
            {shape.lanes},
            cast<MemRefType>(panels.getType()).getElementType())),
        vectors(cast<MemRefType>(panels.getType()).getDimSize(2) /
                shape.lanes) {}

  void build() {
    Value zero = constant(0), one = constant(1);
    Value m = memref::DimOp::create(b, loc, a, 0);
    Value k = memref::DimOp::create(b, loc, a, 1);
    Value numPanels = memref::DimOp::create(b, loc, panels, 0);
    Value fullM = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, m, constant(shape.rows)),
        constant(shape.rows));
    // A task takes two panels: the 1-row tiles (decode) then read two
    // streams of weights at once, which a single core needs to reach the
    // memory bandwidth.
    auto taskBody = [&](Value task) {
      Value first = arith::MulIOp::create(b, loc, task, constant(2));
      Value second = arith::AddIOp::create(b, loc, first, one);
      Value end = arith::MinUIOp::create(
          b, loc, arith::AddIOp::create(b, loc, first, constant(2)), numPanels);
      Value hasSecond = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              second, numPanels);
      // Narrow panels are widened once per block into an f32 copy that all
      // the full tiles then read: widening at every load would put two more
      // instructions on the FMA ports for each vector, in every tile.
      Value scratch, hasFullTiles;
      if (panelVectorType != vectorType) {
        scratch = memref::AllocOp::create(
            b, loc,
            MemRefType::get({shape.kBlock, vectors * shape.lanes},
                            b.getF32Type()),
            b.getI64IntegerAttr(64));
        hasFullTiles = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                             fullM, zero);
      }
      forLoop(zero, k, shape.kBlock, [&](Value kFirst) {
        Value kEnd = arith::MinUIOp::create(
            b, loc,
            arith::AddIOp::create(b, loc, kFirst, constant(shape.kBlock)), k);
        forLoop(first, end, 1, [&](Value panel) {
          if (scratch) {
            // Decode has no full tile: its 1-row tiles read the panels.
            auto widen = scf::IfOp::create(b, loc, hasFullTiles);
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPoint(widen.thenBlock()->getTerminator());
            emitWiden(panel, kFirst, kEnd, scratch);
          }
          forLoop(zero, fullM, shape.rows, [&](Value row) {
            emitTile({panel}, row, shape.rows, kFirst, kEnd, scratch);
          });
        });
        auto branch = scf::IfOp::create(b, loc, hasSecond,
                                        /*withElseRegion=*/true);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(branch.thenBlock()->getTerminator());
        forLoop(fullM, m, 1, [&](Value row) {
          emitTile({first, second}, row, 1, kFirst, kEnd);
        });
        b.setInsertionPoint(branch.elseBlock()->getTerminator());
        forLoop(fullM, m, 1,
                [&](Value row) { emitTile({first}, row, 1, kFirst, kEnd); });
      });
      if (scratch)
        memref::DeallocOp::create(b, loc, scratch);
    };
    Value numTasks = arith::CeilDivUIOp::create(b, loc, numPanels, constant(2));
    forEachTask(numTasks, parallel, "attn.matmul_panels", taskBody);
  }

private:
  /// scratch[0 .. kEnd - kFirst, :] = f32(P[panel, kFirst .. kEnd, :]).
  void emitWiden(Value panel, Value kFirst, Value kEnd, Value scratch) {
    forLoop(kFirst, kEnd, 1, [&](Value kIndex) {
      Value local = arith::SubIOp::create(b, loc, kIndex, kFirst);
      for (int64_t v = 0; v < vectors; ++v) {
        Value column = constant(v * shape.lanes);
        Value narrow = vector::LoadOp::create(
            b, loc, panelVectorType, panels, ValueRange{panel, kIndex, column});
        Value wide = arith::ExtFOp::create(b, loc, vectorType, narrow);
        vector::StoreOp::create(b, loc, wide, scratch,
                                ValueRange{local, column});
      }
    });
  }

  /// C[row .. row + rows, p, :] += A[rows, kFirst .. kEnd] . P[p, kFirst ..
  /// kEnd, :] for each p of `tilePanels`, with the tile of C in registers;
  /// with `scratch` (one panel), P's block is read from there, widened.
  void emitTile(ArrayRef<Value> tilePanels, Value row, int64_t rows,
                Value kFirst, Value kEnd, Value scratch = {}) {
    SmallVector<Value> rowIndex, columns;
    for (int64_t r = 0; r < rows; ++r)
      rowIndex.push_back(arith::AddIOp::create(b, loc, row, constant(r)));
    for (int64_t v = 0; v < vectors; ++v)
      columns.push_back(constant(v * shape.lanes));
    // Accumulator (r, q, v): row r, panel q, vector v.
    int64_t perRow = int64_t(tilePanels.size()) * vectors;
    SmallVector<Value> init;
    for (int64_t r = 0; r < rows; ++r)
      for (Value panel : tilePanels)
        for (int64_t v = 0; v < vectors; ++v)
          init.push_back(vector::LoadOp::create(
              b, loc, vectorType, c,
              ValueRange{rowIndex[r], panel, columns[v]}));
    auto loop = scf::ForOp::create(
        b, loc, kFirst, kEnd, constant(1), init,
        [&](OpBuilder &nested, Location, Value kIndex, ValueRange acc) {
          SmallVector<Value> weights, updated;
          Value local = scratch
                            ? arith::SubIOp::create(nested, loc, kIndex, kFirst)
                            : Value();
          for (Value panel : tilePanels)
            for (int64_t v = 0; v < vectors; ++v) {
              if (scratch) {
                weights.push_back(
                    vector::LoadOp::create(nested, loc, vectorType, scratch,
                                           ValueRange{local, columns[v]}));
                continue;
              }
              Value weight =
                  vector::LoadOp::create(nested, loc, panelVectorType, panels,
                                         ValueRange{panel, kIndex, columns[v]});
              // bf16 widens exactly to f32 (a shift of each element).
              if (panelVectorType != vectorType)
                weight = arith::ExtFOp::create(nested, loc, vectorType, weight);
              weights.push_back(weight);
            }
          for (int64_t r = 0; r < rows; ++r) {
            Value element = memref::LoadOp::create(
                nested, loc, a, ValueRange{rowIndex[r], kIndex});
            Value broadcast =
                vector::BroadcastOp::create(nested, loc, vectorType, element);
            for (int64_t i = 0; i < perRow; ++i)
              updated.push_back(vector::FMAOp::create(
                  nested, loc, broadcast, weights[i], acc[r * perRow + i]));
          }
          scf::YieldOp::create(nested, loc, updated);
        });
    for (int64_t r = 0; r < rows; ++r)
      for (auto [q, panel] : llvm::enumerate(tilePanels))
        for (int64_t v = 0; v < vectors; ++v)
          vector::StoreOp::create(
              b, loc, loop.getResult(r * perRow + q * vectors + v), c,
              ValueRange{rowIndex[r], panel, columns[v]});
  }

  Value a, panels, c;
  PanelTileShape shape;
  bool parallel;
  VectorType vectorType;
  /// The panels' vectors: f32, or bf16 to widen after the load.
  VectorType panelVectorType;
  int64_t vectors;
};

} // namespace

void mlir::attn::rewritePanelMatmul(linalg::GenericOp op,
                                    PanelTileShape shape) {
  Location loc = op.getLoc();
  Value a = op.getDpsInputs()[0], panels = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  bool parallel = mayStartParallelLoop(op);
  // A is only read an element at a time and needs no unit stride; it is
  // checked anyway, as it is one of the op's buffers.
  replaceUnderUnitStrideCheck(op, [&](OpBuilder &builder) {
    PanelMatmulBuilder(builder, loc, a,
                       withUnitInnerStride(builder, loc, panels),
                       withUnitInnerStride(builder, loc, c), shape, parallel)
        .build();
  });
}
