//===- ConfigParserTest.cpp - config.json to ModelConfig ------------------===//

#include "SharedConfigs.h"

#include "attn/Frontend/ConfigParser.h"

#include <gtest/gtest.h>

using namespace mlir::attn;

namespace {

/// Parses `text`, failing the test with the error if it does not parse.
ModelConfig parseOk(const std::string &text) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(text, "config.json");
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return ModelConfig();
  }
  return parsed->config;
}

/// The error message of parsing `text` ("" if it parsed).
std::string parseError(const std::string &text) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(text, "config.json");
  if (parsed)
    return "";
  return llvm::toString(parsed.takeError());
}

ModelConfig parseShared(const std::string &name) {
  std::optional<std::string> text = attn_test::readSharedConfig(name);
  if (!text) {
    ADD_FAILURE() << "missing shared config " << name;
    return ModelConfig();
  }
  return parseOk(*text);
}

#define REQUIRE_SHARED()                                                       \
  if (!attn_test::sharedConfigDir())                                           \
  GTEST_SKIP() << "ATTN_SHARED_DIR/configs not found; set ATTN_SHARED_DIR"

TEST(ConfigParserTest, Llama31HasGqaAndLlama3Scaling) {
  REQUIRE_SHARED();
  ModelConfig c = parseShared("llama-3.1-8b.json");
  EXPECT_EQ(c.modelType, ModelType::Llama);
  EXPECT_EQ(c.numAttentionHeads, 32);
  EXPECT_EQ(c.numKeyValueHeads, 8);
  EXPECT_EQ(c.headDim, 128);
  EXPECT_EQ(c.ropeTheta, 500000.0);
  EXPECT_EQ(c.ropeScaling.type, RopeScalingType::Llama3);
  EXPECT_EQ(c.ropeScaling.factor, 8.0);
  EXPECT_EQ(c.ropeScaling.lowFreqFactor, 1.0);
  EXPECT_EQ(c.ropeScaling.highFreqFactor, 4.0);
  EXPECT_EQ(c.ropeScaling.originalMaxPositionEmbeddings, 8192);
  EXPECT_FALSE(c.tieWordEmbeddings);
  EXPECT_FALSE(c.slidingWindow);
}

TEST(ConfigParserTest, Qwen2HasQkvBiasAndNoWindowWithoutUseSlidingWindow) {
  REQUIRE_SHARED();
  ModelConfig c = parseShared("qwen2-0.5b.json");
  EXPECT_EQ(c.modelType, ModelType::Qwen2);
  EXPECT_TRUE(c.qkvBias);
  EXPECT_FALSE(c.oProjBias);
  EXPECT_FALSE(c.mlpBias);
  EXPECT_TRUE(c.tieWordEmbeddings);
  EXPECT_FALSE(c.slidingWindow);
  EXPECT_EQ(c.headDim, 64);
  EXPECT_EQ(c.rmsNormEps, 1e-6);
}

TEST(ConfigParserTest, MistralHasSlidingWindow) {
  REQUIRE_SHARED();
  ModelConfig c = parseShared("mistral-7b-v0.1.json");
  EXPECT_EQ(c.modelType, ModelType::Mistral);
  ASSERT_TRUE(c.slidingWindow);
  EXPECT_EQ(*c.slidingWindow, 4096);
}

TEST(ConfigParserTest, EverySharedConfigParses) {
  REQUIRE_SHARED();
  auto configs = attn_test::allSharedConfigs();
  EXPECT_EQ(configs.size(), 7u);
  for (const auto &[name, text] : configs)
    EXPECT_EQ(parseError(text), "") << name;
}

TEST(ConfigParserTest, LlamaDefaultsFollowTransformers) {
  ModelConfig c = parseOk(R"({"model_type": "llama"})");
  EXPECT_EQ(c.hiddenSize, 4096);
  EXPECT_EQ(c.intermediateSize, 11008);
  EXPECT_EQ(c.numHiddenLayers, 32);
  EXPECT_EQ(c.numKeyValueHeads, 32);
  EXPECT_EQ(c.headDim, 128);
  EXPECT_EQ(c.vocabSize, 32000);
  EXPECT_EQ(c.maxPositionEmbeddings, 2048);
  EXPECT_EQ(c.rmsNormEps, 1e-6);
  EXPECT_EQ(c.ropeTheta, 10000.0);
  EXPECT_EQ(c.ropeScaling.type, RopeScalingType::None);
}

TEST(ConfigParserTest, NullMeansDefaultWhereTransformersAllowsIt) {
  ModelConfig c = parseOk(R"({"model_type": "mistral", "hidden_size": 64,
      "num_attention_heads": 4, "num_key_value_heads": null,
      "head_dim": null, "sliding_window": null, "rope_scaling": null})");
  EXPECT_EQ(c.numKeyValueHeads, 4);
  EXPECT_EQ(c.headDim, 16);
  EXPECT_FALSE(c.slidingWindow);
  EXPECT_EQ(c.ropeScaling.type, RopeScalingType::None);
}

