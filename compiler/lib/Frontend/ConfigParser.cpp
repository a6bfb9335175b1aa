//===- ConfigParser.cpp - config.json to ModelConfig ----------------------===//
//
// The rules follow transformers' LlamaConfig, MistralConfig and Qwen2Config:
// the same defaults, the same meaning of null, the same derived values. A key
// is honoured, rejected because it changes the math in a way attnc does not
// compile, accepted because it does not affect inference, or (when attnc has
// never heard of it) accepted with a warning.
//
//===----------------------------------------------------------------------===//

#include "attn/Frontend/ConfigParser.h"

#include "JsonReader.h"
#include "ParseJson.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::attn;

namespace {

/// transformers' defaults for the keys a config may omit.
struct FamilyDefaults {
  int64_t vocabSize;
  int64_t hiddenSize;
  int64_t intermediateSize;
  int64_t numHiddenLayers;
  int64_t numAttentionHeads;
  /// std::nullopt: the number of attention heads.
  std::optional<int64_t> numKeyValueHeads;
  int64_t maxPositionEmbeddings;
  double rmsNormEps;
  double ropeTheta;
};

/// A key that changes the math in a way attnc does not compile. It is
/// harmless when null, false, or (for numbers) equal to `neutral`.
struct UnsupportedKey {
  llvm::StringLiteral key;
  llvm::StringLiteral why;
  std::optional<double> neutral;
};

class ConfigRules {
public:
  ConfigRules(const Json &root, llvm::StringRef fileName)
      : root(root), fileName(fileName.str()), reader(fileName) {}

  llvm::Expected<ParsedConfig> run();

private:
  void readModelType();
  void readSizes(const FamilyDefaults &defaults);
  void readNumerics(const FamilyDefaults &defaults);
  void readRope();
  void readRopeObject(const Json &object, const std::string &prefix,
                      bool allowTheta);
  void readBiases();
  void readSlidingWindow();
  void readCheckpointType();
  void checkLayerTypes();
  void checkUnsupportedKeys();
  void collectUnknownKeys();

  /// Marks `key` as understood, so that it is not reported as unknown.
  void use(llvm::StringRef key) { used.insert(key); }

  const Json &root;
  std::string fileName;
  JsonReader reader;
  llvm::StringSet<> used;
  ModelConfig config;
  std::vector<std::string> warnings;
};

} // namespace

static FamilyDefaults defaultsFor(ModelType type) {
  switch (type) {
  case ModelType::Llama:
    return {32000, 4096, 11008, 32, 32, std::nullopt, 2048, 1e-6, 10000.0};
  case ModelType::Mistral:
    return {32000, 4096, 14336, 32, 32, 8, 131072, 1e-6, 10000.0};
  case ModelType::Qwen2:
    return {151936, 4096, 22016, 32, 32, 32, 32768, 1e-6, 10000.0};
  }
  llvm_unreachable("unknown model type");
}

static std::optional<ModelType> modelTypeFromName(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ModelType>>(name)
      .Case("llama", ModelType::Llama)
      .Case("mistral", ModelType::Mistral)
      .Case("qwen2", ModelType::Qwen2)
      .Default(std::nullopt);
}

static std::optional<ModelType>
modelTypeFromArchitecture(llvm::StringRef arch) {
  return llvm::StringSwitch<std::optional<ModelType>>(arch)
      .Case("LlamaForCausalLM", ModelType::Llama)
      .Case("MistralForCausalLM", ModelType::Mistral)
      .Case("Qwen2ForCausalLM", ModelType::Qwen2)
      .Default(std::nullopt);
}

