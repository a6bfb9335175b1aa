//===- Elementwise.cpp - attn.add, attn.mul, attn.silu to linalg ----------===//

#include "Patterns.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// Rewrites an element-wise op into a linalg.generic of identity maps whose
/// body `computeBody` builds from the operands' scalars.
template <typename OpTy>
struct ElementwiseToGeneric : OpConversionPattern<OpTy> {
  using ScalarFn =
      std::function<Value(OpBuilder &, Location, ValueRange scalars)>;

  ElementwiseToGeneric(MLIRContext *context, ScalarFn computeBody)
      : OpConversionPattern<OpTy>(context),
        computeBody(std::move(computeBody)) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    ValueRange inputs = adaptor.getOperands();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, inputs.front());
    Value init = createEmpty(rewriter, loc, sizes, type.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
    SmallVector<AffineMap> maps(inputs.size() + 1, identity);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, inputs, init, maps, iterators(type.getRank()),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value result = computeBody(b, nested, args.drop_back());
          linalg::YieldOp::create(b, nested, result);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }

  ScalarFn computeBody;
};

} // namespace

void mlir::attn::populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ElementwiseToGeneric<AddOp>>(
      context, [](OpBuilder &b, Location loc, ValueRange x) -> Value {
        return arith::AddFOp::create(b, loc, x[0], x[1]);
      });
  patterns.add<ElementwiseToGeneric<MulOp>>(
      context, [](OpBuilder &b, Location loc, ValueRange x) -> Value {
        return arith::MulFOp::create(b, loc, x[0], x[1]);
      });
  // silu(x) = x / (1 + exp(-x)), as torch.nn.functional.silu computes it.
  patterns.add<ElementwiseToGeneric<SiLUOp>>(
      context, [](OpBuilder &b, Location loc, ValueRange x) -> Value {
        Value one = arith::ConstantOp::create(
            b, loc, b.getFloatAttr(x[0].getType(), 1.0));
        Value negated = arith::NegFOp::create(b, loc, x[0]);
        Value exp = math::ExpOp::create(b, loc, negated);
        Value denominator = arith::AddFOp::create(b, loc, one, exp);
        return arith::DivFOp::create(b, loc, x[0], denominator);
      });
}
