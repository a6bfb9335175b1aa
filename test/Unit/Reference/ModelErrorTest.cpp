//===- ModelErrorTest.cpp - Bad calls of the reference model --------------===//

#include "TestModels.h"

#include <gtest/gtest.h>

using namespace attn::reference;
using namespace attn::reference::testing;

namespace {

TEST(ReferenceModelErrors, CreateRejectsABadConfig) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  config.numKVHeads = 3;
  std::string error;
  EXPECT_FALSE(ReferenceModel::create(config, weights, error));
  EXPECT_EQ(error, "config: num_attention_heads (4) must be a multiple of "
                   "num_key_value_heads (3)");
}

TEST(ReferenceModelErrors, CreateRejectsMissingWeights) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  weights.erase("model.layers.1.mlp.up_proj.weight");
  std::string error;
  EXPECT_FALSE(ReferenceModel::create(config, weights, error));
  EXPECT_EQ(error, "weight model.layers.1.mlp.up_proj.weight: missing "
                   "(expected shape [40, 24])");
}

class ReferenceForwardErrors : public ::testing::Test {
protected:
  void SetUp() override {
    model = makeModel(tinyConfig(), tinyWeights(tinyConfig()));
    ASSERT_TRUE(model);
    expected = run(*model, {5, 6, 7});
    run(*model, {5, 6}, 0);
  }

  /// After an error the cache still holds the two positions of SetUp, so
  /// the third token decodes to the logits of the full prefill.
  void expectCacheIntact() {
    EXPECT_EQ(model->cachedPositions(), 2);
    EXPECT_LT(maxAbsDiff(rows(expected, 2, 1), run(*model, {7}, 2)), 1e-12);
  }

  std::optional<ReferenceModel> model;
  ReferenceTensor expected;
  std::string error;
};

TEST_F(ReferenceForwardErrors, NoTokens) {
  EXPECT_FALSE(model->forward({}, 2, error));
  EXPECT_EQ(error, "forward: no tokens to run");
  expectCacheIntact();
}

TEST_F(ReferenceForwardErrors, TokenAtVocabSize) {
  EXPECT_FALSE(model->forward({1, 31}, 2, error));
  EXPECT_EQ(error, "forward: token 31 at index 1 is outside [0, 31)");
  expectCacheIntact();
}

TEST_F(ReferenceForwardErrors, NegativeToken) {
  EXPECT_FALSE(model->forward({-1}, 0, error));
  EXPECT_EQ(error, "forward: token -1 at index 0 is outside [0, 31)");
  expectCacheIntact();
}

TEST_F(ReferenceForwardErrors, StartAfterTheCache) {
  EXPECT_FALSE(model->forward({7}, 3, error));
  EXPECT_EQ(
      error,
      "forward: start position 3 is outside [0, 2] (the cached positions)");
  expectCacheIntact();
}

TEST_F(ReferenceForwardErrors, NegativeStart) {
  EXPECT_FALSE(model->forward({7}, -1, error));
  EXPECT_EQ(error, "forward: start position -1 is outside [0, 2] (the cached "
                   "positions)");
  expectCacheIntact();
}

} // namespace
