//===- ConfigAttr.cpp - The validated config as a module attribute --------===//
//
// The config travels inside the module so that everything derived from the
// module (the manifest, the library) sees exactly what the graph was built
// from, defaults included.
//
//===----------------------------------------------------------------------===//

#include "attn/Frontend/GraphBuilder.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::attn;

static DictionaryAttr buildRopeScalingAttr(Builder &b,
                                           const RopeScaling &scaling) {
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("rope_type",
                     b.getStringAttr(stringifyRopeScalingType(scaling.type))),
      b.getNamedAttr("factor", b.getF64FloatAttr(scaling.factor))};
  if (scaling.type == RopeScalingType::Llama3) {
    fields.push_back(b.getNamedAttr("low_freq_factor",
                                    b.getF64FloatAttr(scaling.lowFreqFactor)));
    fields.push_back(b.getNamedAttr("high_freq_factor",
                                    b.getF64FloatAttr(scaling.highFreqFactor)));
    fields.push_back(b.getNamedAttr(
        "original_max_position_embeddings",
        b.getI64IntegerAttr(scaling.originalMaxPositionEmbeddings)));
  }
  return b.getDictionaryAttr(fields);
}

DictionaryAttr mlir::attn::buildConfigAttr(MLIRContext *context,
                                           const ModelConfig &config) {
  Builder b(context);
  auto i64 = [&](int64_t value) { return b.getI64IntegerAttr(value); };
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("model_type",
                     b.getStringAttr(stringifyModelType(config.modelType))),
      b.getNamedAttr("hidden_size", i64(config.hiddenSize)),
      b.getNamedAttr("intermediate_size", i64(config.intermediateSize)),
      b.getNamedAttr("num_hidden_layers", i64(config.numHiddenLayers)),
      b.getNamedAttr("num_attention_heads", i64(config.numAttentionHeads)),
      b.getNamedAttr("num_key_value_heads", i64(config.numKeyValueHeads)),
      b.getNamedAttr("head_dim", i64(config.headDim)),
      b.getNamedAttr("vocab_size", i64(config.vocabSize)),
      b.getNamedAttr("max_position_embeddings",
                     i64(config.maxPositionEmbeddings)),
      b.getNamedAttr("rms_norm_eps", b.getF64FloatAttr(config.rmsNormEps)),
      b.getNamedAttr("rope_theta", b.getF64FloatAttr(config.ropeTheta)),
      b.getNamedAttr("hidden_act", b.getStringAttr("silu")),
      b.getNamedAttr("tie_word_embeddings",
                     b.getBoolAttr(config.tieWordEmbeddings)),
      b.getNamedAttr("qkv_bias", b.getBoolAttr(config.qkvBias)),
      b.getNamedAttr("o_proj_bias", b.getBoolAttr(config.oProjBias)),
      b.getNamedAttr("mlp_bias", b.getBoolAttr(config.mlpBias))};
  if (config.ropeScaling.type != RopeScalingType::None)
    fields.push_back(b.getNamedAttr(
        "rope_scaling", buildRopeScalingAttr(b, config.ropeScaling)));
  if (config.slidingWindow)
    fields.push_back(
        b.getNamedAttr("sliding_window", i64(*config.slidingWindow)));
  return b.getDictionaryAttr(fields);
}
