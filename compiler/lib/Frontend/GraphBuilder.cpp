//===- GraphBuilder.cpp - ModelConfig to an attn module -------------------===//
//
// The contract with the backends is the graph of docs/frontend.md: f32
// tensors, a dynamic token count n and KV-cache capacity, and per-layer
// weights fetched by layer index inside one @decoder_layer body so that the
// IR does not grow with num_hidden_layers.
//
//===----------------------------------------------------------------------===//

#include "attn/Frontend/GraphBuilder.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"

#include "runtime/include/attn/abi.h"

#include <cmath>

using namespace mlir;
using namespace mlir::attn;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

class GraphBuilder {
public:
  GraphBuilder(MLIRContext *context, const ModelConfig &config, Location loc)
      : b(context), config(config), loc(loc) {}

  OwningOpRef<ModuleOp> build();

private:
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  RankedTensorType hiddenType() { return f32({kDyn, config.hiddenSize}); }
  RankedTensorType layerCacheType() {
    return f32({kDyn, config.numKeyValueHeads, config.headDim});
  }
  RankedTensorType cacheType() {
    return f32({config.numHiddenLayers, kDyn, config.numKeyValueHeads,
                config.headDim});
  }
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }

  /// `name` of the given shape; per-layer (with `{layer}`) when `layer` is
  /// set.
  Value weight(StringRef name, ArrayRef<int64_t> shape, Value layer = {}) {
    return WeightOp::create(b, loc, f32(shape), name, layer);
  }
  /// `x` times the transpose of `<prefix>.weight` ([out, in]), plus
  /// `<prefix>.bias` when `bias` is set.
  Value linear(Value x, StringRef prefix, int64_t out, int64_t in, bool bias,
               Value layer);
  Value rmsNorm(Value x, StringRef name, Value layer = {});
  Value rope(Value x, Value position);

  func::FuncOp buildDecoderLayer(ModuleOp module);
  func::FuncOp buildPrefill(ModuleOp module, func::FuncOp layer);
  func::FuncOp buildLogits(ModuleOp module);
  void buildDecode(ModuleOp module, func::FuncOp prefill, func::FuncOp logits);

  OpBuilder b;
  const ModelConfig &config;
  Location loc;
};

} // namespace

Value GraphBuilder::linear(Value x, StringRef prefix, int64_t out, int64_t in,
                           bool bias, Value layer) {
  Value w = weight((prefix + ".weight").str(), {out, in}, layer);
  Value bv = bias ? weight((prefix + ".bias").str(), {out}, layer) : Value();
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(xType.getShape());
  shape.back() = out;
  return LinearOp::create(b, loc, f32(shape), x, w, bv);
}

Value GraphBuilder::rmsNorm(Value x, StringRef name, Value layer) {
  Value w = weight(name, {config.hiddenSize}, layer);
  return RMSNormOp::create(b, loc, x, w, b.getF64FloatAttr(config.rmsNormEps));
}

/// The dialect's spelling of a rope scaling type.
static RopeScalingKind toRopeScalingKind(RopeScalingType type) {
  switch (type) {
  case RopeScalingType::None:
    return RopeScalingKind::none;
  case RopeScalingType::Linear:
    return RopeScalingKind::linear;
  case RopeScalingType::Dynamic:
    return RopeScalingKind::dynamic;
  case RopeScalingType::Llama3:
    return RopeScalingKind::llama3;
  }
  llvm_unreachable("unknown rope scaling type");
}

Value GraphBuilder::rope(Value x, Value position) {
  const RopeScaling &scaling = config.ropeScaling;
  RopeScalingKind kind = toRopeScalingKind(scaling.type);
  // Each scaling kind takes exactly the parameters it uses; the verifier
  // rejects the others.
  FloatAttr factor, lowFreq, highFreq;
  IntegerAttr originalMax, maxPositions;
  if (kind != RopeScalingKind::none)
    factor = b.getF64FloatAttr(scaling.factor);
  if (kind == RopeScalingKind::dynamic)
    maxPositions = b.getI64IntegerAttr(config.maxPositionEmbeddings);
  if (kind == RopeScalingKind::llama3) {
    lowFreq = b.getF64FloatAttr(scaling.lowFreqFactor);
    highFreq = b.getF64FloatAttr(scaling.highFreqFactor);
    originalMax = b.getI64IntegerAttr(scaling.originalMaxPositionEmbeddings);
  }
  return RopeOp::create(b, loc, x.getType(), x, position,
                        b.getF64FloatAttr(config.ropeTheta),
                        RopeScalingKindAttr::get(b.getContext(), kind), factor,
                        lowFreq, highFreq, originalMax, maxPositions);
}

