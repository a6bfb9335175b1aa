//===- TestModels.cpp - Tiny models for the reference's own tests ---------===//

#include "TestModels.h"

#include "attn/Reference/RandomWeights.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace attn::reference::testing {

ReferenceConfig tinyConfig() {
  ReferenceConfig config;
  config.hiddenSize = 24;
  config.intermediateSize = 40;
  config.numLayers = 2;
  config.numHeads = 4;
  config.numKVHeads = 2;
  config.headDim = 8;
  config.vocabSize = 31;
  config.rmsNormEps = 1e-6;
  config.ropeTheta = 10000.0;
  return config;
}

WeightMap tinyWeights(const ReferenceConfig &config, uint64_t seed) {
  RandomWeightOptions options;
  options.seed = seed;
  options.stddev = 0.2;
  return makeRandomWeights(config, options);
}

std::optional<ReferenceModel> makeModel(const ReferenceConfig &config,
                                        const WeightMap &weights) {
  std::string error;
  std::optional<ReferenceModel> model =
      ReferenceModel::create(config, weights, error);
  EXPECT_TRUE(model.has_value()) << error;
  return model;
}

ReferenceTensor run(ReferenceModel &model, const std::vector<int64_t> &tokens,
                    int64_t start) {
  std::string error;
  std::optional<ReferenceTensor> logits = model.forward(tokens, start, error);
  EXPECT_TRUE(logits.has_value()) << error;
  return logits ? std::move(*logits) : ReferenceTensor{};
}

ReferenceTensor rows(const ReferenceTensor &t, int64_t first, int64_t count) {
  int64_t cols = t.shape[1];
  ReferenceTensor part;
  part.shape = {count, cols};
  part.data.assign(t.data.begin() + first * cols,
                   t.data.begin() + (first + count) * cols);
  return part;
}

ReferenceTensor concatRows(const std::vector<ReferenceTensor> &parts) {
  ReferenceTensor all;
  all.shape = {0, parts.front().shape[1]};
  for (const ReferenceTensor &part : parts) {
    all.shape[0] += part.shape[0];
    all.data.insert(all.data.end(), part.data.begin(), part.data.end());
  }
  return all;
}

double maxAbsDiff(const ReferenceTensor &a, const ReferenceTensor &b) {
  if (a.shape != b.shape || a.data.size() != b.data.size())
    return std::numeric_limits<double>::infinity();
  double diff = 0.0;
  for (size_t i = 0; i < a.data.size(); ++i)
    diff = std::max(diff, std::fabs(a.data[i] - b.data[i]));
  return diff;
}

std::vector<int64_t> sampleTokens(const ReferenceConfig &config) {
  std::vector<int64_t> tokens;
  for (int64_t i = 0; i < 17; ++i)
    tokens.push_back((i * 7 + 3) % config.vocabSize);
  return tokens;
}

} // namespace attn::reference::testing
