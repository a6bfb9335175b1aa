//===- WeightsTest.cpp - Presence and shapes of the weights ---------------===//

#include "TestModels.h"

#include "attn/Reference/Weights.h"

#include <gtest/gtest.h>

using namespace attn::reference;
using namespace attn::reference::testing;

namespace {

bool hasWeight(const ReferenceConfig &config, const std::string &name) {
  for (const WeightSpec &spec : expectedWeights(config))
    if (spec.name == name)
      return true;
  return false;
}

TEST(ReferenceWeights, NamesAndShapesOfALlamaLayer) {
  ReferenceConfig config = tinyConfig();
  std::vector<WeightSpec> specs = expectedWeights(config);
  // Embedding, 9 tensors per layer, final norm, lm_head.
  ASSERT_EQ(specs.size(), 1u + 9u * 2u + 2u);
  EXPECT_EQ(specs.front().name, "model.embed_tokens.weight");
  EXPECT_EQ(specs.front().shape, (std::vector<int64_t>{31, 24}));
  EXPECT_EQ(specs.back().name, "lm_head.weight");
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const WeightSpec &spec : specs)
    shapes[spec.name] = spec.shape;
  const std::string layer = "model.layers.1.";
  EXPECT_EQ(shapes[layer + "self_attn.q_proj.weight"],
            (std::vector<int64_t>{32, 24}));
  EXPECT_EQ(shapes[layer + "self_attn.k_proj.weight"],
            (std::vector<int64_t>{16, 24}));
  EXPECT_EQ(shapes[layer + "self_attn.o_proj.weight"],
            (std::vector<int64_t>{24, 32}));
  EXPECT_EQ(shapes[layer + "mlp.down_proj.weight"],
            (std::vector<int64_t>{24, 40}));
  EXPECT_EQ(shapes[layer + "post_attention_layernorm.weight"],
            (std::vector<int64_t>{24}));
}

TEST(ReferenceWeights, BiasesFollowTheConfig) {
  ReferenceConfig config = tinyConfig();
  const std::string attn = "model.layers.0.self_attn.";
  EXPECT_FALSE(hasWeight(config, attn + "q_proj.bias"));
  config.qkvBias = true;
  EXPECT_TRUE(hasWeight(config, attn + "v_proj.bias"));
  EXPECT_FALSE(hasWeight(config, attn + "o_proj.bias"));
  config.qkvBias = false;
  config.attentionBias = true;
  EXPECT_TRUE(hasWeight(config, attn + "k_proj.bias"));
  EXPECT_TRUE(hasWeight(config, attn + "o_proj.bias"));
  EXPECT_FALSE(hasWeight(config, "model.layers.0.mlp.up_proj.bias"));
  config.mlpBias = true;
  EXPECT_TRUE(hasWeight(config, "model.layers.0.mlp.up_proj.bias"));
  EXPECT_TRUE(hasWeight(config, "model.layers.0.mlp.down_proj.bias"));
}

TEST(ReferenceWeights, TiedModelsHaveNoLMHead) {
  ReferenceConfig config = tinyConfig();
  config.tieWordEmbeddings = true;
  EXPECT_FALSE(hasWeight(config, "lm_head.weight"));
}

TEST(ReferenceWeights, RandomWeightsPass) {
  ReferenceConfig config = tinyConfig();
  EXPECT_EQ(checkWeights(config, tinyWeights(config)), "");
}

TEST(ReferenceWeights, WrongShape) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  weights["model.layers.0.self_attn.k_proj.weight"].shape = {32, 12};
  EXPECT_EQ(checkWeights(config, weights),
            "weight model.layers.0.self_attn.k_proj.weight: expected shape "
            "[16, 24], got [32, 12]");
}

TEST(ReferenceWeights, TooFewValuesForTheShape) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  weights["model.norm.weight"].data.pop_back();
  EXPECT_EQ(checkWeights(config, weights),
            "weight model.norm.weight: shape [24] holds 24 values, got 23");
}

TEST(ReferenceWeights, UnexpectedTensor) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  weights["model.layers.0.self_attn.o_proj.bias"] = {{24},
                                                     std::vector<double>(24)};
  EXPECT_EQ(checkWeights(config, weights),
            "weight model.layers.0.self_attn.o_proj.bias: not a tensor of "
            "this config (shape [24])");
}

TEST(ReferenceWeights, LMHeadOfATiedModelIsCheckedThenIgnored) {
  ReferenceConfig config = tinyConfig();
  config.tieWordEmbeddings = true;
  WeightMap weights = tinyWeights(config);
  weights["lm_head.weight"] = {{31, 24}, std::vector<double>(31 * 24, 0.0)};
  EXPECT_EQ(checkWeights(config, weights), "");
  weights["lm_head.weight"].shape = {24, 31};
  EXPECT_EQ(checkWeights(config, weights),
            "weight lm_head.weight: expected shape [31, 24], got [24, 31] "
            "(ignored with tied embeddings, but still checked)");
}

} // namespace
