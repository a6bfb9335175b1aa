//===- AttnCanonicalize.cpp - attn dialect canonicalisation patterns ------===//

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// A table whose length operand is a known constant has a static shape; once
/// the shape is static, the folder turns the table into a constant. The cast
/// keeps the dynamic type that the users of the op expect.
struct StaticSinusoidalPELength : OpRewritePattern<SinusoidalPEOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SinusoidalPEOp op,
                                PatternRewriter &rewriter) const override {
    Value length = op.getLength();
    if (!length)
      return rewriter.notifyMatchFailure(op, "the length is already static");
    APInt constantLength;
    if (!matchPattern(length, m_ConstantInt(&constantLength)))
      return rewriter.notifyMatchFailure(op, "the length is not a constant");
    // A negative length has no table; leave it for the lowering to reject.
    if (constantLength.isNegative())
      return rewriter.notifyMatchFailure(op, "the length is negative");
    RankedTensorType type = op.getType();
    auto staticType = RankedTensorType::get(
        {constantLength.getSExtValue(), type.getDimSize(1)},
        type.getElementType(), type.getEncoding());
    auto table = SinusoidalPEOp::create(rewriter, op.getLoc(), staticType,
                                        /*length=*/Value(), op.getBaseAttr());
    rewriter.replaceOpWithNewOp<tensor::CastOp>(op, type, table);
    return success();
  }
};

} // namespace

void SinusoidalPEOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                 MLIRContext *context) {
  patterns.add<StaticSinusoidalPELength>(context);
}
