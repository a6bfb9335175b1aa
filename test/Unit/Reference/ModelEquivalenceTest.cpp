//===- ModelEquivalenceTest.cpp - Forward passes that must agree ----------===//
//
// Each test runs two computations that the formulas say are equal (and, where
// it matters, a third that they say is not, so the test cannot pass by
// ignoring what it varies).
//
//===----------------------------------------------------------------------===//

#include "TestModels.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace attn::reference;
using namespace attn::reference::testing;

namespace {

/// Equal up to double rounding for logits of order one.
const double tolerance = 1e-12;

TEST(ReferenceModel, ChangingAFutureTokenLeavesEarlierLogits) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  auto model = makeModel(config, weights);
  ASSERT_TRUE(model);
  std::vector<int64_t> tokens = sampleTokens(config);
  ReferenceTensor before = run(*model, tokens);
  tokens[10] = (tokens[10] + 1) % config.vocabSize;
  ReferenceTensor after = run(*model, tokens);
  EXPECT_EQ(maxAbsDiff(rows(before, 0, 10), rows(after, 0, 10)), 0.0);
  for (int64_t row = 10; row < 17; ++row)
    EXPECT_GT(maxAbsDiff(rows(before, row, 1), rows(after, row, 1)), 1e-6)
        << "row " << row;
}

TEST(ReferenceModel, WithoutAttentionAndMLPLogitsAreTheNormedEmbedding) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  for (int64_t layer = 0; layer < config.numLayers; ++layer) {
    std::string prefix = "model.layers." + std::to_string(layer) + ".";
    for (const char *name : {"self_attn.o_proj.weight", "mlp.down_proj.weight"})
      for (double &value : weights[prefix + name].data)
        value = 0.0;
  }
  auto model = makeModel(config, weights);
  ASSERT_TRUE(model);
  std::vector<int64_t> tokens = {4, 29, 0};
  ReferenceTensor logits = run(*model, tokens);

  const ReferenceTensor &embedding = weights["model.embed_tokens.weight"];
  const ReferenceTensor &norm = weights["model.norm.weight"];
  const ReferenceTensor &head = weights["lm_head.weight"];
  int64_t hidden = config.hiddenSize;
  for (size_t row = 0; row < tokens.size(); ++row) {
    const double *x = embedding.data.data() + tokens[row] * hidden;
    double meanSquare = 0.0;
    for (int64_t i = 0; i < hidden; ++i)
      meanSquare += x[i] * x[i] / static_cast<double>(hidden);
    for (int64_t v = 0; v < config.vocabSize; ++v) {
      double expected = 0.0;
      for (int64_t i = 0; i < hidden; ++i)
        expected += head.at(v, i) * x[i] * norm.data[i] /
                    std::sqrt(meanSquare + config.rmsNormEps);
      EXPECT_NEAR(logits.at(static_cast<int64_t>(row), v), expected, 1e-12)
          << "row " << row << " vocab " << v;
    }
  }
}

/// The weights of a model with one KV head per query head that repeats the
/// K/V projections of `weights` as `kvHeadOf(queryHead)` says.
WeightMap expandKV(const ReferenceConfig &gqa, const WeightMap &weights,
                   int64_t (*kvHeadOf)(int64_t head, int64_t numHeads,
                                       int64_t numKVHeads)) {
  WeightMap expanded = weights;
  int64_t rowSize = gqa.hiddenSize * gqa.headDim;
  for (int64_t layer = 0; layer < gqa.numLayers; ++layer) {
    for (const char *proj : {"k_proj", "v_proj"}) {
      std::string name = "model.layers." + std::to_string(layer) +
                         ".self_attn." + proj + ".weight";
      const ReferenceTensor &source = weights.at(name);
      ReferenceTensor &target = expanded[name];
      target.shape = {gqa.numHeads * gqa.headDim, gqa.hiddenSize};
      target.data.clear();
      for (int64_t head = 0; head < gqa.numHeads; ++head) {
        int64_t kvHead = kvHeadOf(head, gqa.numHeads, gqa.numKVHeads);
        target.data.insert(target.data.end(),
                           source.data.begin() + kvHead * rowSize,
                           source.data.begin() + (kvHead + 1) * rowSize);
      }
    }
  }
  return expanded;
}

int64_t consecutiveGroups(int64_t head, int64_t numHeads, int64_t numKVHeads) {
  return head / (numHeads / numKVHeads);
}

int64_t interleaved(int64_t head, int64_t numHeads, int64_t numKVHeads) {
  return head % numKVHeads;
}

