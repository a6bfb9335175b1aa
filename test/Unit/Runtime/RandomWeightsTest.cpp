//===- RandomWeightsTest.cpp - Random weights from a manifest -------------===//

#include "TestFiles.h"

#include "attn/Runtime/RandomWeights.h"
#include "attn/Runtime/SafeTensors.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace attn::rt;
using namespace attn::rt::test;

static Manifest smallManifest() {
  Manifest m;
  Status status = parseManifest(R"({
    "abi_version": 3, "model_type": "llama", "config": {},
    "num_hidden_layers": 2, "vocab_size": 300, "hidden_size": 64,
    "kv_cache": {"num_key_value_heads": 1, "head_dim": 8, "dtype": "f32"},
    "weights": [
      {"name": "model.embed_tokens.weight", "shape": [300, 64],
       "dtype": "f32", "per_layer": false},
      {"name": "model.layers.{layer}.input_layernorm.weight", "shape": [64],
       "dtype": "f32", "per_layer": true},
      {"name": "model.layers.{layer}.self_attn.q_proj.bias", "shape": [64],
       "dtype": "f32", "per_layer": true}]})",
                                "test", m);
  EXPECT_TRUE(status.ok()) << status.message();
  return m;
}

TEST(RandomWeights, Distributions) {
  Manifest m = smallManifest();
  std::vector<WeightSlot> slots = m.slots();
  std::vector<float> embed = randomTensor(slots[0], 1);
  double sum = 0, squares = 0;
  for (float v : embed) {
    sum += v;
    squares += double(v) * v;
  }
  double mean = sum / embed.size();
  double stddev = std::sqrt(squares / embed.size() - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.002);
  EXPECT_NEAR(stddev, 0.02, 0.001);
  for (float v : randomTensor(slots[1], 1))
    EXPECT_EQ(v, 1.0f) << "norm weights are ones";
  std::vector<float> bias = randomTensor(slots[3], 1);
  EXPECT_NE(bias[0], bias[1]) << "biases are random";
}

TEST(RandomWeights, SeedAndNameDecideTheValues) {
  Manifest m = smallManifest();
  std::vector<WeightSlot> slots = m.slots();
  EXPECT_EQ(randomTensor(slots[0], 5), randomTensor(slots[0], 5));
  EXPECT_NE(randomTensor(slots[0], 5), randomTensor(slots[0], 6));
  // The two layers' biases have the same shape but differ.
  EXPECT_NE(randomTensor(slots[3], 5), randomTensor(slots[4], 5));
}

TEST(RandomWeights, WritesEverySlot) {
  Manifest m = smallManifest();
  ScratchDir dir;
  std::string path = dir.file("model.safetensors");
  Status status = writeRandomWeights(m, path, DType::BF16, 9);
  ASSERT_TRUE(status.ok()) << status.message();
  std::unique_ptr<WeightStore> store;
  ASSERT_TRUE(WeightStore::open(path, store).ok());
  for (const WeightSlot &slot : m.slots()) {
    const LocatedTensor *found = store->find(slot.name);
    ASSERT_TRUE(found) << slot.name;
    EXPECT_EQ(found->tensor->dtype, DType::BF16);
    EXPECT_EQ(found->tensor->shape, slot.shape);
    std::vector<float> expected = randomTensor(slot, 9);
    std::vector<float> stored(expected.size());
    convertElements(found->tensor->data, DType::BF16, stored.data(), DType::F32,
                    stored.size());
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ(stored[i], bfloat16ToFloat(floatToBFloat16(expected[i])))
          << slot.name << "[" << i << "]";
  }
}