TEST(ConfigParserTest, AbsentKvHeadsTakeTheFamilyDefault) {
  ModelConfig c = parseOk(R"({"model_type": "mistral"})");
  EXPECT_EQ(c.numKeyValueHeads, 8);
  EXPECT_EQ(c.intermediateSize, 14336);
  EXPECT_EQ(c.maxPositionEmbeddings, 131072);
  ASSERT_TRUE(c.slidingWindow);
  EXPECT_EQ(*c.slidingWindow, 4096);
}

TEST(ConfigParserTest, HeadDimOverride) {
  ModelConfig c = parseOk(R"({"model_type": "llama", "hidden_size": 64,
      "num_attention_heads": 4, "head_dim": 32})");
  EXPECT_EQ(c.headDim, 32);
}

TEST(ConfigParserTest, RopeTypeDefaultIsNoScaling) {
  ModelConfig c = parseOk(
      R"({"model_type": "llama", "rope_scaling": {"rope_type": "default"}})");
  EXPECT_EQ(c.ropeScaling.type, RopeScalingType::None);
}

TEST(ConfigParserTest, OldTypeKeyNamesTheScaling) {
  ModelConfig c = parseOk(R"({"model_type": "llama",
      "rope_scaling": {"type": "dynamic", "factor": 2.0}})");
  EXPECT_EQ(c.ropeScaling.type, RopeScalingType::Dynamic);
  EXPECT_EQ(c.ropeScaling.factor, 2.0);
}

TEST(ConfigParserTest, CheckpointTypeFromTorchDtypeOrDtype) {
  REQUIRE_SHARED();
  EXPECT_EQ(parseShared("qwen2-0.5b.json").checkpointType, "bfloat16");
  EXPECT_EQ(parseOk(R"({"model_type": "llama", "torch_dtype": "float16"})")
                .checkpointType,
            "float16");
  EXPECT_EQ(
      parseOk(R"({"model_type": "llama", "dtype": "float32"})").checkpointType,
      "float32");
  // Both keys, as some converted configs have: the newer one wins.
  EXPECT_EQ(parseOk(R"({"model_type": "llama", "dtype": "bfloat16",
      "torch_dtype": "float32"})")
                .checkpointType,
            "bfloat16");
  EXPECT_FALSE(parseOk(R"({"model_type": "llama"})").checkpointType);
  EXPECT_FALSE(parseOk(R"({"model_type": "llama", "torch_dtype": null})")
                   .checkpointType);
}

TEST(ConfigParserTest, UnknownCheckpointTypeWarns) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(
      R"({"model_type": "llama", "torch_dtype": "int4"})", "c.json");
  ASSERT_TRUE(static_cast<bool>(parsed));
  EXPECT_FALSE(parsed->config.checkpointType);
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0], "c.json: torch_dtype: \"int4\" is not "
                                 "float32, float16 or bfloat16; ignored");
}

TEST(ConfigParserTest, UnknownKeysWarn) {
  llvm::Expected<ParsedConfig> parsed = parseModelConfig(
      R"({"model_type": "llama", "foo": 1, "use_cache": true})", "c.json");
  ASSERT_TRUE(static_cast<bool>(parsed));
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0], "c.json: \"foo\": unknown key, ignored");
}

TEST(ConfigParserTest, ErrorNamesFileKeyValueAndSupported) {
  EXPECT_EQ(parseError(R"({"model_type": "llama",
      "rope_scaling": {"rope_type": "yarn", "factor": 4.0}})"),
            "config.json: rope_scaling.rope_type: unsupported value \"yarn\" "
            "(supported: linear, dynamic, llama3)");
}

TEST(ConfigParserTest, InvalidJsonReportsLineAndColumn) {
  // The stray `x` is on line 3, column 18.
  EXPECT_EQ(
      parseError("{\n  \"model_type\": \"llama\",\n  \"hidden_size\": x\n}"),
      "config.json:3:18: invalid JSON: syntax error while parsing value "
      "- invalid literal; last read: '\"hidden_size\": x'");
}

TEST(ConfigParserTest, LongStringValuesAreCutShort) {
  std::string error =
      parseError(R"({"model_type": ")" + std::string(1000, 'a') + R"("})");
  EXPECT_NE(error.find("\"aaaa"), std::string::npos);
  EXPECT_LT(error.size(), 200u);
}

TEST(ConfigParserTest, TopLevelMustBeAnObject) {
  EXPECT_EQ(parseError("null"),
            "config.json: expected a JSON object at the top level, got null");
}

} // namespace