void ConfigRules::readModelType() {
  use("model_type");
  use("architectures");
  std::optional<ModelType> fromName;
  if (std::optional<std::string> name =
          reader.getString(root, "model_type", "model_type")) {
    fromName = modelTypeFromName(*name);
    if (!fromName)
      reader.fail("model_type", "unsupported value " + describeJson(*name) +
                                    " (supported: llama, mistral, qwen2)");
  }
  std::optional<ModelType> fromArch;
  if (const Json *archs = reader.find(root, "architectures", NullIs::Absent)) {
    if (!reader.expectKind(*archs, archs->is_array(), "architectures",
                           "an array of strings"))
      return;
    for (size_t i = 0, e = archs->size(); i < e && !reader.failed(); ++i) {
      const Json &arch = (*archs)[i];
      std::string path = "architectures[" + std::to_string(i) + "]";
      if (!reader.expectKind(arch, arch.is_string(), path, "a string"))
        return;
      std::optional<ModelType> type =
          modelTypeFromArchitecture(arch.get<std::string>());
      if (!type) {
        reader.fail(path, "unsupported value " + describeJson(arch) +
                              " (supported: LlamaForCausalLM, "
                              "MistralForCausalLM, Qwen2ForCausalLM)");
        return;
      }
      if ((fromName && *type != *fromName) || (fromArch && *type != *fromArch))
        reader.fail(path, describeJson(arch) + " does not match model_type \"" +
                              stringifyModelType(fromName.value_or(*fromArch)) +
                              "\"");
      fromArch = type;
    }
  }
  if (reader.failed())
    return;
  if (!fromName && !fromArch) {
    reader.fail("model_type", "missing; attnc needs model_type or "
                              "architectures to know the model family");
    return;
  }
  config.modelType = fromName.value_or(fromArch.value_or(ModelType::Llama));
}

void ConfigRules::readSizes(const FamilyDefaults &defaults) {
  using namespace limits;
  auto size = [&](llvm::StringRef key, int64_t fallback, int64_t max) {
    use(key);
    return reader.getInt(root, key, key.str(), 1, max).value_or(fallback);
  };
  config.hiddenSize = size("hidden_size", defaults.hiddenSize, kMaxHiddenSize);
  config.intermediateSize = size("intermediate_size", defaults.intermediateSize,
                                 kMaxIntermediateSize);
  config.numHiddenLayers =
      size("num_hidden_layers", defaults.numHiddenLayers, kMaxLayers);
  config.numAttentionHeads =
      size("num_attention_heads", defaults.numAttentionHeads, kMaxHeads);
  config.vocabSize = size("vocab_size", defaults.vocabSize, kMaxVocabSize);
  config.maxPositionEmbeddings = size(
      "max_position_embeddings", defaults.maxPositionEmbeddings, kMaxPositions);

  use("num_key_value_heads");
  // An explicit null means "as many as the attention heads" in every family;
  // an absent key takes the family's default.
  std::optional<int64_t> fallbackKv = defaults.numKeyValueHeads;
  if (root.contains("num_key_value_heads"))
    fallbackKv.reset();
  config.numKeyValueHeads =
      reader
          .getInt(root, "num_key_value_heads", "num_key_value_heads", 1,
                  kMaxHeads, NullIs::Absent)
          .value_or(fallbackKv.value_or(config.numAttentionHeads));

  use("head_dim");
  std::optional<int64_t> headDim = reader.getInt(
      root, "head_dim", "head_dim", 1, kMaxHeadDim, NullIs::Absent);
  if (reader.failed())
    return;
  if (config.numAttentionHeads % config.numKeyValueHeads != 0) {
    reader.fail("num_key_value_heads",
                llvm::Twine(config.numKeyValueHeads) +
                    " does not divide num_attention_heads (" +
                    llvm::Twine(config.numAttentionHeads) +
                    "); each key/value head serves a whole group of query "
                    "heads");
    return;
  }
  if (headDim) {
    config.headDim = *headDim;
  } else {
    if (config.hiddenSize % config.numAttentionHeads != 0) {
      reader.fail("num_attention_heads",
                  llvm::Twine(config.numAttentionHeads) +
                      " does not divide hidden_size (" +
                      llvm::Twine(config.hiddenSize) +
                      "); give head_dim explicitly if the heads are not "
                      "hidden_size / num_attention_heads wide");
      return;
    }
    config.headDim = config.hiddenSize / config.numAttentionHeads;
  }
  if (config.headDim % 2 != 0)
    reader.fail("head_dim", "must be even for rotary embeddings (the "
                            "rotate-half layout pairs dimension i with i + "
                            "head_dim/2), got " +
                                llvm::Twine(config.headDim) +
                                (headDim ? ""
                                         : " (hidden_size / "
                                           "num_attention_heads)"));
}

