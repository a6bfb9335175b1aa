//===- Model.cpp - The reference forward pass with a KV cache -------------===//

#include "attn/Reference/Model.h"
#include "attn/Reference/Math.h"
#include "attn/Reference/Rope.h"
#include "attn/Reference/Weights.h"

#include <algorithm>
#include <cassert>

namespace attn::reference {

namespace {

/// Elements [begin, begin + count) of `v`.
std::vector<double> slice(const std::vector<double> &v, int64_t begin,
                          int64_t count) {
  return std::vector<double>(v.begin() + begin, v.begin() + begin + count);
}

void addInPlace(std::vector<double> &sum, const std::vector<double> &term) {
  for (size_t i = 0; i < sum.size(); ++i)
    sum[i] += term[i];
}

} // namespace

std::optional<ReferenceModel>
ReferenceModel::create(const ReferenceConfig &config, WeightMap weights,
                       std::string &error) {
  error = validateConfig(config);
  if (error.empty())
    error = checkWeights(config, weights);
  if (!error.empty())
    return std::nullopt;
  return ReferenceModel(config, std::move(weights));
}

ReferenceModel::ReferenceModel(const ReferenceConfig &config, WeightMap weights)
    : config(config), weights(std::move(weights)) {
  reset();
}

void ReferenceModel::reset() {
  keys.assign(config.numLayers,
              std::vector<std::vector<double>>(config.numKVHeads));
  values = keys;
  cachedLength = 0;
}

const ReferenceTensor &ReferenceModel::weight(const std::string &name) const {
  auto it = weights.find(name);
  assert(it != weights.end() && "checkWeights let a tensor go missing");
  return it->second;
}

const ReferenceTensor *
ReferenceModel::optionalWeight(const std::string &name) const {
  auto it = weights.find(name);
  return it == weights.end() ? nullptr : &it->second;
}

std::optional<ReferenceTensor>
ReferenceModel::forward(const std::vector<int64_t> &tokens,
                        int64_t startPosition, std::string &error) {
  if (tokens.empty()) {
    error = "forward: no tokens to run";
    return std::nullopt;
  }
  if (startPosition < 0 || startPosition > cachedLength) {
    error = "forward: start position " + std::to_string(startPosition) +
            " is outside [0, " + std::to_string(cachedLength) +
            "] (the cached positions)";
    return std::nullopt;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= config.vocabSize) {
      error = "forward: token " + std::to_string(tokens[i]) + " at index " +
              std::to_string(i) + " is outside [0, " +
              std::to_string(config.vocabSize) + ")";
      return std::nullopt;
    }
  }
  error.clear();

  int64_t headDim = config.headDim;
  for (int64_t layer = 0; layer < config.numLayers; ++layer) {
    for (int64_t kvHead = 0; kvHead < config.numKVHeads; ++kvHead) {
      keys[layer][kvHead].resize(startPosition * headDim);
      values[layer][kvHead].resize(startPosition * headDim);
    }
  }
  cachedLength = startPosition;

  int64_t numTokens = static_cast<int64_t>(tokens.size());
  // Hugging Face computes the dynamic NTK frequencies once per call, from the
  // longest position in it.
  std::vector<double> invFreq = ropeInvFreq(config, startPosition + numTokens);

  const ReferenceTensor &embedding = weight("model.embed_tokens.weight");
  std::vector<std::vector<double>> hidden;
  for (int64_t token : tokens)
    hidden.push_back(
        slice(embedding.data, token * config.hiddenSize, config.hiddenSize));

  for (int64_t layer = 0; layer < config.numLayers; ++layer)
    runLayer(layer, hidden, startPosition, invFreq);
  cachedLength = startPosition + numTokens;

  const ReferenceTensor &norm = weight("model.norm.weight");
  const ReferenceTensor &lmHead =
      weight(config.tieWordEmbeddings ? "model.embed_tokens.weight"
                                      : "lm_head.weight");
  ReferenceTensor logits;
  logits.shape = {numTokens, config.vocabSize};
  for (const std::vector<double> &state : hidden) {
    std::vector<double> row =
        linear(lmHead, nullptr, rmsNorm(state, norm.data, config.rmsNormEps));
    logits.data.insert(logits.data.end(), row.begin(), row.end());
  }
  return logits;
}

