//===- FixtureModel.cpp - Weights and expected outputs of TinyModel.c -----===//

#include "FixtureModel.h"

#include "TestFiles.h"

#include "attn/Runtime/RandomWeights.h"
#include "attn/runtime.h"

#include <gtest/gtest.h>

namespace attn::rt::test {

Manifest fixtureManifest() {
  attn_model *model = nullptr;
  Manifest manifest;
  if (attn_model_open(fixturePath("tiny_model").c_str(), &model) != ATTN_OK) {
    ADD_FAILURE() << attn_error_message();
    return manifest;
  }
  Status status =
      parseManifest(attn_model_manifest(model), "fixture", manifest);
  EXPECT_TRUE(status.ok()) << status.message();
  attn_model_close(model);
  return manifest;
}

void writeFixtureWeights(const std::string &path, DType diskType,
                         uint64_t seed) {
  Status status = writeRandomWeights(fixtureManifest(), path, diskType, seed);
  ASSERT_TRUE(status.ok()) << status.message();
}

FixtureReference::FixtureReference(DType diskType, uint64_t seed)
    : k(kFixtureLayers), v(kFixtureLayers) {
  // The values the kernels see: rounded to the disk type, then converted to
  // the manifest type.
  for (const WeightSlot &slot : fixtureManifest().slots()) {
    std::vector<float> values = randomTensor(slot, seed);
    for (float &value : values) {
      float onDisk, kernel;
      convertElements(&value, DType::F32, &onDisk, diskType, 1);
      uint16_t narrow[2];
      convertElements(&onDisk, diskType, narrow, slot.dtype, 1);
      convertElements(narrow, slot.dtype, &kernel, DType::F32, 1);
      value = kernel;
    }
    weights[slot.name] = std::move(values);
  }
}

std::vector<float> FixtureReference::step(int32_t token) {
  const int64_t H = kFixtureHidden, D = kFixtureHeadDim;
  int64_t p = position++;
  std::vector<float> x(H);
  for (int64_t j = 0; j < H; ++j)
    x[j] = weights["model.embed_tokens.weight"][token * H + j];
  for (int64_t l = 0; l < kFixtureLayers; ++l) {
    std::string prefix = "model.layers." + std::to_string(l);
    const std::vector<float> &w = weights[prefix + ".input_layernorm.weight"];
    const std::vector<float> &b = weights[prefix + ".mlp.bias"];
    for (int64_t d = 0; d < D; ++d) {
      k[l].push_back(x[d] * w[d]);
      v[l].push_back(float((p + 1) * (l + 1) * (d + 1)));
    }
    float s = 0.0f;
    for (int64_t q = 0; q <= p; ++q)
      s += k[l][q * D] + k[l][q * D + 1] + v[l][q * D + 1] / 1000.0f;
    for (int64_t j = 0; j < H; ++j)
      x[j] = x[j] * w[j] + b[j] + s / 2.0f;
  }
  const std::vector<float> &norm = weights["model.norm.weight"];
  const std::vector<float> &head = weights["lm_head.weight"];
  std::vector<float> logits(kFixtureVocab);
  for (int64_t t = 0; t < kFixtureVocab; ++t) {
    float sum = 0.0f;
    for (int64_t j = 0; j < H; ++j)
      sum += x[j] * norm[j] * head[t * H + j];
    logits[t] = sum;
  }
  return logits;
}

} // namespace attn::rt::test