func::FuncOp GraphBuilder::buildDecoderLayer(ModuleOp module) {
  const int64_t hidden = config.hiddenSize, heads = config.numAttentionHeads,
                kvHeads = config.numKeyValueHeads, headDim = config.headDim,
                inter = config.intermediateSize;
  b.setInsertionPointToEnd(module.getBody());
  auto type =
      b.getFunctionType({hiddenType(), b.getIndexType(), b.getIndexType(),
                         layerCacheType(), layerCacheType()},
                        {hiddenType(), layerCacheType(), layerCacheType()});
  auto func = func::FuncOp::create(b, loc, "decoder_layer", type);
  func.setPrivate();
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value hiddenIn = body->getArgument(0), position = body->getArgument(1),
        layer = body->getArgument(2), kCache = body->getArgument(3),
        vCache = body->getArgument(4);

  Value n = tensor::DimOp::create(b, loc, hiddenIn, 0);
  Value x =
      rmsNorm(hiddenIn, "model.layers.{layer}.input_layernorm.weight", layer);
  auto project = [&](StringRef name, int64_t numHeads, bool bias) {
    std::string prefix = ("model.layers.{layer}.self_attn." + name).str();
    Value flat = linear(x, prefix, numHeads * headDim, hidden, bias, layer);
    SmallVector<OpFoldResult> shape = {n, b.getIndexAttr(numHeads),
                                       b.getIndexAttr(headDim)};
    return tensor::ExpandShapeOp::create(b, loc, f32({kDyn, numHeads, headDim}),
                                         flat, {{0}, {1, 2}}, shape)
        .getResult();
  };
  Value q = project("q_proj", heads, config.qkvBias);
  Value k = project("k_proj", kvHeads, config.qkvBias);
  Value v = project("v_proj", kvHeads, config.qkvBias);
  q = rope(q, position);
  k = rope(k, position);

  // The new keys and values go into the cache at their positions; attention
  // then reads every position up to the last new token.
  SmallVector<OpFoldResult> zero3(3, b.getIndexAttr(0));
  SmallVector<OpFoldResult> one3(3, b.getIndexAttr(1));
  SmallVector<OpFoldResult> newSizes = {n, b.getIndexAttr(kvHeads),
                                        b.getIndexAttr(headDim)};
  SmallVector<OpFoldResult> at = {position, b.getIndexAttr(0),
                                  b.getIndexAttr(0)};
  Value kCacheNew =
      tensor::InsertSliceOp::create(b, loc, k, kCache, at, newSizes, one3);
  Value vCacheNew =
      tensor::InsertSliceOp::create(b, loc, v, vCache, at, newSizes, one3);
  Value seen = arith::AddIOp::create(b, loc, position, n);
  SmallVector<OpFoldResult> seenSizes = {seen, b.getIndexAttr(kvHeads),
                                         b.getIndexAttr(headDim)};
  Value keys = tensor::ExtractSliceOp::create(
      b, loc, layerCacheType(), kCacheNew, zero3, seenSizes, one3);
  Value values = tensor::ExtractSliceOp::create(
      b, loc, layerCacheType(), vCacheNew, zero3, seenSizes, one3);

  auto attention = AttentionOp::create(
      b, loc, f32({kDyn, heads, headDim}), q, keys, values,
      b.getF64FloatAttr(1.0 / std::sqrt(static_cast<double>(headDim))),
      b.getUnitAttr(),
      config.slidingWindow ? b.getI64IntegerAttr(*config.slidingWindow)
                           : IntegerAttr());
  Value merged = tensor::CollapseShapeOp::create(
      b, loc, f32({kDyn, heads * headDim}), attention, {{0}, {1, 2}});
  Value attnOut = linear(merged, "model.layers.{layer}.self_attn.o_proj",
                         hidden, heads * headDim, config.oProjBias, layer);
  Value h = AddOp::create(b, loc, hiddenIn, attnOut);

  Value y =
      rmsNorm(h, "model.layers.{layer}.post_attention_layernorm.weight", layer);
  Value gate = linear(y, "model.layers.{layer}.mlp.gate_proj", inter, hidden,
                      config.mlpBias, layer);
  Value up = linear(y, "model.layers.{layer}.mlp.up_proj", inter, hidden,
                    config.mlpBias, layer);
  Value act = SiLUOp::create(b, loc, gate);
  Value gated = MulOp::create(b, loc, act, up);
  Value down = linear(gated, "model.layers.{layer}.mlp.down_proj", hidden,
                      inter, config.mlpBias, layer);
  Value out = AddOp::create(b, loc, h, down);
  func::ReturnOp::create(b, loc, ValueRange{out, kCacheNew, vCacheNew});
  return func;
}