void ConfigRules::readNumerics(const FamilyDefaults &defaults) {
  use("rms_norm_eps");
  config.rmsNormEps =
      reader.getPositive(root, "rms_norm_eps", "rms_norm_eps", 1.0)
          .value_or(defaults.rmsNormEps);
  config.ropeTheta = defaults.ropeTheta;
  use("rope_theta");
  if (std::optional<double> theta =
          reader.getPositive(root, "rope_theta", "rope_theta", 1e12))
    config.ropeTheta = *theta;
  use("tie_word_embeddings");
  config.tieWordEmbeddings =
      reader.getBool(root, "tie_word_embeddings", "tie_word_embeddings")
          .value_or(false);
  use("hidden_act");
  if (std::optional<std::string> act =
          reader.getString(root, "hidden_act", "hidden_act")) {
    // transformers maps "swish" to the same SiLU module.
    if (*act != "silu" && *act != "swish")
      reader.fail("hidden_act", "unsupported value " + describeJson(*act) +
                                    " (supported: silu)");
  }
}

void ConfigRules::readRopeObject(const Json &object, const std::string &prefix,
                                 bool allowTheta) {
  std::optional<std::string> ropeType =
      reader.getString(object, "rope_type", prefix + ".rope_type");
  std::optional<std::string> oldType =
      reader.getString(object, "type", prefix + ".type");
  if (reader.failed())
    return;
  if (ropeType && oldType && *ropeType != *oldType) {
    reader.fail(prefix + ".type", describeJson(*oldType) +
                                      " disagrees with rope_type " +
                                      describeJson(*ropeType));
    return;
  }
  if (!ropeType && !oldType) {
    reader.fail(prefix + ".rope_type", "missing (expected one of linear, "
                                       "dynamic, llama3, or default)");
    return;
  }
  std::string typePath = prefix + (ropeType ? ".rope_type" : ".type");
  std::string typeName = ropeType ? *ropeType : *oldType;
  std::optional<RopeScalingType> type =
      llvm::StringSwitch<std::optional<RopeScalingType>>(typeName)
          .Case("default", RopeScalingType::None)
          .Case("linear", RopeScalingType::Linear)
          .Case("dynamic", RopeScalingType::Dynamic)
          .Case("llama3", RopeScalingType::Llama3)
          .Default(std::nullopt);
  if (!type) {
    reader.fail(typePath, "unsupported value " + describeJson(typeName) +
                              " (supported: linear, dynamic, llama3)");
    return;
  }

  llvm::SmallVector<llvm::StringRef> fields = {"rope_type", "type"};
  if (allowTheta)
    fields.push_back("rope_theta");
  if (*type != RopeScalingType::None)
    fields.push_back("factor");
  if (*type == RopeScalingType::Llama3)
    fields.append({"low_freq_factor", "high_freq_factor",
                   "original_max_position_embeddings"});
  for (auto it = object.begin(); it != object.end(); ++it)
    if (!llvm::is_contained(fields, it.key())) {
      reader.fail(prefix + "." + it.key(),
                  "not supported with rope_type \"" + typeName +
                      "\"; attnc would ignore it and compute different "
                      "rotations");
      return;
    }

  RopeScaling &scaling = config.ropeScaling;
  scaling.type = *type;
  if (allowTheta)
    if (std::optional<double> theta = reader.getPositive(
            object, "rope_theta", prefix + ".rope_theta", 1e12))
      config.ropeTheta = *theta;
  auto required = [&](llvm::StringRef key, double max) -> double {
    std::optional<double> value =
        reader.getPositive(object, key, prefix + "." + key.str(), max);
    if (!value && !reader.failed())
      reader.fail(prefix + "." + key,
                  "missing (required with rope_type \"" + typeName + "\")");
    return value.value_or(0.0);
  };
  if (*type == RopeScalingType::None)
    return;
  scaling.factor = required("factor", 1e6);
  if (*type != RopeScalingType::Llama3)
    return;
  scaling.lowFreqFactor = required("low_freq_factor", 1e6);
  scaling.highFreqFactor = required("high_freq_factor", 1e6);
  std::string origPath = prefix + ".original_max_position_embeddings";
  std::optional<int64_t> original =
      reader.getInt(object, "original_max_position_embeddings", origPath, 1,
                    limits::kMaxPositions);
  if (reader.failed())
    return;
  if (!original) {
    reader.fail(origPath, "missing (required with rope_type \"llama3\")");
    return;
  }
  scaling.originalMaxPositionEmbeddings = *original;
  if (scaling.highFreqFactor <= scaling.lowFreqFactor)
    reader.fail(prefix + ".high_freq_factor",
                "must exceed low_freq_factor (" +
                    describeJson(Json(scaling.lowFreqFactor)) + "), got " +
                    describeJson(Json(scaling.highFreqFactor)));
}

