//===- ModelRopeTest.cpp - Rope scalings inside the forward pass ----------===//

#include "TestModels.h"

#include <gtest/gtest.h>

using namespace attn::reference;
using namespace attn::reference::testing;

namespace {

ReferenceTensor logitsOf(const ReferenceConfig &config,
                         const WeightMap &weights,
                         const std::vector<int64_t> &tokens) {
  auto model = makeModel(config, weights);
  return model ? run(*model, tokens) : ReferenceTensor{};
}

TEST(ReferenceModelRope, Llama3WithOnlyLowFrequenciesIsLinear) {
  // original_max_position_embeddings 1: every wavelength (>= 2*pi) exceeds
  // original / low_freq_factor, so every frequency is divided by the factor.
  ReferenceConfig linear = tinyConfig();
  linear.ropeScaling = RopeScalingKind::Linear;
  linear.ropeFactor = 3;
  ReferenceConfig llama3 = linear;
  llama3.ropeScaling = RopeScalingKind::Llama3;
  llama3.originalMaxPositionEmbeddings = 1;
  WeightMap weights = tinyWeights(linear);
  std::vector<int64_t> tokens = sampleTokens(linear);
  ReferenceTensor expected = logitsOf(linear, weights, tokens);
  EXPECT_LT(maxAbsDiff(expected, logitsOf(llama3, weights, tokens)), 1e-12);
  ReferenceConfig none = tinyConfig();
  EXPECT_GT(maxAbsDiff(expected, logitsOf(none, weights, tokens)), 1e-6);
}

ReferenceConfig dynamicConfig() {
  ReferenceConfig config = tinyConfig();
  config.ropeScaling = RopeScalingKind::Dynamic;
  config.ropeFactor = 2;
  config.maxPositionEmbeddings = 8;
  return config;
}

TEST(ReferenceModelRope, DynamicWithinContextIsUnscaled) {
  WeightMap weights = tinyWeights(tinyConfig());
  std::vector<int64_t> tokens = sampleTokens(tinyConfig());
  tokens.resize(8);
  EXPECT_EQ(maxAbsDiff(logitsOf(tinyConfig(), weights, tokens),
                       logitsOf(dynamicConfig(), weights, tokens)),
            0.0);
}

TEST(ReferenceModelRope, DynamicBeyondContextRescalesTheWholeCall) {
  WeightMap weights = tinyWeights(tinyConfig());
  std::vector<int64_t> tokens = sampleTokens(tinyConfig());
  tokens.resize(12);
  ReferenceTensor plain = logitsOf(tinyConfig(), weights, tokens);
  ReferenceTensor dynamic = logitsOf(dynamicConfig(), weights, tokens);
  // Position 0 is not rotated and sees one key; every later position of the
  // call, even those within the context, uses the stretched base.
  EXPECT_LT(maxAbsDiff(rows(plain, 0, 1), rows(dynamic, 0, 1)), 1e-12);
  for (int64_t row = 1; row < 12; ++row)
    EXPECT_GT(maxAbsDiff(rows(plain, row, 1), rows(dynamic, row, 1)), 1e-9)
        << "row " << row;
}

TEST(ReferenceModelRope, DynamicDecodeKeepsCachedKeysRotation) {
  // Hugging Face's cache holds rotated keys: a decode step past the context
  // rotates only its own query and key with the new base. One prefill of the
  // same tokens rotates all of them with it, so the last rows differ.
  WeightMap weights = tinyWeights(tinyConfig());
  std::vector<int64_t> tokens = sampleTokens(tinyConfig());
  tokens.resize(9);
  auto model = makeModel(dynamicConfig(), weights);
  ASSERT_TRUE(model);
  ReferenceTensor prefill =
      run(*model, {tokens.begin(), tokens.begin() + 8}, 0);
  ReferenceTensor decode = run(*model, {tokens[8]}, 8);
  ReferenceTensor whole = run(*model, tokens, 0);
  // Within the context, the prefill is unscaled.
  EXPECT_EQ(
      maxAbsDiff(prefill, rows(logitsOf(tinyConfig(), weights, tokens), 0, 8)),
      0.0);
  EXPECT_GT(maxAbsDiff(decode, rows(whole, 8, 1)), 1e-9);
  // The decode step itself, at seq_len 9 > 8, uses the stretched base.
  EXPECT_GT(
      maxAbsDiff(decode, rows(logitsOf(tinyConfig(), weights, tokens), 8, 1)),
      1e-9);
}

} // namespace