func::FuncOp GraphBuilder::buildPrefill(ModuleOp module, func::FuncOp layer) {
  b.setInsertionPointToEnd(module.getBody());
  auto tokensType = RankedTensorType::get({kDyn}, b.getI32Type());
  auto type = b.getFunctionType(
      {tokensType, b.getIndexType(), cacheType(), cacheType()},
      {hiddenType(), cacheType(), cacheType()});
  auto func = func::FuncOp::create(b, loc, "prefill", type);
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value tokens = body->getArgument(0), position = body->getArgument(1);

  Value table = weight("model.embed_tokens.weight",
                       {config.vocabSize, config.hiddenSize});
  Value embedded =
      EmbeddingOp::create(b, loc, hiddenType(), table, tokens).getResult();
  Value capacity = tensor::DimOp::create(b, loc, body->getArgument(2), 1);
  const int64_t kvHeads = config.numKeyValueHeads, headDim = config.headDim;

  auto loop = scf::ForOp::create(
      b, loc, index(0), index(config.numHiddenLayers), index(1),
      ValueRange{embedded, body->getArgument(2), body->getArgument(3)},
      [&](OpBuilder &nested, Location nestedLoc, Value l, ValueRange iter) {
        SmallVector<OpFoldResult> at = {l, nested.getIndexAttr(0),
                                        nested.getIndexAttr(0),
                                        nested.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {nested.getIndexAttr(1), capacity,
                                           nested.getIndexAttr(kvHeads),
                                           nested.getIndexAttr(headDim)};
        SmallVector<OpFoldResult> ones(4, nested.getIndexAttr(1));
        Value kLayer = tensor::ExtractSliceOp::create(
            nested, nestedLoc, layerCacheType(), iter[1], at, sizes, ones);
        Value vLayer = tensor::ExtractSliceOp::create(
            nested, nestedLoc, layerCacheType(), iter[2], at, sizes, ones);
        auto call = func::CallOp::create(
            nested, nestedLoc, layer,
            ValueRange{iter[0], position, l, kLayer, vLayer});
        Value kc = tensor::InsertSliceOp::create(
            nested, nestedLoc, call.getResult(1), iter[1], at, sizes, ones);
        Value vc = tensor::InsertSliceOp::create(
            nested, nestedLoc, call.getResult(2), iter[2], at, sizes, ones);
        scf::YieldOp::create(nested, nestedLoc,
                             ValueRange{call.getResult(0), kc, vc});
      });
  Value normed = rmsNorm(loop.getResult(0), "model.norm.weight");
  func::ReturnOp::create(
      b, loc, ValueRange{normed, loop.getResult(1), loop.getResult(2)});
  return func;
}

func::FuncOp GraphBuilder::buildLogits(ModuleOp module) {
  b.setInsertionPointToEnd(module.getBody());
  auto logitsType = f32({kDyn, config.vocabSize});
  auto func = func::FuncOp::create(
      b, loc, "logits", b.getFunctionType({hiddenType()}, {logitsType}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  // A tied head reads the embedding table as its [vocab, hidden] weight.
  StringRef head =
      config.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
  Value w = weight(head, {config.vocabSize, config.hiddenSize});
  Value logits =
      LinearOp::create(b, loc, logitsType, body->getArgument(0), w, Value());
  func::ReturnOp::create(b, loc, logits);
  return func;
}

void GraphBuilder::buildDecode(ModuleOp module, func::FuncOp prefill,
                               func::FuncOp logits) {
  b.setInsertionPointToEnd(module.getBody());
  auto tokenType = RankedTensorType::get({1}, b.getI32Type());
  auto logitsType = f32({1, config.vocabSize});
  auto func = func::FuncOp::create(
      b, loc, "decode",
      b.getFunctionType({tokenType, b.getIndexType(), cacheType(), cacheType()},
                        {logitsType, cacheType(), cacheType()}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value tokens = tensor::CastOp::create(
      b, loc, RankedTensorType::get({kDyn}, b.getI32Type()),
      body->getArgument(0));
  auto step = func::CallOp::create(b, loc, prefill,
                                   ValueRange{tokens, body->getArgument(1),
                                              body->getArgument(2),
                                              body->getArgument(3)});
  auto scores =
      func::CallOp::create(b, loc, logits, ValueRange{step.getResult(0)});
  Value one = tensor::CastOp::create(b, loc, logitsType, scores.getResult(0));
  func::ReturnOp::create(b, loc,
                         ValueRange{one, step.getResult(1), step.getResult(2)});
}

OwningOpRef<ModuleOp> GraphBuilder::build() {
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  module->getOperation()->setAttr(kAbiVersionAttrName,
                                  b.getI64IntegerAttr(ATTN_ABI_VERSION));
  module->getOperation()->setAttr(kConfigAttrName,
                                  buildConfigAttr(b.getContext(), config));
  func::FuncOp layer = buildDecoderLayer(*module);
  func::FuncOp prefill = buildPrefill(*module, layer);
  func::FuncOp logits = buildLogits(*module);
  buildDecode(*module, prefill, logits);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> mlir::attn::buildModelGraph(MLIRContext *context,
                                                  const ModelConfig &config,
                                                  Location loc) {
  context->loadDialect<AttnDialect, arith::ArithDialect, func::FuncDialect,
                       scf::SCFDialect, tensor::TensorDialect>();
  return GraphBuilder(context, config, loc).build();
}