void checkGQAEquivalence(int64_t numKVHeads) {
  ReferenceConfig gqa = tinyConfig();
  gqa.numKVHeads = numKVHeads;
  WeightMap weights = tinyWeights(gqa);
  ReferenceConfig mha = gqa;
  mha.numKVHeads = gqa.numHeads;

  auto gqaModel = makeModel(gqa, weights);
  auto mhaModel = makeModel(mha, expandKV(gqa, weights, consecutiveGroups));
  auto wrongModel = makeModel(mha, expandKV(gqa, weights, interleaved));
  ASSERT_TRUE(gqaModel && mhaModel && wrongModel);
  std::vector<int64_t> tokens = sampleTokens(gqa);
  ReferenceTensor expected = run(*gqaModel, tokens);
  EXPECT_LT(maxAbsDiff(expected, run(*mhaModel, tokens)), tolerance);
  // Interleaving the groups differs unless there is one KV head.
  double wrong = maxAbsDiff(expected, run(*wrongModel, tokens));
  if (numKVHeads > 1)
    EXPECT_GT(wrong, 1e-6);
  else
    EXPECT_LT(wrong, tolerance);
}

TEST(ReferenceModel, GQAEqualsMHAWithRepeatedKVHeads) {
  checkGQAEquivalence(2);
}

TEST(ReferenceModel, MQAEqualsMHAWithRepeatedKVHead) { checkGQAEquivalence(1); }

TEST(ReferenceModel, SlidingWindowHidesOnlyKeysOutsideIt) {
  ReferenceConfig config = tinyConfig();
  WeightMap weights = tinyWeights(config);
  std::vector<int64_t> tokens = sampleTokens(config);
  auto full = makeModel(config, weights);
  ASSERT_TRUE(full);
  ReferenceTensor expected = run(*full, tokens);

  // A window as long as the sequence still shows position 0 to the last query.
  for (int64_t window : {17, 18, 1000}) {
    config.slidingWindow = window;
    auto windowed = makeModel(config, weights);
    ASSERT_TRUE(windowed);
    EXPECT_EQ(maxAbsDiff(expected, run(*windowed, tokens)), 0.0)
        << "window " << window;
  }

  // Queries before position 5 see all their keys; later ones lose some.
  config.slidingWindow = 5;
  auto windowed = makeModel(config, weights);
  ASSERT_TRUE(windowed);
  ReferenceTensor logits = run(*windowed, tokens);
  EXPECT_EQ(maxAbsDiff(rows(expected, 0, 5), rows(logits, 0, 5)), 0.0);
  for (int64_t row = 5; row < 17; ++row)
    EXPECT_GT(maxAbsDiff(rows(expected, row, 1), rows(logits, row, 1)), 1e-9)
        << "row " << row;
}

TEST(ReferenceModel, SlidingWindowOfOneAttendsToItselfOnly) {
  // With only its own key visible, each position's attention output is its
  // own value, whatever came before; so logits depend on its token alone
  // (layer 0) and a sequence's last row equals a one-token sequence's.
  ReferenceConfig config = tinyConfig();
  config.numLayers = 1;
  config.slidingWindow = 1;
  WeightMap weights = tinyWeights(config);
  auto model = makeModel(config, weights);
  ASSERT_TRUE(model);
  // Rope does not matter either: a single key's softmax weight is one.
  ReferenceTensor sequence = run(*model, {3, 9, 14});
  ReferenceTensor alone = run(*model, {14});
  EXPECT_LT(maxAbsDiff(rows(sequence, 2, 1), alone), tolerance);
}

/// Variants that the prefill/decode and chunking tests cover.
std::vector<ReferenceConfig> cacheVariants() {
  std::vector<ReferenceConfig> variants;
  ReferenceConfig base = tinyConfig();
  variants.push_back(base);
  ReferenceConfig c = base;
  c.numKVHeads = 1;
  variants.push_back(c);
  c = base;
  c.slidingWindow = 4;
  variants.push_back(c);
  c = base;
  c.ropeScaling = RopeScalingKind::Linear;
  c.ropeFactor = 2.5;
  variants.push_back(c);
  c = base;
  c.ropeScaling = RopeScalingKind::Llama3;
  c.ropeFactor = 8;
  c.originalMaxPositionEmbeddings = 16;
  variants.push_back(c);
  c = base;
  // Within max_position_embeddings dynamic scaling does not change anything.
  c.ropeScaling = RopeScalingKind::Dynamic;
  c.ropeFactor = 2;
  c.maxPositionEmbeddings = 64;
  variants.push_back(c);
  c = base;
  c.tieWordEmbeddings = true;
  c.qkvBias = true;
  c.mlpBias = true;
  variants.push_back(c);
  c = base;
  c.attentionBias = true;
  variants.push_back(c);
  return variants;
}

std::string describe(const ReferenceConfig &c) {
  return std::string("rope ") + ropeScalingName(c.ropeScaling) + ", kv heads " +
         std::to_string(c.numKVHeads) + ", window " +
         std::to_string(c.slidingWindow) + ", biases " +
         std::to_string(c.attentionBias) + std::to_string(c.qkvBias) +
         std::to_string(c.mlpBias) + ", tied " +
         std::to_string(c.tieWordEmbeddings);
}

