//===- RMSNorm.cpp - attn.rms_norm to linalg ------------------------------===//
//
// Follows transformers' LlamaRMSNorm: the input is widened to at least f32,
// `x * rsqrt(mean(x^2) + eps)` is narrowed back to the input type, and only
// then multiplied by the weight.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

struct RMSNormToGeneric : OpConversionPattern<RMSNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto type = cast<RankedTensorType>(input.getType());
    Type elementType = type.getElementType();
    FloatType accType = accumulatorType(elementType);
    int64_t rank = type.getRank();

    // Sum of squares over the last dimension.
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    Value sumInit =
        createFilled(rewriter, loc, ArrayRef(sizes).drop_back(), accType, 0.0);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap rows = identity.getMajorSubMap(rank - 1);
    auto sum = linalg::GenericOp::create(
        rewriter, loc, sumInit.getType(), input, sumInit,
        ArrayRef<AffineMap>{identity, rows}, iterators(rank - 1, 1),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value x = castFloat(b, nested, args[0], accType);
          Value square = arith::MulFOp::create(b, nested, x, x);
          Value acc = arith::AddFOp::create(b, nested, args[1], square);
          linalg::YieldOp::create(b, nested, acc);
        });

    Value hidden = indexToFloat(
        rewriter, loc, tensor::DimOp::create(rewriter, loc, input, rank - 1),
        accType);
    Value epsilon = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getFloatAttr(accType, op.getEpsilon().convertToDouble()));
    Value init = createEmpty(rewriter, loc, sizes, elementType);
    AffineMap last = identity.getSubMap({static_cast<unsigned>(rank - 1)});
    auto norm = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{input, sum.getResult(0), weight}, init,
        ArrayRef<AffineMap>{identity, rows, last, identity}, iterators(rank),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value mean = arith::DivFOp::create(b, nested, args[1], hidden);
          Value shifted = arith::AddFOp::create(b, nested, mean, epsilon);
          Value scale = math::RsqrtOp::create(b, nested, shifted);
          Value x = castFloat(b, nested, args[0], accType);
          Value normed =
              castFloat(b, nested, arith::MulFOp::create(b, nested, x, scale),
                        elementType);
          Value result = arith::MulFOp::create(b, nested, args[2], normed);
          linalg::YieldOp::create(b, nested, result);
        });
    rewriter.replaceOp(op, norm.getResults());
    return success();
  }
};

} // namespace

void mlir::attn::populateRMSNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RMSNormToGeneric>(patterns.getContext());
}
