//===- Embedding.cpp - attn.embedding to linalg ---------------------------===//

#include "Patterns.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// A gather: every output element reads table[ids[i...], j] with
/// tensor.extract, widened where the table is narrower than the result. Ids
/// are trusted to be in range (the runtime checks them).
struct EmbeddingToGeneric : OpConversionPattern<EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value table = adaptor.getTable(), ids = adaptor.getIds();
    auto resultType = op.getResult().getType();
    int64_t idsRank = cast<RankedTensorType>(ids.getType()).getRank();

    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < idsRank; ++i)
      sizes.push_back(sizeOf(rewriter, loc, resultType, i, ids, i));
    sizes.push_back(sizeOf(rewriter, loc, resultType, idsRank, table, 1));
    Value init = createEmpty(rewriter, loc, sizes, resultType.getElementType());

    int64_t rank = idsRank + 1;
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    // The ids index the leading dimensions of the result.
    SmallVector<AffineMap> maps = {identity.getMajorSubMap(idsRank), identity};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ids, init, maps, iterators(rank),
        [&](OpBuilder &b, Location nested, ValueRange args) {
          Value row = args[0];
          if (!row.getType().isIndex())
            row = arith::IndexCastOp::create(b, nested, b.getIndexType(), row);
          Value column = linalg::IndexOp::create(b, nested, idsRank);
          Value element = tensor::ExtractOp::create(b, nested, table,
                                                    ValueRange{row, column});
          Type elementType = resultType.getElementType();
          if (element.getType() != elementType)
            element = arith::ExtFOp::create(b, nested, elementType, element);
          linalg::YieldOp::create(b, nested, element);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void mlir::attn::populateEmbeddingPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbeddingToGeneric>(patterns.getContext());
}
