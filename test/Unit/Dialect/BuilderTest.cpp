//===- BuilderTest.cpp - Building attn IR from C++ ------------------------===//
//
// The frontend builds the graph through these builders, so each op is built
// here the way the frontend builds it, once well-formed and once mis-shaped;
// the mis-shaped build must fail verification with a message that names what
// is wrong.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

using namespace mlir;
using namespace mlir::attn;

namespace {

class AttnBuilderTest : public ::testing::Test {
protected:
  AttnBuilderTest() : builder(&context), loc(builder.getUnknownLoc()) {
    context.loadDialect<AttnDialect>();
    module = ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type elementType = {}) {
    return RankedTensorType::get(shape, elementType ? elementType
                                                    : builder.getF32Type());
  }

  /// A float tensor value of the given shape; dynamic sizes come from a cast
  /// of a static weight.
  Value floatValue(ArrayRef<int64_t> shape, Type elementType = {}) {
    SmallVector<int64_t> staticShape(shape);
    for (int64_t &size : staticShape)
      if (ShapedType::isDynamic(size))
        size = 4;
    Value weight =
        WeightOp::create(builder, loc, tensor(staticShape, elementType),
                         "model.test." + std::to_string(counter++),
                         /*layer=*/Value());
    if (staticShape == SmallVector<int64_t>(shape))
      return weight;
    return tensor::CastOp::create(builder, loc, tensor(shape, elementType),
                                  weight);
  }

  Value indexValue(int64_t value) {
    return arith::ConstantIndexOp::create(builder, loc, value);
  }

  Value idsValue(ArrayRef<int64_t> shape, Type elementType) {
    auto type = RankedTensorType::get(shape, elementType);
    return arith::ConstantOp::create(
        builder, loc,
        DenseElementsAttr::get(type, builder.getZeroAttr(elementType)));
  }

  /// The verifier's message for op, or "" when it verifies.
  std::string verifierMessage(Operation *op) {
    std::string message;
    ScopedDiagnosticHandler capture(&context, [&](Diagnostic &diagnostic) {
      message = diagnostic.str();
      return success();
    });
    if (succeeded(verify(op)))
      return "";
    return message.empty() ? "<verification failed without a message>"
                           : message;
  }

  static bool contains(const std::string &text, StringRef part) {
    return StringRef(text).contains(part);
  }

  FloatAttr f64(double value) { return builder.getF64FloatAttr(value); }