void ConfigRules::readRope() {
  use("rope_scaling");
  use("rope_parameters");
  const Json *scaling = reader.find(root, "rope_scaling", NullIs::Absent);
  // transformers 5 writes rope_theta and the scaling together as
  // rope_parameters.
  const Json *parameters = reader.find(root, "rope_parameters", NullIs::Absent);
  if (scaling && parameters) {
    reader.fail("rope_parameters", "given together with rope_scaling; keep "
                                   "one of them");
    return;
  }
  if (scaling && reader.expectKind(*scaling, scaling->is_object(),
                                   "rope_scaling", "an object or null"))
    readRopeObject(*scaling, "rope_scaling", /*allowTheta=*/false);
  if (parameters && reader.expectKind(*parameters, parameters->is_object(),
                                      "rope_parameters", "an object or null"))
    readRopeObject(*parameters, "rope_parameters", /*allowTheta=*/true);
}

void ConfigRules::readBiases() {
  use("attention_bias");
  use("mlp_bias");
  bool attentionBias =
      reader.getBool(root, "attention_bias", "attention_bias").value_or(false);
  bool mlpBias = reader.getBool(root, "mlp_bias", "mlp_bias").value_or(false);
  if (reader.failed())
    return;
  if (config.modelType == ModelType::Llama) {
    config.qkvBias = config.oProjBias = attentionBias;
    config.mlpBias = mlpBias;
    return;
  }
  // Mistral has no biases and Qwen2 has exactly q/k/v biases, whatever
  // these keys say; transformers ignores them there, so a true value means
  // the checkpoint is not what its model_type claims.
  llvm::StringRef family = stringifyModelType(config.modelType);
  if (attentionBias)
    reader.fail("attention_bias", "true is not supported for model_type \"" +
                                      family +
                                      "\" (its projections have fixed "
                                      "biases); supported: false");
  else if (mlpBias)
    reader.fail("mlp_bias", "true is not supported for model_type \"" + family +
                                "\"; supported: false");
  config.qkvBias = config.modelType == ModelType::Qwen2;
}

void ConfigRules::readCheckpointType() {
  // transformers 4.56 renamed torch_dtype to dtype; either may be there.
  for (llvm::StringRef key : {"dtype", "torch_dtype"}) {
    use(key);
    std::optional<std::string> type =
        reader.getString(root, key, key.str(), NullIs::Absent);
    if (!type || config.checkpointType)
      continue;
    if (*type == "float32" || *type == "float16" || *type == "bfloat16")
      config.checkpointType = *type;
    else
      warnings.push_back(fileName + ": " + key.str() + ": " +
                         describeJson(*type) +
                         " is not float32, float16 or bfloat16; ignored");
  }
}

