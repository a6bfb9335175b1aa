//===- ModelConfig.h - A validated Llama-family config ----------*- C++ -*-===//
//
// The part of a Hugging Face config.json that decides the math of the model,
// after every key has been checked and every default filled in. Code that
// builds graphs from a ModelConfig never re-validates it.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_FRONTEND_MODELCONFIG_H
#define ATTN_FRONTEND_MODELCONFIG_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
namespace attn {

/// The model families whose configs attnc understands. They share the Llama
/// decoder; they differ in defaults, biases and sliding-window rules.
enum class ModelType { Llama, Mistral, Qwen2 };

/// The `model_type` spelling of `type` (`"llama"`, ...).
llvm::StringRef stringifyModelType(ModelType type);

/// How rotary frequencies are rescaled (`rope_scaling.rope_type`).
enum class RopeScalingType { None, Linear, Dynamic, Llama3 };

/// The `rope_type` spelling of `type` (`"default"` for None).
llvm::StringRef stringifyRopeScalingType(RopeScalingType type);

/// `rope_scaling` with only the fields its type uses set.
struct RopeScaling {
  RopeScalingType type = RopeScalingType::None;
  /// linear, dynamic, llama3.
  double factor = 1.0;
  /// llama3 only.
  double lowFreqFactor = 0.0;
  double highFreqFactor = 0.0;
  int64_t originalMaxPositionEmbeddings = 0;
};

/// A config that attnc can compile: every field is in range and consistent
/// with the others (heads divide, head_dim even, ...).
struct ModelConfig {
  ModelType modelType = ModelType::Llama;
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numHiddenLayers = 0;
  int64_t numAttentionHeads = 0;
  int64_t numKeyValueHeads = 0;
  int64_t headDim = 0;
  int64_t vocabSize = 0;
  int64_t maxPositionEmbeddings = 0;
  double rmsNormEps = 0.0;
  double ropeTheta = 0.0;
  RopeScaling ropeScaling;
  bool tieWordEmbeddings = false;
  /// Bias on the q, k and v projections (Llama's `attention_bias`; always on
  /// for Qwen2).
  bool qkvBias = false;
  /// Bias on o_proj (Llama's `attention_bias`).
  bool oProjBias = false;
  /// Bias on gate, up and down projections (Llama's `mlp_bias`).
  bool mlpBias = false;
  /// The attention window of every layer, when the model uses one.
  std::optional<int64_t> slidingWindow;
  /// The element type the checkpoint's weights are stored in
  /// (`torch_dtype`, or `dtype`): "float32", "float16" or "bfloat16", when
  /// the config says. It changes nothing the model computes; the CPU
  /// pipeline keeps bf16 checkpoints' matmul weights in bf16.
  std::optional<std::string> checkpointType;
};

/// The largest sizes attnc accepts. They are far above any released model of
/// this family and keep every tensor's element count well inside int64_t;
/// anything larger is taken to be a typo.
namespace limits {
constexpr int64_t kMaxHiddenSize = 1 << 16;
constexpr int64_t kMaxIntermediateSize = 1 << 18;
constexpr int64_t kMaxLayers = 1 << 10;
constexpr int64_t kMaxHeads = 1 << 10;
constexpr int64_t kMaxHeadDim = 1 << 12;
constexpr int64_t kMaxVocabSize = 1 << 22;
constexpr int64_t kMaxPositions = 1 << 24;
} // namespace limits

} // namespace attn
} // namespace mlir

#endif // ATTN_FRONTEND_MODELCONFIG_H
