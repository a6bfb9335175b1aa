//===- FuseEpilogues.cpp - Fewer passes over memory outside the matmuls ---===//
//
// After --attn-convert-to-linalg each residual add, bias, element-wise op
// and the two halves of RMSNorm are sweeps of their own over [rows, hidden]
// or [rows, intermediate]. This pass folds them into the contractions, into
// each other, or into one sweep per block of rows, on tensors, so that
// bufferisation sees the fused form.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"

#include "FuseEpilogues.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Upstream's element-wise fusion, where it saves a sweep and repeats no
/// work: the producer has no other reader (else it would be computed twice,
/// once in place and once fused) and the consumer reads it element for
/// element (a broadcast read would recompute it for every repeat).
/// Reductions (matmuls, row sums) and generics that other passes recognise
/// by a marker (tiled attention) are left alone.
bool isWorthFusing(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  if (!producer || !consumer || !producer->hasOneUse())
    return false;
  for (linalg::GenericOp op : {producer, consumer})
    if (op.getNumLoops() != op.getNumParallelLoops() ||
        !op->getDiscardableAttrDictionary().empty())
      return false;
  return consumer.getMatchingIndexingMap(operand).isPermutation();
}

struct FuseEpilogues : public attn::impl::FuseEpiloguesPassBase<FuseEpilogues> {
  using Base::Base;

  void runOnOperation() override {
    if (normRows < 0) {
      getOperation()->emitError()
          << "attn-fuse-epilogues: norm-rows must not be negative (got "
          << int64_t(normRows) << ")";
      return signalPassFailure();
    }
    Operation *root = getOperation();
    IRRewriter rewriter(&getContext());
    accumulateIntoInits(rewriter, root);

    // The element-wise fusions. With the sizes read from the inits rather
    // than from the results, the greedy driver also drops the fills and
    // reshapes the step above left unused.
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, isWorthFusing);
    tensor::DimOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();

    // Last, as the element-wise patterns would give the tiled generics
    // fresh outputs in place of their slices of the loop's.
    if (normRows > 0) {
      fuseRowReductions(rewriter, root, normRows);
      RewritePatternSet cleanup(&getContext());
      tensor::DimOp::getCanonicalizationPatterns(cleanup, &getContext());
      if (failed(applyPatternsGreedily(root, std::move(cleanup))))
        return signalPassFailure();
    }
  }
};

} // namespace
