//===- InlineAllocaFreeScopes.cpp - Drop alloca scopes with no allocas ----===//

#include "attn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace attn {
#define GEN_PASS_DEF_INLINEALLOCAFREESCOPESPASS
#include "attn/Transforms/Passes.h.inc"
} // namespace attn
} // namespace mlir

using namespace mlir;
using namespace mlir::attn;

namespace {

struct InlineAllocaFreeScopes
    : public attn::impl::InlineAllocaFreeScopesPassBase<
          InlineAllocaFreeScopes> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation()->walk([&](memref::AllocaScopeOp scope) {
      bool allocates =
          scope.getBodyRegion()
              .walk([](memref::AllocaOp) { return WalkResult::interrupt(); })
              .wasInterrupted();
      if (!allocates)
        scopes.push_back(scope);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Block *body = &scope.getBodyRegion().front();
      auto yield = cast<memref::AllocaScopeReturnOp>(body->getTerminator());
      SmallVector<Value> results(yield.getResults());
      rewriter.eraseOp(yield);
      rewriter.inlineBlockBefore(body, scope);
      rewriter.replaceOp(scope, results);
    }
  }
};

} // namespace