  MLIRContext context;
  OpBuilder builder;
  Location loc;
  OwningOpRef<ModuleOp> module;
  int counter = 0;
};

TEST_F(AttnBuilderTest, Weight) {
  auto global = WeightOp::create(builder, loc, tensor({32, 16}),
                                 "model.embed_tokens.weight", Value());
  EXPECT_EQ(verifierMessage(global), "");
  EXPECT_FALSE(global.isPerLayer());

  auto perLayer = WeightOp::create(
      builder, loc, tensor({16, 16}),
      "model.layers.{layer}.self_attn.q_proj.weight", indexValue(3));
  EXPECT_EQ(verifierMessage(perLayer), "");
  EXPECT_TRUE(perLayer.isPerLayer());

  auto missingLayer =
      WeightOp::create(builder, loc, tensor({16, 16}),
                       "model.layers.{layer}.mlp.up_proj.weight", Value());
  std::string message = verifierMessage(missingLayer);
  EXPECT_TRUE(contains(message, "needs a layer index operand")) << message;

  auto dynamicShape =
      WeightOp::create(builder, loc, tensor({ShapedType::kDynamic}),
                       "model.norm.weight", Value());
  message = verifierMessage(dynamicShape);
  EXPECT_TRUE(contains(message, "must have a static shape")) << message;
}

TEST_F(AttnBuilderTest, Embedding) {
  Value table = floatValue({32, 16});
  for (Type idType : {Type(builder.getI32Type()), Type(builder.getI64Type()),
                      Type(builder.getIndexType())}) {
    auto lookup = EmbeddingOp::create(builder, loc, tensor({2, 5, 16}), table,
                                      idsValue({2, 5}, idType));
    std::string typeName;
    llvm::raw_string_ostream(typeName) << idType;
    EXPECT_EQ(verifierMessage(lookup), "") << "ids of type " << typeName;
  }

  auto wrongRow = EmbeddingOp::create(builder, loc, tensor({5, 8}), table,
                                      idsValue({5}, builder.getI32Type()));
  std::string message = verifierMessage(wrongRow);
  EXPECT_TRUE(contains(message, "result row size (8) does not match table "
                                "row size (16)"))
      << message;

  auto wrongElement =
      EmbeddingOp::create(builder, loc, tensor({5, 16}, builder.getF16Type()),
                          table, idsValue({5}, builder.getI32Type()));
  message = verifierMessage(wrongElement);
  EXPECT_TRUE(contains(message, "table element type 'f32' does not convert "
                                "exactly to 'f16'"))
      << message;

  // A bf16 table of an f32 graph: widened exactly as rows are read.
  auto narrowTable =
      EmbeddingOp::create(builder, loc, tensor({5, 16}),
                          floatValue({32, 16}, builder.getBF16Type()),
                          idsValue({5}, builder.getI32Type()));
  EXPECT_EQ(verifierMessage(narrowTable), "");
}

TEST_F(AttnBuilderTest, RMSNormInfersItsResultType) {
  Value x = floatValue({ShapedType::kDynamic, 16});
  auto norm = RMSNormOp::create(builder, loc, x, floatValue({16}), f64(1e-5));
  EXPECT_EQ(verifierMessage(norm), "");
  EXPECT_EQ(norm.getType(), x.getType());

  auto wrongWeight =
      RMSNormOp::create(builder, loc, x, floatValue({8}), f64(1e-5));
  std::string message = verifierMessage(wrongWeight);
  EXPECT_TRUE(contains(message, "weight size (8) does not match the input's "
                                "last dimension (16)"))
      << message;

  auto zeroEpsilon =
      RMSNormOp::create(builder, loc, x, floatValue({16}), f64(0.0));
  message = verifierMessage(zeroEpsilon);
  EXPECT_TRUE(contains(message, "epsilon must be positive")) << message;
}

TEST_F(AttnBuilderTest, Linear) {
  Value x = floatValue({ShapedType::kDynamic, 8});
  auto noBias =
      LinearOp::create(builder, loc, tensor({ShapedType::kDynamic, 16}), x,
                       floatValue({16, 8}), /*bias=*/Value());
  EXPECT_EQ(verifierMessage(noBias), "");
  EXPECT_FALSE(noBias.getBias());

  auto withBias =
      LinearOp::create(builder, loc, tensor({ShapedType::kDynamic, 16}), x,
                       floatValue({16, 8}), floatValue({16}));
  EXPECT_EQ(verifierMessage(withBias), "");

  // A weight stored [in_features, out_features] is the usual mistake.
  auto transposed =
      LinearOp::create(builder, loc, tensor({ShapedType::kDynamic, 16}), x,
                       floatValue({8, 16}), Value());
  std::string message = verifierMessage(transposed);
  EXPECT_TRUE(contains(message, "input features (8) do not match weight "
                                "in_features (16)"))
      << message;

  auto wrongBias =
      LinearOp::create(builder, loc, tensor({ShapedType::kDynamic, 16}), x,
                       floatValue({16, 8}), floatValue({8}));
  message = verifierMessage(wrongBias);
  EXPECT_TRUE(contains(message, "bias size (8) does not match weight "
                                "out_features (16)"))
      << message;
}

TEST_F(AttnBuilderTest, RopeWithEveryScalingKind) {
  Value q = floatValue({ShapedType::kDynamic, 4, 8});
  Value offset = indexValue(0);
  auto none =
      RopeOp::create(builder, loc, q, offset, f64(1e4),
                     RopeScalingKindAttr::get(&context, RopeScalingKind::none),
                     {}, {}, {}, {}, {});
  EXPECT_EQ(verifierMessage(none), "");
  EXPECT_EQ(none.getType(), q.getType());

  auto linear = RopeOp::create(
      builder, loc, q, offset, f64(1e4),
      RopeScalingKindAttr::get(&context, RopeScalingKind::linear), f64(2.0), {},
      {}, {}, {});
  EXPECT_EQ(verifierMessage(linear), "");

  auto dynamic = RopeOp::create(
      builder, loc, q, offset, f64(1e4),
      RopeScalingKindAttr::get(&context, RopeScalingKind::dynamic), f64(2.0),
      {}, {}, {}, builder.getI64IntegerAttr(2048));
  EXPECT_EQ(verifierMessage(dynamic), "");

  auto llama3 = RopeOp::create(
      builder, loc, q, offset, f64(5e5),
      RopeScalingKindAttr::get(&context, RopeScalingKind::llama3), f64(8.0),
      f64(1.0), f64(4.0), builder.getI64IntegerAttr(8192), {});
  EXPECT_EQ(verifierMessage(llama3), "");

  auto llama3Incomplete = RopeOp::create(
      builder, loc, q, offset, f64(5e5),
      RopeScalingKindAttr::get(&context, RopeScalingKind::llama3), f64(8.0),
      f64(1.0), f64(4.0), {}, {});
  std::string message = verifierMessage(llama3Incomplete);
  EXPECT_TRUE(contains(message, "scaling 'llama3' requires a positive "
                                "'original_max_position_embeddings'"))
      << message;

  auto oddHeadDim = RopeOp::create(
      builder, loc, floatValue({ShapedType::kDynamic, 4, 7}), offset, f64(1e4),
      RopeScalingKindAttr::get(&context, RopeScalingKind::none), {}, {}, {}, {},
      {});
  message = verifierMessage(oddHeadDim);
  EXPECT_TRUE(contains(message, "head_dim must be even")) << message;
}

TEST_F(AttnBuilderTest, Attention) {
  // A decode step: one query, eight query heads sharing two KV heads, over a
  // cache of nine positions.
  auto decode = AttentionOp::create(
      builder, loc, tensor({1, 8, 16}), floatValue({1, 8, 16}),
      floatValue({9, 2, 16}), floatValue({9, 2, 16}), f64(0.25),
      builder.getUnitAttr(), builder.getI64IntegerAttr(4));
  EXPECT_EQ(verifierMessage(decode), "");
  EXPECT_TRUE(decode.getCausal());
  EXPECT_EQ(decode.getSlidingWindow(), std::optional<uint64_t>(4));

  auto ungrouped = AttentionOp::create(
      builder, loc, tensor({4, 6, 16}), floatValue({4, 6, 16}),
      floatValue({4, 4, 16}), floatValue({4, 4, 16}), f64(0.25),
      builder.getUnitAttr(), IntegerAttr());
  std::string message = verifierMessage(ungrouped);
  EXPECT_TRUE(contains(message, "query heads (6) must be a multiple of "
                                "key/value heads (4)"))
      << message;

  auto windowWithoutCausal = AttentionOp::create(
      builder, loc, tensor({4, 8, 16}), floatValue({4, 8, 16}),
      floatValue({4, 2, 16}), floatValue({4, 2, 16}), f64(0.25), UnitAttr(),
      builder.getI64IntegerAttr(2));
  message = verifierMessage(windowWithoutCausal);
  EXPECT_TRUE(contains(message, "sliding_window requires causal attention"))
      << message;
}

TEST_F(AttnBuilderTest, ElementwiseOpsInferTheirResultType) {
  Value a = floatValue({ShapedType::kDynamic, 16});
  Value b = floatValue({ShapedType::kDynamic, 16});
  auto silu = SiLUOp::create(builder, loc, a);
  auto mul = MulOp::create(builder, loc, silu, b);
  auto add = AddOp::create(builder, loc, mul, a);
  for (Operation *op :
       {silu.getOperation(), mul.getOperation(), add.getOperation()}) {
    EXPECT_EQ(verifierMessage(op), "") << op->getName().getStringRef().str();
    EXPECT_EQ(op->getResult(0).getType(), a.getType());
  }

  // No broadcasting, not even of a static size against a dynamic one.
  Value staticRows = floatValue({4, 16});
  auto mixed = AddOp::create(builder, loc, staticRows.getType(), staticRows, a);
  std::string message = verifierMessage(mixed);
  EXPECT_TRUE(contains(message, "element-wise ops do not broadcast"))
      << message;

  auto mismatched = MulOp::create(builder, loc, staticRows.getType(),
                                  staticRows, floatValue({4, 8}));
  message = verifierMessage(mismatched);
  EXPECT_TRUE(contains(message, "requires the same type for all operands and "
                                "results"))
      << message;
}

TEST_F(AttnBuilderTest, SinusoidalPE) {
  auto table = SinusoidalPEOp::create(builder, loc, tensor({16, 10}), Value(),
                                      f64(10000.0));
  EXPECT_EQ(verifierMessage(table), "");

  auto dynamic =
      SinusoidalPEOp::create(builder, loc, tensor({ShapedType::kDynamic, 512}),
                             indexValue(7), f64(10000.0));
  EXPECT_EQ(verifierMessage(dynamic), "");

  auto staticWithLength = SinusoidalPEOp::create(builder, loc, tensor({16, 10}),
                                                 indexValue(16), f64(10000.0));
  std::string message = verifierMessage(staticWithLength);
  EXPECT_TRUE(contains(message, "a length operand needs a dynamic number of "
                                "positions"))
      << message;
}

/// createOrFold runs the folder: every entry of the constant table matches
/// the formula, evaluated here in double precision.
TEST_F(AttnBuilderTest, StaticSinusoidalPEFoldsToTheFormula) {
  constexpr int64_t positions = 8, columns = 10;
  Value folded = builder.createOrFold<SinusoidalPEOp>(
      loc, tensor({positions, columns}), Value(), f64(10000.0));
  auto constant = folded.getDefiningOp<arith::ConstantOp>();
  ASSERT_TRUE(constant) << "the static table did not fold to a constant";
  auto values = cast<DenseElementsAttr>(constant.getValue());
  auto it = values.value_begin<float>();
  for (int64_t pos = 0; pos < positions; ++pos) {
    for (int64_t col = 0; col < columns; ++col, ++it) {
      double angle = pos / std::pow(10000.0, (col - col % 2) / double(columns));
      double expected = col % 2 == 0 ? std::sin(angle) : std::cos(angle);
      EXPECT_NEAR(*it, expected, 1e-6) << "PE[" << pos << ", " << col << "]";
    }
  }
}

} // namespace
