//===- Config.h - Shape and options of a reference model --------*- C++ -*-===//
//
// The double-precision reference of the Llama-family forward pass lives in the
// test tree and shares no code with the compiler, so that a mistake in one
// does not hide the same mistake in the other.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_REFERENCE_CONFIG_H
#define ATTN_REFERENCE_CONFIG_H

#include <cstdint>
#include <string>

namespace attn::reference {

/// The rope_scaling.rope_type values of Hugging Face that the reference knows.
enum class RopeScalingKind { None, Linear, Dynamic, Llama3 };

/// Everything of a Hugging Face config.json that changes the forward pass.
/// Field names follow config.json; the defaults describe a tiny Llama.
struct ReferenceConfig {
  int64_t hiddenSize = 64;
  int64_t intermediateSize = 128;
  int64_t numLayers = 2;
  int64_t numHeads = 4;
  int64_t numKVHeads = 4;
  int64_t headDim = 16;
  int64_t vocabSize = 97;
  double rmsNormEps = 1e-5;
  double ropeTheta = 10000.0;

  RopeScalingKind ropeScaling = RopeScalingKind::None;
  /// rope_scaling.factor (linear, dynamic, llama3).
  double ropeFactor = 1.0;
  /// rope_scaling.low_freq_factor and high_freq_factor (llama3).
  double lowFreqFactor = 1.0;
  double highFreqFactor = 4.0;
  /// rope_scaling.original_max_position_embeddings (llama3).
  int64_t originalMaxPositionEmbeddings = 8192;
  /// The context length the dynamic NTK scaling stretches beyond.
  int64_t maxPositionEmbeddings = 2048;

  bool tieWordEmbeddings = false;
  /// Llama's attention_bias: q, k, v and o projections all have biases.
  bool attentionBias = false;
  /// Qwen2: q, k and v projections have biases, o does not.
  bool qkvBias = false;
  bool mlpBias = false;
  /// Keys further back than this many positions are invisible; 0: no window.
  int64_t slidingWindow = 0;

  bool hasQKVBias() const { return attentionBias || qkvBias; }
  bool hasOutputBias() const { return attentionBias; }
};

/// Returns an empty string when `config` describes a model the reference can
/// run, else what is wrong with it, naming the field and the value seen.
std::string validateConfig(const ReferenceConfig &config);

/// The config.json spelling of `kind` ("none" for no scaling).
const char *ropeScalingName(RopeScalingKind kind);

} // namespace attn::reference

#endif // ATTN_REFERENCE_CONFIG_H
