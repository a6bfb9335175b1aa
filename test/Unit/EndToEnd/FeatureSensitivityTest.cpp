//===- FeatureSensitivityTest.cpp - The variants test what they name ------===//
//
// A variant only tests its feature if turning the feature off moves the
// logits far beyond the tolerance of LogitsTest; otherwise a compiler that
// ignored it would pass. Checked on the reference, with the same weights.
//
//===----------------------------------------------------------------------===//

#include "CompiledModel.h"

#include "attn/Reference/RandomWeights.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace attn_e2e;
namespace ref = attn::reference;

namespace {

/// Logits of 12 tokens with `config` on `weights`.
std::vector<double> logitsOf(const ref::ReferenceConfig &config,
                             const ref::WeightMap &weights) {
  std::string error;
  std::optional<ref::ReferenceModel> model =
      ref::ReferenceModel::create(config, weights, error);
  EXPECT_TRUE(model) << error;
  if (!model)
    return {};
  std::vector<int32_t> tokens = randomTokens(12, config.vocabSize, 7);
  std::optional<ref::ReferenceTensor> logits = model->forward(
      std::vector<int64_t>(tokens.begin(), tokens.end()), 0, error);
  EXPECT_TRUE(logits) << error;
  return logits ? logits->data : std::vector<double>();
}

/// Expects the logits of variant `name` to move by more than 100 times the
/// end-to-end tolerance when `disable` turns its feature off.
void expectFeatureMatters(
    const std::string &name,
    const std::function<void(ref::ReferenceConfig &, ref::WeightMap &)>
        &disable) {
  const TinyModel &model = tinyModel(name);
  ref::RandomWeightOptions random;
  random.stddev = kWeightStddev;
  ref::WeightMap weights = ref::makeRandomWeights(model.config, random);
  std::vector<double> with = logitsOf(model.config, weights);
  ref::ReferenceConfig plainConfig = model.config;
  disable(plainConfig, weights);
  std::vector<double> without = logitsOf(plainConfig, weights);
  ASSERT_EQ(with.size(), without.size());
  double largest = 0, difference = 0;
  for (size_t i = 0; i < with.size(); ++i) {
    largest = std::max(largest, std::fabs(with[i]));
    difference = std::max(difference, std::fabs(with[i] - without[i]));
  }
  EXPECT_GT(difference, 100 * 1e-4 * largest) << name;
}

void dropBiases(ref::WeightMap &weights) {
  for (auto it = weights.begin(); it != weights.end();)
    it = it->first.find(".bias") != std::string::npos ? weights.erase(it)
                                                      : std::next(it);
}

} // namespace

TEST(FeatureSensitivity, RopeScalings) {
  for (const char *name : {"rope_linear", "rope_llama3"})
    expectFeatureMatters(name, [](ref::ReferenceConfig &c, ref::WeightMap &) {
      c.ropeScaling = ref::RopeScalingKind::None;
    });
}

TEST(FeatureSensitivity, SlidingWindow) {
  expectFeatureMatters(
      "sliding_window",
      [](ref::ReferenceConfig &c, ref::WeightMap &) { c.slidingWindow = 0; });
}

TEST(FeatureSensitivity, Biases) {
  expectFeatureMatters("qwen2_qkv_bias",
                       [](ref::ReferenceConfig &c, ref::WeightMap &w) {
                         c.qkvBias = false;
                         dropBiases(w);
                       });
  expectFeatureMatters("llama_biases",
                       [](ref::ReferenceConfig &c, ref::WeightMap &w) {
                         c.attentionBias = false;
                         c.mlpBias = false;
                         dropBiases(w);
                       });
}

TEST(FeatureSensitivity, TiedEmbeddings) {
  // Untied, the LM head is a tensor of its own.
  expectFeatureMatters("tied_embeddings", [](ref::ReferenceConfig &c,
                                             ref::WeightMap &w) {
    c.tieWordEmbeddings = false;
    ref::RandomWeightOptions random;
    random.stddev = kWeightStddev;
    w["lm_head.weight"] = ref::makeRandomWeights(c, random)["lm_head.weight"];
  });
}
