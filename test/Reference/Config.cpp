//===- Config.cpp - Checks of a reference config --------------------------===//

#include "attn/Reference/Config.h"

#include <sstream>

namespace attn::reference {

namespace {

/// "<field> must be <requirement>, got <value>".
template <typename T>
std::string badField(const char *field, const char *requirement, T value) {
  std::ostringstream os;
  os << "config: " << field << " must be " << requirement << ", got " << value;
  return os.str();
}

} // namespace

const char *ropeScalingName(RopeScalingKind kind) {
  switch (kind) {
  case RopeScalingKind::None:
    return "none";
  case RopeScalingKind::Linear:
    return "linear";
  case RopeScalingKind::Dynamic:
    return "dynamic";
  case RopeScalingKind::Llama3:
    return "llama3";
  }
  return "unknown";
}

std::string validateConfig(const ReferenceConfig &c) {
  const struct {
    const char *name;
    int64_t value;
  } positive[] = {{"hidden_size", c.hiddenSize},
                  {"intermediate_size", c.intermediateSize},
                  {"num_hidden_layers", c.numLayers},
                  {"num_attention_heads", c.numHeads},
                  {"num_key_value_heads", c.numKVHeads},
                  {"head_dim", c.headDim},
                  {"vocab_size", c.vocabSize}};
  for (const auto &field : positive)
    if (field.value <= 0)
      return badField(field.name, "positive", field.value);

  if (c.numHeads % c.numKVHeads != 0) {
    std::ostringstream os;
    os << "config: num_attention_heads (" << c.numHeads
       << ") must be a multiple of num_key_value_heads (" << c.numKVHeads
       << ")";
    return os.str();
  }
  // Rotate-half pairs element i with element i + head_dim/2.
  if (c.headDim % 2 != 0)
    return badField("head_dim", "even (rotary embeddings pair its halves)",
                    c.headDim);
  if (!(c.rmsNormEps >= 0.0))
    return badField("rms_norm_eps", "non-negative", c.rmsNormEps);
  if (!(c.ropeTheta > 0.0))
    return badField("rope_theta", "positive", c.ropeTheta);
  if (c.slidingWindow < 0)
    return badField("sliding_window", "non-negative (0: no window)",
                    c.slidingWindow);

  if (c.ropeScaling == RopeScalingKind::None)
    return "";
  if (!(c.ropeFactor > 0.0))
    return badField("rope_scaling.factor", "positive", c.ropeFactor);
  if (c.ropeScaling == RopeScalingKind::Dynamic) {
    if (c.maxPositionEmbeddings <= 0)
      return badField("max_position_embeddings",
                      "positive with dynamic rope scaling",
                      c.maxPositionEmbeddings);
    // The NTK exponent is d / (d - 2).
    if (c.headDim <= 2)
      return badField("head_dim", "greater than 2 with dynamic rope scaling",
                      c.headDim);
  }
  if (c.ropeScaling == RopeScalingKind::Llama3) {
    if (c.originalMaxPositionEmbeddings <= 0)
      return badField("rope_scaling.original_max_position_embeddings",
                      "positive", c.originalMaxPositionEmbeddings);
    if (!(c.lowFreqFactor > 0.0))
      return badField("rope_scaling.low_freq_factor", "positive",
                      c.lowFreqFactor);
    if (!(c.highFreqFactor > c.lowFreqFactor)) {
      std::ostringstream os;
      os << "config: rope_scaling.high_freq_factor (" << c.highFreqFactor
         << ") must be greater than low_freq_factor (" << c.lowFreqFactor
         << ")";
      return os.str();
    }
  }
  return "";
}

} // namespace attn::reference
