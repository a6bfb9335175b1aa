//===- ConvertAttnToLinalg.cpp - The --attn-convert-to-linalg pass --------===//

#include "Patterns.h"

#include "attn/Conversion/AttnToLinalg.h"
#include "attn/Conversion/Passes.h"
#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_CONVERTATTNTOLINALGPASS
#include "attn/Conversion/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::populateAttnToLinalgPatterns(RewritePatternSet &patterns) {
  populateElementwisePatterns(patterns);
  populateEmbeddingPatterns(patterns);
  populateRMSNormPatterns(patterns);
  populateLinearPatterns(patterns);
  populateRopePatterns(patterns);
  populateAttentionPatterns(patterns);
  populateSinusoidalPEPatterns(patterns);
}

namespace {

struct ConvertAttnToLinalgPass
    : mlir::attn::impl::ConvertAttnToLinalgPassBase<ConvertAttnToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addIllegalDialect<AttnDialect>();
    // Weights are bound to the weight table later, by --attn-lower-weights.
    target.addLegalOp<WeightOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    populateAttnToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