void ReferenceModel::runLayer(int64_t layer,
                              std::vector<std::vector<double>> &hidden,
                              int64_t startPosition,
                              const std::vector<double> &invFreq) {
  std::string prefix = "model.layers." + std::to_string(layer) + ".";
  std::string attn = prefix + "self_attn.";
  std::string mlp = prefix + "mlp.";
  int64_t headDim = config.headDim;
  int64_t queriesPerKV = config.numHeads / config.numKVHeads;
  int64_t numTokens = static_cast<int64_t>(hidden.size());

  // Projections of every new position first: a query attends to the keys of
  // the positions before it in this same call.
  std::vector<std::vector<double>> queries;
  for (int64_t i = 0; i < numTokens; ++i) {
    int64_t position = startPosition + i;
    std::vector<double> normed =
        rmsNorm(hidden[i], weight(prefix + "input_layernorm.weight").data,
                config.rmsNormEps);
    std::vector<double> q =
        linear(weight(attn + "q_proj.weight"),
               optionalWeight(attn + "q_proj.bias"), normed);
    std::vector<double> k =
        linear(weight(attn + "k_proj.weight"),
               optionalWeight(attn + "k_proj.bias"), normed);
    std::vector<double> v =
        linear(weight(attn + "v_proj.weight"),
               optionalWeight(attn + "v_proj.bias"), normed);
    for (int64_t head = 0; head < config.numHeads; ++head) {
      std::vector<double> part = slice(q, head * headDim, headDim);
      applyRope(part, position, invFreq);
      std::copy(part.begin(), part.end(), q.begin() + head * headDim);
    }
    for (int64_t kvHead = 0; kvHead < config.numKVHeads; ++kvHead) {
      std::vector<double> part = slice(k, kvHead * headDim, headDim);
      applyRope(part, position, invFreq);
      std::vector<double> &cachedKeys = keys[layer][kvHead];
      cachedKeys.insert(cachedKeys.end(), part.begin(), part.end());
      std::vector<double> &cachedValues = values[layer][kvHead];
      cachedValues.insert(cachedValues.end(), v.begin() + kvHead * headDim,
                          v.begin() + (kvHead + 1) * headDim);
    }
    queries.push_back(std::move(q));
  }

  for (int64_t i = 0; i < numTokens; ++i) {
    int64_t position = startPosition + i;
    // Causal, and within the window: key t is visible iff
    // 0 <= position - t < window.
    int64_t first = 0;
    if (config.slidingWindow > 0)
      first = std::max<int64_t>(0, position - config.slidingWindow + 1);
    int64_t numVisible = position - first + 1;

    std::vector<double> heads;
    for (int64_t head = 0; head < config.numHeads; ++head) {
      // Grouped-query attention: query heads share KV heads in consecutive
      // groups, as repeat_kv lays them out.
      int64_t kvHead = head / queriesPerKV;
      std::vector<double> out = attend(
          queries[i].data() + head * headDim,
          keys[layer][kvHead].data() + first * headDim,
          values[layer][kvHead].data() + first * headDim, numVisible, headDim);
      heads.insert(heads.end(), out.begin(), out.end());
    }
    addInPlace(hidden[i], linear(weight(attn + "o_proj.weight"),
                                 optionalWeight(attn + "o_proj.bias"), heads));

    std::vector<double> normed = rmsNorm(
        hidden[i], weight(prefix + "post_attention_layernorm.weight").data,
        config.rmsNormEps);
    std::vector<double> gate =
        linear(weight(mlp + "gate_proj.weight"),
               optionalWeight(mlp + "gate_proj.bias"), normed);
    std::vector<double> up =
        linear(weight(mlp + "up_proj.weight"),
               optionalWeight(mlp + "up_proj.bias"), normed);
    for (size_t j = 0; j < gate.size(); ++j)
      gate[j] = silu(gate[j]) * up[j];
    addInPlace(hidden[i], linear(weight(mlp + "down_proj.weight"),
                                 optionalWeight(mlp + "down_proj.bias"), gate));
  }
}

} // namespace attn::reference
