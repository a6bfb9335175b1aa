//===- Weights.cpp - The tensors a reference model expects ----------------===//

#include "attn/Reference/Weights.h"

#include <set>

namespace attn::reference {

namespace {

const char *const lmHeadName = "lm_head.weight";

/// The problem with `tensor` as the weight `spec`, or an empty string.
std::string checkTensor(const WeightSpec &spec, const ReferenceTensor &tensor) {
  if (tensor.shape != spec.shape)
    return "weight " + spec.name + ": expected shape " +
           formatShape(spec.shape) + ", got " + formatShape(tensor.shape);
  int64_t expected = tensor.numElements();
  if (static_cast<int64_t>(tensor.data.size()) != expected)
    return "weight " + spec.name + ": shape " + formatShape(tensor.shape) +
           " holds " + std::to_string(expected) + " values, got " +
           std::to_string(tensor.data.size());
  return "";
}

} // namespace

std::vector<WeightSpec> expectedWeights(const ReferenceConfig &c) {
  int64_t qDim = c.numHeads * c.headDim;
  int64_t kvDim = c.numKVHeads * c.headDim;
  std::vector<WeightSpec> specs;
  specs.push_back({"model.embed_tokens.weight", {c.vocabSize, c.hiddenSize}});
  for (int64_t layer = 0; layer < c.numLayers; ++layer) {
    std::string prefix = "model.layers." + std::to_string(layer) + ".";
    std::string attn = prefix + "self_attn.";
    std::string mlp = prefix + "mlp.";
    specs.push_back({prefix + "input_layernorm.weight", {c.hiddenSize}});
    specs.push_back({attn + "q_proj.weight", {qDim, c.hiddenSize}});
    specs.push_back({attn + "k_proj.weight", {kvDim, c.hiddenSize}});
    specs.push_back({attn + "v_proj.weight", {kvDim, c.hiddenSize}});
    if (c.hasQKVBias()) {
      specs.push_back({attn + "q_proj.bias", {qDim}});
      specs.push_back({attn + "k_proj.bias", {kvDim}});
      specs.push_back({attn + "v_proj.bias", {kvDim}});
    }
    specs.push_back({attn + "o_proj.weight", {c.hiddenSize, qDim}});
    if (c.hasOutputBias())
      specs.push_back({attn + "o_proj.bias", {c.hiddenSize}});
    specs.push_back(
        {prefix + "post_attention_layernorm.weight", {c.hiddenSize}});
    specs.push_back(
        {mlp + "gate_proj.weight", {c.intermediateSize, c.hiddenSize}});
    specs.push_back(
        {mlp + "up_proj.weight", {c.intermediateSize, c.hiddenSize}});
    specs.push_back(
        {mlp + "down_proj.weight", {c.hiddenSize, c.intermediateSize}});
    if (c.mlpBias) {
      specs.push_back({mlp + "gate_proj.bias", {c.intermediateSize}});
      specs.push_back({mlp + "up_proj.bias", {c.intermediateSize}});
      specs.push_back({mlp + "down_proj.bias", {c.hiddenSize}});
    }
  }
  specs.push_back({"model.norm.weight", {c.hiddenSize}});
  if (!c.tieWordEmbeddings)
    specs.push_back({lmHeadName, {c.vocabSize, c.hiddenSize}});
  return specs;
}

std::string checkWeights(const ReferenceConfig &config,
                         const WeightMap &weights) {
  std::set<std::string> known;
  for (const WeightSpec &spec : expectedWeights(config)) {
    known.insert(spec.name);
    auto it = weights.find(spec.name);
    if (it == weights.end())
      return "weight " + spec.name + ": missing (expected shape " +
             formatShape(spec.shape) + ")";
    if (std::string problem = checkTensor(spec, it->second); !problem.empty())
      return problem;
  }
  if (config.tieWordEmbeddings) {
    auto it = weights.find(lmHeadName);
    if (it != weights.end()) {
      known.insert(lmHeadName);
      WeightSpec spec{lmHeadName, {config.vocabSize, config.hiddenSize}};
      if (std::string problem = checkTensor(spec, it->second); !problem.empty())
        return problem + " (ignored with tied embeddings, but still checked)";
    }
  }
  for (const auto &[name, tensor] : weights)
    if (!known.count(name))
      return "weight " + name + ": not a tensor of this config (shape " +
             formatShape(tensor.shape) + ")";
  return "";
}

} // namespace attn::reference
