//===- FuseRowReductions.cpp - A row reduction and its reader, per row block
//===//
//
// RMSNorm lowers to a sum of squares over each row, then an element-wise
// generic that reads the row again with its sum: two sweeps over
// [rows, hidden]. Tiled together by blocks of rows, each block is reduced
// and normalised while it is still in L1, and the blocks are independent
// (an scf.forall, parallel once bufferised).
//
//===----------------------------------------------------------------------===//

#include "FuseEpilogues.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

namespace {

/// The reduction over the last loop, into a zero-filled [rows] init, of a
/// tensor that `reader` also reads element-wise; with the fill.
struct RowReduction {
  linalg::GenericOp reduction;
  linalg::FillOp fill;
};

FailureOr<RowReduction> matchRowReduction(linalg::GenericOp reader,
                                          OpOperand &operand) {
  auto reduction = operand.get().getDefiningOp<linalg::GenericOp>();
  if (!reduction || !reduction->hasOneUse() ||
      reduction.getNumDpsInits() != 1 ||
      reduction.getNumLoops() != reader.getNumLoops() ||
      reduction.getNumReductionLoops() != 1 ||
      reduction.getIteratorTypesArray().back() !=
          utils::IteratorType::reduction ||
      !reduction->getDiscardableAttrDictionary().empty())
    return failure();
  auto fill = reduction.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !fill->hasOneUse())
    return failure();
  // The reader sees the sums by row, and reads what was reduced the same way.
  AffineMap rows =
      reduction.getMatchingIndexingMap(reduction.getDpsInitOperand(0));
  if (reader.getMatchingIndexingMap(&operand) != rows)
    return failure();
  for (OpOperand *input : reduction.getDpsInputOperands()) {
    AffineMap map = reduction.getMatchingIndexingMap(input);
    bool sharedWithReader =
        llvm::any_of(reader.getDpsInputOperands(), [&](OpOperand *other) {
          return other->get() == input->get() &&
                 reader.getMatchingIndexingMap(other) == map;
        });
    if (!map.isIdentity() || !sharedWithReader)
      return failure();
  }
  return RowReduction{reduction, fill};
}

/// Tiles `reader` by `rows` rows and fuses `match` into the loop.
LogicalResult fuse(RewriterBase &rewriter, linalg::GenericOp reader,
                   const RowReduction &match, int64_t rows) {
  SmallVector<OpFoldResult> tileSizes(reader.getNumLoops(),
                                      rewriter.getIndexAttr(0));
  tileSizes.front() = rewriter.getIndexAttr(rows);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(
      scf::SCFTilingOptions().setTileSizes(tileSizes).setLoopType(
          scf::SCFTilingOptions::LoopType::ForallOp));
  // Only the reduction and its fill: the producers of the row itself stay
  // where they are (a matmul, usually).
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (producer.getOwner() == match.reduction ||
            producer.getOwner() == match.fill)
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(reader);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(reader.getOperation()), options);
  if (failed(tiled))
    return failure();
  for (OpResult result : reader->getResults())
    rewriter.replaceAllUsesWith(result, tiled->replacements.lookup(result));
  rewriter.eraseOp(reader);
  return success();
}

} // namespace

void mlir::attn::fuseRowReductions(RewriterBase &rewriter, Operation *root,
                                   int64_t rows) {
  SmallVector<std::pair<linalg::GenericOp, RowReduction>> candidates;
  root->walk([&](linalg::GenericOp reader) {
    if (reader.getNumLoops() < 2 ||
        reader.getNumLoops() != reader.getNumParallelLoops() ||
        !reader.hasPureTensorSemantics() ||
        !reader->getDiscardableAttrDictionary().empty())
      return;
    for (OpOperand *operand : reader.getDpsInputOperands()) {
      FailureOr<RowReduction> match = matchRowReduction(reader, *operand);
      if (succeeded(match)) {
        candidates.emplace_back(reader, *match);
        return;
      }
    }
  });
  for (auto &[reader, match] : candidates)
    (void)fuse(rewriter, reader, match, rows);
}
