//===- Linear.cpp - attn.linear to linalg ---------------------------------===//
//
// `x . W^T (+ b)` as a contraction whose loops run (rows, out_features,
// in_features): with W stored [out, in] as in the checkpoints, the innermost
// loop walks one row of x and one row of W, both contiguous. A weight
// stored narrower than x is widened inside the contraction, so it is read
// in its own type and never materialised wide.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

struct LinearToGeneric : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    auto resultType = op.getResult().getType();
    Type elementType = resultType.getElementType();
    int64_t rank = resultType.getRank();

    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i + 1 < rank; ++i)
      sizes.push_back(sizeOf(rewriter, loc, resultType, i, input, i));
    sizes.push_back(sizeOf(rewriter, loc, resultType, rank - 1, weight, 0));
    Value zeros = createFilled(rewriter, loc, sizes, elementType, 0.0);

    // Loop dimensions: the rows (rank - 1 of them), out_features, in_features.
    MLIRContext *context = rewriter.getContext();
    int64_t loops = rank + 1;
    SmallVector<AffineExpr> rowDims;
    for (int64_t i = 0; i + 1 < rank; ++i)
      rowDims.push_back(getAffineDimExpr(i, context));
    AffineExpr outDim = getAffineDimExpr(rank - 1, context);
    AffineExpr inDim = getAffineDimExpr(rank, context);
    SmallVector<AffineExpr> inputExprs(rowDims), outputExprs(rowDims);
    inputExprs.push_back(inDim);
    outputExprs.push_back(outDim);
    SmallVector<AffineMap> maps = {
        AffineMap::get(loops, 0, inputExprs, context),
        AffineMap::get(loops, 0, {outDim, inDim}, context),
        AffineMap::get(loops, 0, outputExprs, context)};
    auto matmul = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{input, weight}, zeros, maps,
        iterators(rank, 1),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          // A narrower weight (bf16 in an f32 graph) is widened exactly.
          Value w = args[1];
          if (w.getType() != elementType)
            w = arith::ExtFOp::create(b, nested, elementType, w);
          Value product = arith::MulFOp::create(b, nested, args[0], w);
          Value sum = arith::AddFOp::create(b, nested, args[2], product);
          linalg::YieldOp::create(b, nested, sum);
        });
    Value result = matmul.getResult(0);

    // The bias is added after the sum, as torch.nn.Linear rounds it.
    if (Value bias = adaptor.getBias()) {
      AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
      AffineMap last = identity.getSubMap({static_cast<unsigned>(rank - 1)});
      auto biased = linalg::GenericOp::create(
          rewriter, loc, resultType, bias, result,
          ArrayRef<AffineMap>{last, identity}, iterators(rank),
          [&](OpBuilder &b, Location nested, ValueRange args) {
            Value sum = arith::AddFOp::create(b, nested, args[1], args[0]);
            linalg::YieldOp::create(b, nested, sum);
          });
      result = biased.getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::attn::populateLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearToGeneric>(patterns.getContext());
}