void ConfigRules::readSlidingWindow() {
  use("sliding_window");
  use("use_sliding_window");
  use("max_window_layers");
  std::optional<int64_t> window =
      reader.getInt(root, "sliding_window", "sliding_window", 1,
                    limits::kMaxPositions, NullIs::Absent);
  bool windowIsNull =
      root.contains("sliding_window") && root["sliding_window"].is_null();
  switch (config.modelType) {
  case ModelType::Llama:
    // LlamaConfig has no sliding window; transformers ignores the key.
    if (window)
      warnings.push_back(fileName +
                         ": sliding_window: ignored, llama models attend to "
                         "every earlier position");
    return;
  case ModelType::Mistral:
    if (window)
      config.slidingWindow = window;
    else if (!windowIsNull)
      config.slidingWindow = 4096;
    return;
  case ModelType::Qwen2: {
    bool useWindow =
        reader.getBool(root, "use_sliding_window", "use_sliding_window")
            .value_or(false);
    std::optional<int64_t> fullLayers = reader.getInt(
        root, "max_window_layers", "max_window_layers", 0, limits::kMaxLayers);
    if (reader.failed() || !useWindow || windowIsNull)
      return;
    // The first max_window_layers layers attend fully, the rest through
    // the window (transformers' Qwen2Config.layer_types).
    int64_t full = fullLayers.value_or(28);
    if (full >= config.numHiddenLayers)
      return;
    if (full > 0) {
      reader.fail("max_window_layers",
                  llvm::Twine(full) + " of " +
                      llvm::Twine(config.numHiddenLayers) +
                      " layers use full attention and the others a sliding "
                      "window; attnc compiles one attention kind for all "
                      "layers (supported: 0, or at least num_hidden_layers)");
      return;
    }
    config.slidingWindow = window.value_or(4096);
    return;
  }
  }
}

void ConfigRules::checkLayerTypes() {
  use("layer_types");
  const Json *types = reader.find(root, "layer_types", NullIs::Absent);
  if (!types || reader.failed())
    return;
  if (!reader.expectKind(*types, types->is_array(), "layer_types",
                         "an array of strings"))
    return;
  if (static_cast<int64_t>(types->size()) != config.numHiddenLayers) {
    reader.fail("layer_types",
                "has " + llvm::Twine(types->size()) + " entries for " +
                    llvm::Twine(config.numHiddenLayers) + " layers");
    return;
  }
  llvm::StringRef expected =
      config.slidingWindow ? "sliding_attention" : "full_attention";
  for (size_t i = 0, e = types->size(); i < e; ++i) {
    const Json &type = (*types)[i];
    std::string path = "layer_types[" + std::to_string(i) + "]";
    if (!reader.expectKind(type, type.is_string(), path, "a string"))
      return;
    if (type.get<std::string>() != expected) {
      reader.fail(path, "unsupported value " + describeJson(type) +
                            "; with the other keys every layer is \"" +
                            expected +
                            "\" and attnc compiles one attention "
                            "kind for all layers");
      return;
    }
  }
}

static const UnsupportedKey kUnsupportedKeys[] = {
    {"partial_rotary_factor", "attnc rotates the whole head", 1.0},
    {"quantization_config", "quantized checkpoints are not supported",
     std::nullopt},
    {"attn_logit_softcapping", "attention logit soft-capping is not supported",
     std::nullopt},
    {"final_logit_softcapping", "logit soft-capping is not supported",
     std::nullopt},
    {"query_pre_attn_scalar", "attnc scales scores by 1/sqrt(head_dim)",
     std::nullopt},
    {"attention_multiplier", "attnc scales scores by 1/sqrt(head_dim)",
     std::nullopt},
    {"embedding_multiplier", "scaled embeddings are not supported", 1.0},
    {"residual_multiplier", "scaled residuals are not supported", 1.0},
    {"logits_scaling", "scaled logits are not supported", 1.0},
    {"num_experts", "mixture-of-experts models are not supported", 0.0},
    {"num_local_experts", "mixture-of-experts models are not supported", 0.0},
    {"num_experts_per_tok", "mixture-of-experts models are not supported", 0.0},
    {"use_qk_norm", "query/key normalisation is not supported", std::nullopt},
    {"qk_layernorm", "query/key normalisation is not supported", std::nullopt},
    {"no_rope_layers", "layers without RoPE are not supported", std::nullopt},
    {"use_bidirectional_attention", "attnc compiles causal attention",
     std::nullopt},
};

