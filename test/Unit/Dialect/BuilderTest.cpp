//===- BuilderTest.cpp - Building attn IR from C++ ------------------------===//

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

class AttnBuilderTest : public ::testing::Test {
protected:
  AttnBuilderTest() : builder(&context) {
    context.loadDialect<attn::AttnDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, builder.getF32Type());
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(AttnBuilderTest, WeightAndLinearVerify) {
  Location loc = builder.getUnknownLoc();
  auto x =
      builder.create<attn::WeightOp>(loc, tensor({4, 8}), "model.x", Value());
  auto w =
      builder.create<attn::WeightOp>(loc, tensor({16, 8}), "model.w", Value());
  auto linear =
      builder.create<attn::LinearOp>(loc, tensor({4, 16}), x, w, Value());
  EXPECT_TRUE(succeeded(verify(*module)));
  EXPECT_EQ(linear.getType().getShape(), ArrayRef<int64_t>({4, 16}));
}

TEST_F(AttnBuilderTest, LinearWithMismatchedFeaturesFailsToVerify) {
  Location loc = builder.getUnknownLoc();
  auto x =
      builder.create<attn::WeightOp>(loc, tensor({4, 8}), "model.x", Value());
  auto w =
      builder.create<attn::WeightOp>(loc, tensor({16, 9}), "model.w", Value());
  builder.create<attn::LinearOp>(loc, tensor({4, 16}), x, w, Value());
  // Silence the diagnostic that verification prints.
  ScopedDiagnosticHandler silence(&context,
                                  [](Diagnostic &) { return success(); });
  EXPECT_TRUE(failed(verify(*module)));
}

} // namespace
