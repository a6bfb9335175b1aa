//===- FuseRope.cpp - RoPE into attention and into the KV-cache write -----===//
//
// Without this pass the queries and the new keys each take a pass of their
// own through memory to be rotated, and the rotated keys are then copied
// into the cache. The query rotation becomes part of attn.attention (the
// tiled kernel rotates a block of queries as it loads it); the key rotation
// writes into the cache slice that the insert replaces (destination-passing
// style), which bufferisation turns into stores straight into the cache.
//
//===----------------------------------------------------------------------===//

#include "attn/Transforms/Passes.h"

#include "attn/Dialect/Attn/AttnOps.h"
#include "attn/Dialect/Attn/RopeParams.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_FUSEROPEPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

/// attention(rope(q)) -> attention(q) rope(offset).
void fuseIntoAttention(IRRewriter &rewriter, RopeOp rope,
                       AttentionOp attention) {
  rewriter.setInsertionPoint(attention);
  auto fused = AttentionOp::create(
      rewriter, attention.getLoc(), attention.getType(), rope.getInput(),
      attention.getKey(), attention.getValue(), attention.getScaleAttr(),
      attention.getCausalAttr(), attention.getSlidingWindowAttr(),
      rope.getOffset(), getRopeParamsAttr(rope));
  rewriter.replaceOp(attention, fused.getResult());
  rewriter.eraseOp(rope);
}

/// insert_slice(rope(k), dest) -> insert_slice(rope(k) into
/// extract_slice(dest), dest), with the same offsets, sizes and strides.
void fuseIntoInsert(IRRewriter &rewriter, RopeOp rope,
                    tensor::InsertSliceOp insert) {
  rewriter.setInsertionPoint(insert);
  Location loc = rope.getLoc();
  Value slot = tensor::ExtractSliceOp::create(
      rewriter, loc, rope.getType(), insert.getDest(), insert.getMixedOffsets(),
      insert.getMixedSizes(), insert.getMixedStrides());
  auto fused = RopeOp::create(
      rewriter, loc, rope.getType(), rope.getInput(), rope.getOffset(),
      rope.getThetaAttr(), rope.getScalingAttr(), rope.getFactorAttr(),
      rope.getLowFreqFactorAttr(), rope.getHighFreqFactorAttr(),
      rope.getOriginalMaxPositionEmbeddingsAttr(),
      rope.getMaxPositionEmbeddingsAttr(), slot);
  rewriter.modifyOpInPlace(
      insert, [&] { insert.getSourceMutable().assign(fused.getResult()); });
  rewriter.eraseOp(rope);
}

struct FuseRope : public attn::impl::FuseRopePassBase<FuseRope> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<RopeOp> ropes;
    getOperation()->walk([&](RopeOp rope) {
      if (!rope.getInit() && rope->hasOneUse())
        ropes.push_back(rope);
    });
    for (RopeOp rope : ropes) {
      OpOperand &use = *rope->use_begin();
      IRRewriter rewriter(rope);
      if (auto attention = dyn_cast<AttentionOp>(use.getOwner())) {
        if (use.get() == attention.getQuery() && use.getOperandNumber() == 0 &&
            !attention.getRopeAttr())
          fuseIntoAttention(rewriter, rope, attention);
      } else if (auto insert =
                     dyn_cast<tensor::InsertSliceOp>(use.getOwner())) {
        if (&use == &insert.getSourceMutable())
          fuseIntoInsert(rewriter, rope, insert);
      }
    }
  }
};

} // namespace
