//===- SinusoidalPE.cpp - attn.sinusoidal_pe to linalg --------------------===//

#include "Patterns.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(...), computed
/// in f64 like the folder so that folded and computed tables agree.
struct SinusoidalPEToGeneric : OpConversionPattern<SinusoidalPEOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SinusoidalPEOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    int64_t columns = type.getDimSize(1);
    OpFoldResult rows =
        type.isDynamicDim(0)
            ? OpFoldResult(adaptor.getLength())
            : OpFoldResult(rewriter.getIndexAttr(type.getDimSize(0)));
    Value init =
        createEmpty(rewriter, loc, {rows, rewriter.getIndexAttr(columns)},
                    type.getElementType());
    FloatType f64 = rewriter.getF64Type();
    double base = op.getBase().convertToDouble();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{}, init,
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(2)}, iterators(2),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          auto constant = [&](double v) -> Value {
            return arith::ConstantOp::create(b, nested, b.getFloatAttr(f64, v));
          };
          Value position = linalg::IndexOp::create(b, nested, 0);
          Value column = linalg::IndexOp::create(b, nested, 1);
          Value two = arith::ConstantIndexOp::create(b, nested, 2);
          Value parity = arith::RemUIOp::create(b, nested, column, two);
          Value pair = arith::SubIOp::create(b, nested, column, parity);
          Value exponent = arith::DivFOp::create(
              b, nested, indexToFloat(b, nested, pair, f64),
              constant(static_cast<double>(columns)));
          Value denominator =
              math::PowFOp::create(b, nested, constant(base), exponent);
          Value angle = arith::DivFOp::create(
              b, nested, indexToFloat(b, nested, position, f64), denominator);
          Value isEven = arith::CmpIOp::create(
              b, nested, arith::CmpIPredicate::eq, parity,
              arith::ConstantIndexOp::create(b, nested, 0));
          Value result = arith::SelectOp::create(
              b, nested, isEven, math::SinOp::create(b, nested, angle),
              math::CosOp::create(b, nested, angle));
          linalg::YieldOp::create(
              b, nested, castFloat(b, nested, result, type.getElementType()));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void mlir::attn::populateSinusoidalPEPatterns(RewritePatternSet &patterns) {
  patterns.add<SinusoidalPEToGeneric>(patterns.getContext());
}