TEST(ReferenceModel, PrefillThenDecodeEqualsOnePrefill) {
  for (const ReferenceConfig &config : cacheVariants()) {
    SCOPED_TRACE(describe(config));
    auto model = makeModel(config, tinyWeights(config));
    ASSERT_TRUE(model);
    std::vector<int64_t> tokens = sampleTokens(config);
    ReferenceTensor expected = run(*model, tokens);

    std::vector<ReferenceTensor> parts;
    parts.push_back(run(*model, {tokens.begin(), tokens.begin() + 9}, 0));
    for (int64_t position = 9; position < 17; ++position)
      parts.push_back(run(*model, {tokens[position]}, position));
    EXPECT_EQ(model->cachedPositions(), 17);
    EXPECT_LT(maxAbsDiff(expected, concatRows(parts)), tolerance);
  }
}

TEST(ReferenceModel, ChunkedPrefillEqualsOnePrefill) {
  for (const ReferenceConfig &config : cacheVariants()) {
    SCOPED_TRACE(describe(config));
    auto model = makeModel(config, tinyWeights(config));
    ASSERT_TRUE(model);
    std::vector<int64_t> tokens = sampleTokens(config);
    ReferenceTensor expected = run(*model, tokens);

    std::vector<ReferenceTensor> parts;
    int64_t start = 0;
    for (int64_t size : {3, 4, 1, 5, 4}) {
      parts.push_back(
          run(*model, {tokens.begin() + start, tokens.begin() + start + size},
              start));
      start += size;
    }
    EXPECT_LT(maxAbsDiff(expected, concatRows(parts)), tolerance);
  }
}

TEST(ReferenceModel, StartingEarlierRewindsTheCache) {
  ReferenceConfig config = tinyConfig();
  auto model = makeModel(config, tinyWeights(config));
  ASSERT_TRUE(model);
  std::vector<int64_t> tokens = sampleTokens(config);
  ReferenceTensor expected = run(*model, tokens);
  // Overwrite positions 6.. with other tokens, then go back and redo them.
  run(*model, {1, 2, 3}, 6);
  EXPECT_EQ(model->cachedPositions(), 9);
  ReferenceTensor redone = run(*model, {tokens.begin() + 6, tokens.end()}, 6);
  EXPECT_LT(maxAbsDiff(rows(expected, 6, 11), redone), tolerance);
  model->reset();
  EXPECT_EQ(model->cachedPositions(), 0);
  EXPECT_LT(maxAbsDiff(expected, run(*model, tokens)), tolerance);
}

TEST(ReferenceModel, TiedEmbeddingsUseTheEmbeddingAsLMHead) {
  ReferenceConfig tied = tinyConfig();
  tied.tieWordEmbeddings = true;
  WeightMap weights = tinyWeights(tied);
  ReferenceConfig untied = tied;
  untied.tieWordEmbeddings = false;
  WeightMap withHead = weights;
  withHead["lm_head.weight"] = weights["model.embed_tokens.weight"];
  auto tiedModel = makeModel(tied, weights);
  auto untiedModel = makeModel(untied, withHead);
  ASSERT_TRUE(tiedModel && untiedModel);
  std::vector<int64_t> tokens = sampleTokens(tied);
  EXPECT_EQ(maxAbsDiff(run(*tiedModel, tokens), run(*untiedModel, tokens)),
            0.0);
}

TEST(ReferenceModel, EveryBiasIsAdded) {
  ReferenceConfig plain = tinyConfig();
  WeightMap weights = tinyWeights(plain);
  auto plainModel = makeModel(plain, weights);
  ASSERT_TRUE(plainModel);
  std::vector<int64_t> tokens = sampleTokens(plain);
  ReferenceTensor expected = run(*plainModel, tokens);

  struct Variant {
    const char *what;
    bool attention, qkv, mlp;
    std::vector<const char *> biases;
  } variants[] = {{"attention_bias", true, false, false, {"q", "k", "v", "o"}},
                  {"qkv bias", false, true, false, {"q", "k", "v"}},
                  {"mlp_bias", false, false, true, {"gate", "up", "down"}}};
  for (const Variant &variant : variants) {
    ReferenceConfig biased = plain;
    biased.attentionBias = variant.attention;
    biased.qkvBias = variant.qkv;
    biased.mlpBias = variant.mlp;
    WeightMap zero = tinyWeights(biased);
    // The plain model's weights, with every bias zero: the same logits.
    for (auto &[name, tensor] : zero) {
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)
        tensor.data.assign(tensor.data.size(), 0.0);
      else
        tensor = weights.at(name);
    }
    auto zeroModel = makeModel(biased, zero);
    ASSERT_TRUE(zeroModel);
    EXPECT_EQ(maxAbsDiff(expected, run(*zeroModel, tokens)), 0.0)
        << variant.what;

    // Each bias on its own, in the last layer, changes them.
    WeightMap random = tinyWeights(biased, 2);
    for (const char *bias : variant.biases) {
      std::string block = variant.mlp ? ".mlp." : ".self_attn.";
      std::string name = "model.layers.1" + block + bias + "_proj.bias";
      WeightMap one = zero;
      one[name] = random.at(name);
      auto model = makeModel(biased, one);
      ASSERT_TRUE(model);
      EXPECT_GT(maxAbsDiff(expected, run(*model, tokens)), 1e-6)
          << variant.what << ": " << name;
    }
  }
}

} // namespace
