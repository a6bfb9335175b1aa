//===- ConfigTest.cpp - Checks of a reference config ----------------------===//

#include "attn/Reference/Config.h"

#include <gtest/gtest.h>

using namespace attn::reference;

namespace {

TEST(ReferenceConfig, DefaultsAreValid) {
  EXPECT_EQ(validateConfig(ReferenceConfig()), "");
}

TEST(ReferenceConfig, ScalingNames) {
  EXPECT_STREQ(ropeScalingName(RopeScalingKind::None), "none");
  EXPECT_STREQ(ropeScalingName(RopeScalingKind::Linear), "linear");
  EXPECT_STREQ(ropeScalingName(RopeScalingKind::Dynamic), "dynamic");
  EXPECT_STREQ(ropeScalingName(RopeScalingKind::Llama3), "llama3");
}

struct BadConfig {
  const char *what;
  void (*spoil)(ReferenceConfig &);
  const char *error;
};

class ReferenceConfigErrors : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ReferenceConfigErrors, NamesTheField) {
  ReferenceConfig config;
  GetParam().spoil(config);
  EXPECT_EQ(validateConfig(config), GetParam().error);
}

const BadConfig badConfigs[] = {
    {"ZeroHidden", [](ReferenceConfig &c) { c.hiddenSize = 0; },
     "config: hidden_size must be positive, got 0"},
    {"NegativeVocab", [](ReferenceConfig &c) { c.vocabSize = -3; },
     "config: vocab_size must be positive, got -3"},
    {"ZeroKVHeads", [](ReferenceConfig &c) { c.numKVHeads = 0; },
     "config: num_key_value_heads must be positive, got 0"},
    {"HeadsNotMultiple", [](ReferenceConfig &c) { c.numKVHeads = 3; },
     "config: num_attention_heads (4) must be a multiple of "
     "num_key_value_heads (3)"},
    {"OddHeadDim", [](ReferenceConfig &c) { c.headDim = 7; },
     "config: head_dim must be even (rotary embeddings pair its halves), "
     "got 7"},
    {"NegativeEps", [](ReferenceConfig &c) { c.rmsNormEps = -1; },
     "config: rms_norm_eps must be non-negative, got -1"},
    {"ZeroTheta", [](ReferenceConfig &c) { c.ropeTheta = 0; },
     "config: rope_theta must be positive, got 0"},
    {"NegativeWindow", [](ReferenceConfig &c) { c.slidingWindow = -2; },
     "config: sliding_window must be non-negative (0: no window), got -2"},
    {"ZeroFactor",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Linear;
       c.ropeFactor = 0;
     },
     "config: rope_scaling.factor must be positive, got 0"},
    {"DynamicWithoutContext",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Dynamic;
       c.ropeFactor = 2;
       c.maxPositionEmbeddings = 0;
     },
     "config: max_position_embeddings must be positive with dynamic rope "
     "scaling, got 0"},
    {"DynamicHeadDim2",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Dynamic;
       c.ropeFactor = 2;
       c.headDim = 2;
     },
     "config: head_dim must be greater than 2 with dynamic rope scaling, "
     "got 2"},
    {"Llama3WithoutOriginal",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Llama3;
       c.ropeFactor = 8;
       c.originalMaxPositionEmbeddings = 0;
     },
     "config: rope_scaling.original_max_position_embeddings must be "
     "positive, got 0"},
    {"Llama3ZeroLowFactor",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Llama3;
       c.ropeFactor = 8;
       c.lowFreqFactor = 0;
     },
     "config: rope_scaling.low_freq_factor must be positive, got 0"},
    {"Llama3EqualFactors",
     [](ReferenceConfig &c) {
       c.ropeScaling = RopeScalingKind::Llama3;
       c.ropeFactor = 8;
       c.lowFreqFactor = 4;
       c.highFreqFactor = 4;
     },
     "config: rope_scaling.high_freq_factor (4) must be greater than "
     "low_freq_factor (4)"},
};

INSTANTIATE_TEST_SUITE_P(Fields, ReferenceConfigErrors,
                         ::testing::ValuesIn(badConfigs),
                         [](const ::testing::TestParamInfo<BadConfig> &info) {
                           return std::string(info.param.what);
                         });

} // namespace