void ConfigRules::checkUnsupportedKeys() {
  for (const UnsupportedKey &entry : kUnsupportedKeys) {
    use(entry.key);
    const Json *value = reader.find(root, entry.key, NullIs::Absent);
    if (!value || reader.failed() || (value->is_boolean() && !*value))
      continue;
    if (entry.neutral && value->is_number() &&
        value->get<double>() == *entry.neutral)
      continue;
    std::string supported =
        entry.neutral ? describeJson(Json(*entry.neutral)) : "null or false";
    if (entry.neutral && *entry.neutral == 0.0)
      supported = "0";
    reader.fail(entry.key, "unsupported value " + describeJson(*value) + " (" +
                               entry.why + "; supported: " + supported + ")");
  }
}

/// Keys of transformers' PretrainedConfig and of the three families that do
/// not change what the model computes at inference.
static const llvm::StringLiteral kInferenceNeutralKeys[] = {
    "_name_or_path",
    "_attn_implementation",
    "add_cross_attention",
    "attention_dropout",
    "auto_map",
    "bad_words_ids",
    "bos_token_id",
    "chunk_size_feed_forward",
    "decoder_start_token_id",
    "eos_token_id",
    "finetuning_task",
    "hidden_dropout",
    "id2label",
    "initializer_range",
    "is_decoder",
    "is_encoder_decoder",
    "label2id",
    "output_attentions",
    "output_hidden_states",
    "pad_token_id",
    "pretraining_tp",
    "problem_type",
    "return_dict",
    "sep_token_id",
    "task_specific_params",
    "tie_encoder_decoder",
    "tokenizer_class",
    "torchscript",
    "transformers_version",
    "use_cache",
};

void ConfigRules::collectUnknownKeys() {
  for (llvm::StringRef key : kInferenceNeutralKeys)
    use(key);
  for (auto it = root.begin(); it != root.end(); ++it)
    if (!used.contains(it.key()))
      warnings.push_back(fileName + ": " + describeJson(Json(it.key())) +
                         ": unknown key, ignored");
}

llvm::Expected<ParsedConfig> ConfigRules::run() {
  if (!root.is_object())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fileName + ": expected a JSON object at the top level, got " +
            describeJson(root));
  readModelType();
  if (reader.failed())
    return reader.takeError();
  FamilyDefaults defaults = defaultsFor(config.modelType);
  readSizes(defaults);
  readNumerics(defaults);
  readRope();
  readBiases();
  readSlidingWindow();
  readCheckpointType();
  checkLayerTypes();
  checkUnsupportedKeys();
  if (reader.failed())
    return reader.takeError();
  collectUnknownKeys();
  return ParsedConfig{config, std::move(warnings)};
}

llvm::Expected<ParsedConfig>
mlir::attn::parseModelConfig(llvm::StringRef text, llvm::StringRef fileName) {
  llvm::Expected<Json> document = parseJson(text, fileName);
  if (!document)
    return document.takeError();
  return ConfigRules(*document, fileName).run();
}

llvm::Expected<ParsedConfig>
mlir::attn::parseModelConfigFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (std::error_code ec = buffer.getError())
    return llvm::createStringError(ec, path + ": cannot read: " + ec.message());
  return parseModelConfig((*buffer)->getBuffer(), path);
}
