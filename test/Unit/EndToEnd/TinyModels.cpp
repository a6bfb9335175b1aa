//===- TinyModels.cpp - The model variants the end-to-end tests run -------===//

#include "TinyModels.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

using namespace attn_e2e;
using attn::reference::ReferenceConfig;
using attn::reference::RopeScalingKind;
using attn::reference::StorageType;

/// The common shape: small enough that the reference runs in milliseconds,
/// big enough that heads, groups and the MLP are all distinct sizes.
static ReferenceConfig baseConfig() {
  ReferenceConfig c;
  c.hiddenSize = 32;
  c.intermediateSize = 48;
  c.numLayers = 2;
  c.numHeads = 4;
  c.numKVHeads = 4;
  c.headDim = 8;
  c.vocabSize = 61;
  c.maxPositionEmbeddings = 64;
  return c;
}

static std::vector<TinyModel> makeTinyModels() {
  std::vector<TinyModel> models;
  auto add = [&](std::string name, std::string type, auto edit,
                 StorageType storage = StorageType::F32,
                 std::string pipelineOptions = "") {
    TinyModel m{std::move(name), std::move(type), baseConfig(), storage,
                std::move(pipelineOptions)};
    edit(m.config);
    models.push_back(std::move(m));
  };
  auto none = [](ReferenceConfig &) {};
  add("mha", "llama", none);
  add("gqa", "llama", [](ReferenceConfig &c) { c.numKVHeads = 2; });
  add("mqa", "llama", [](ReferenceConfig &c) { c.numKVHeads = 1; });
  // 4 heads of 12 in a hidden size of 32: the projections are not square.
  add("head_dim_12", "llama", [](ReferenceConfig &c) {
    c.headDim = 12;
    c.numKVHeads = 2;
  });
  add("tied_embeddings", "llama",
      [](ReferenceConfig &c) { c.tieWordEmbeddings = true; });
  add("rope_linear", "llama", [](ReferenceConfig &c) {
    c.ropeScaling = RopeScalingKind::Linear;
    c.ropeFactor = 2.5;
  });
  // LogitsTest stays within max_position_embeddings, where the scaling
  // changes nothing; DynamicRopeTest.cpp goes past it.
  add("rope_dynamic", "llama", [](ReferenceConfig &c) {
    c.ropeScaling = RopeScalingKind::Dynamic;
    c.ropeFactor = 2.0;
  });
  // original 16 with low 1 and high 4: wavelengths above 16 are scaled,
  // below 4 kept, and those between interpolated; head_dim 8 has all three.
  add("rope_llama3", "llama", [](ReferenceConfig &c) {
    c.ropeScaling = RopeScalingKind::Llama3;
    c.ropeFactor = 8.0;
    c.lowFreqFactor = 1.0;
    c.highFreqFactor = 4.0;
    c.originalMaxPositionEmbeddings = 16;
    c.ropeTheta = 500000.0;
  });
  add("sliding_window", "mistral", [](ReferenceConfig &c) {
    c.numKVHeads = 2;
    c.slidingWindow = 4;
  });
  add("qwen2_qkv_bias", "qwen2", [](ReferenceConfig &c) {
    c.numKVHeads = 2;
    c.qkvBias = true;
    c.ropeTheta = 1000000.0;
  });
  add("llama_biases", "llama", [](ReferenceConfig &c) {
    c.attentionBias = true;
    c.mlpBias = true;
  });
  add(
      "f16_weights", "llama", [](ReferenceConfig &c) { c.numKVHeads = 2; },
      StorageType::F16);
  add(
      "bf16_weights", "llama", [](ReferenceConfig &c) { c.numKVHeads = 2; },
      StorageType::BF16);
  // Every dimension but the KV heads' a multiple of 64: the projections, the
  // MLP and the LM head are packed in panels at load (--attn-pack-weights),
  // k_proj and v_proj (16 rows) are not; bf16 on disk is converted first.
  auto panelShapes = [](ReferenceConfig &c) {
    c.hiddenSize = 64;
    c.intermediateSize = 128;
    c.numHeads = 8;
    c.numKVHeads = 2;
    c.vocabSize = 128;
  };
  add("panel_weights", "llama", panelShapes, StorageType::BF16);
  // The same with the panels kept in bf16 and widened in the kernel: the
  // checkpoint is bf16, so the values are exact and the reference holds.
  add("panel_weights_bf16_resident", "llama", panelShapes, StorageType::BF16,
      "bf16-weights=true");
  // A tied LM head with bf16 resident: the table (gathered and the head's
  // weight) and k_proj/v_proj (not panels) stay bf16 (--attn-narrow-weights)
  // and are widened by the gather and the unpacked matmul kernel.
  add(
      "tied_bf16_resident", "llama",
      [&](ReferenceConfig &c) {
        panelShapes(c);
        c.tieWordEmbeddings = true;
      },
      StorageType::BF16, "bf16-weights=true");
  return models;
}

const std::vector<TinyModel> &attn_e2e::tinyModels() {
  static const std::vector<TinyModel> models = makeTinyModels();
  return models;
}

const TinyModel &attn_e2e::tinyModel(const std::string &name) {
  for (const TinyModel &m : tinyModels())
    if (m.name == name)
      return m;
  std::fprintf(stderr, "no tiny model called '%s'\n", name.c_str());
  std::abort();
}

std::string attn_e2e::configJson(const TinyModel &model) {
  const ReferenceConfig &c = model.config;
  static const char *kArchitectures[][2] = {{"llama", "LlamaForCausalLM"},
                                            {"mistral", "MistralForCausalLM"},
                                            {"qwen2", "Qwen2ForCausalLM"}};
  nlohmann::json j;
  j["model_type"] = model.modelType;
  for (auto &[type, architecture] : kArchitectures)
    if (model.modelType == type)
      j["architectures"] = {architecture};
  j["hidden_act"] = "silu";
  j["hidden_size"] = c.hiddenSize;
  j["intermediate_size"] = c.intermediateSize;
  j["num_hidden_layers"] = c.numLayers;
  j["num_attention_heads"] = c.numHeads;
  j["num_key_value_heads"] = c.numKVHeads;
  j["head_dim"] = c.headDim;
  j["vocab_size"] = c.vocabSize;
  j["max_position_embeddings"] = c.maxPositionEmbeddings;
  j["rms_norm_eps"] = c.rmsNormEps;
  j["rope_theta"] = c.ropeTheta;
  j["tie_word_embeddings"] = c.tieWordEmbeddings;
  if (model.modelType == "llama") {
    j["attention_bias"] = c.attentionBias;
    j["mlp_bias"] = c.mlpBias;
  }
  if (model.modelType == "mistral")
    j["sliding_window"] = c.slidingWindow;
  if (model.modelType == "qwen2")
    j["use_sliding_window"] = false;
  nlohmann::json scaling = nullptr;
  if (c.ropeScaling != RopeScalingKind::None) {
    scaling = {{"rope_type", attn::reference::ropeScalingName(c.ropeScaling)},
               {"factor", c.ropeFactor}};
    if (c.ropeScaling == RopeScalingKind::Llama3) {
      scaling["low_freq_factor"] = c.lowFreqFactor;
      scaling["high_freq_factor"] = c.highFreqFactor;
      scaling["original_max_position_embeddings"] =
          c.originalMaxPositionEmbeddings;
    }
  }
  j["rope_scaling"] = scaling;
  return j.dump(2);
}
