//===- RandomWeightsTest.cpp - Reproducible weights for any config --------===//

#include "attn/Reference/RandomWeights.h"
#include "attn/Reference/Weights.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace attn::reference;

namespace {

struct Moments {
  double mean = 0.0, stddev = 0.0;
};

Moments momentsOf(const std::vector<double> &values) {
  Moments m;
  for (double v : values)
    m.mean += v / static_cast<double>(values.size());
  for (double v : values)
    m.stddev +=
        (v - m.mean) * (v - m.mean) / static_cast<double>(values.size());
  m.stddev = std::sqrt(m.stddev);
  return m;
}

ReferenceConfig biggerConfig() {
  ReferenceConfig config;
  config.attentionBias = true;
  config.mlpBias = true;
  return config;
}

TEST(ReferenceRandomWeights, SameSeedSameWeights) {
  ReferenceConfig config = biggerConfig();
  WeightMap a = makeRandomWeights(config), b = makeRandomWeights(config);
  ASSERT_EQ(a.size(), b.size());
  for (const auto &[name, tensor] : a)
    EXPECT_EQ(tensor.data, b.at(name).data) << name;
  EXPECT_EQ(checkWeights(config, a), "");
}

TEST(ReferenceRandomWeights, OtherSeedOtherWeights) {
  ReferenceConfig config = biggerConfig();
  RandomWeightOptions options;
  options.seed = 7;
  WeightMap a = makeRandomWeights(config),
            b = makeRandomWeights(config, options);
  for (const auto &[name, tensor] : a)
    EXPECT_NE(tensor.data, b.at(name).data) << name;
}

TEST(ReferenceRandomWeights, ATensorDoesNotDependOnTheOthers) {
  ReferenceConfig small = biggerConfig();
  ReferenceConfig large = small;
  large.numLayers = 5;
  large.tieWordEmbeddings = true;
  WeightMap a = makeRandomWeights(small), b = makeRandomWeights(large);
  for (const char *name :
       {"model.embed_tokens.weight", "model.layers.1.self_attn.v_proj.weight",
        "model.norm.weight"})
    EXPECT_EQ(a.at(name).data, b.at(name).data) << name;
}

TEST(ReferenceRandomWeights, Distributions) {
  ReferenceConfig config = biggerConfig();
  config.hiddenSize = 256;
  config.intermediateSize = 512;
  RandomWeightOptions options;
  options.stddev = 0.05;
  options.normNoise = 0.01;
  WeightMap weights = makeRandomWeights(config, options);

  // 512 * 256 samples: the sample mean is within 0.05/362 * 5 of zero.
  Moments up = momentsOf(weights.at("model.layers.0.mlp.up_proj.weight").data);
  EXPECT_NEAR(up.mean, 0.0, 0.001);
  EXPECT_NEAR(up.stddev, 0.05, 0.001);

  // 256 samples of 1 + normal(0, 0.01).
  Moments norm = momentsOf(weights.at("model.norm.weight").data);
  EXPECT_NEAR(norm.mean, 1.0, 0.004);
  EXPECT_NEAR(norm.stddev, 0.01, 0.002);

  Moments bias =
      momentsOf(weights.at("model.layers.1.self_attn.o_proj.bias").data);
  EXPECT_NEAR(bias.mean, 0.0, 0.02);
  EXPECT_GT(bias.stddev, 0.03);
}

} // namespace
