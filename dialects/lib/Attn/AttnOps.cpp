//===- AttnOps.cpp - attn dialect op verifiers ----------------------------===//
//
// The verifiers state the shape rules of each op. Their messages name the
// operand and the dimension that is wrong, with the sizes seen, because these
// ops are built from user configs and a vague message costs the user a
// debugging session.
//
//===----------------------------------------------------------------------===//

#include "attn/Dialect/Attn/AttnOps.h"
#include "attn/Dialect/Attn/RopeParams.h"

#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::attn;

/// Two dimension sizes are compatible when either is dynamic or they agree.
static bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Prints a dimension size as it appears in a tensor type.
static std::string dimToString(int64_t size) {
  return ShapedType::isDynamic(size) ? "?" : std::to_string(size);
}

static LogicalResult verifyRank(Operation *op, StringRef what, Type type,
                                int64_t rank) {
  auto tensor = cast<RankedTensorType>(type);
  if (tensor.getRank() != rank)
    return op->emitOpError()
           << what << " must have rank " << rank << ", got " << tensor;
  return success();
}

static LogicalResult verifySameElementType(Operation *op, StringRef what,
                                           Type expected, Type actual) {
  Type want = getElementTypeOrSelf(expected);
  Type got = getElementTypeOrSelf(actual);
  if (want != got)
    return op->emitOpError()
           << what << " element type " << got << " does not match " << want;
  return success();
}

/// A weight may be stored in a narrower type that the computation's type
/// holds exactly (bf16 weights of an f32 graph): it is widened where it is
/// read, so the arithmetic is the wider type's.
static LogicalResult verifyWidensExactly(Operation *op, StringRef what,
                                         Type stored, Type computed) {
  auto narrow = cast<FloatType>(getElementTypeOrSelf(stored));
  auto wide = cast<FloatType>(getElementTypeOrSelf(computed));
  if (narrow != wide &&
      !llvm::APFloat::isRepresentableBy(narrow.getFloatSemantics(),
                                        wide.getFloatSemantics()))
    return op->emitOpError() << what << " element type " << narrow
                             << " does not convert exactly to " << wide;
  return success();
}

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  StringRef name = getName();
  if (name.empty())
    return emitOpError("weight name must not be empty");
  bool hasPlaceholder = name.contains(kLayerPlaceholder);
  if (hasPlaceholder && !getLayer())
    return emitOpError() << "per-layer weight '" << name
                         << "' needs a layer index operand";
  if (!hasPlaceholder && getLayer())
    return emitOpError() << "weight '" << name << "' has a layer index but no '"
                         << kLayerPlaceholder << "' placeholder in its name";
  if (!getType().hasStaticShape())
    return emitOpError() << "weight '" << name
                         << "' must have a static shape, got " << getType();
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  auto table = getTable().getType();
  auto ids = getIds().getType();
  auto result = getResult().getType();
  if (failed(verifyRank(*this, "table", table, 2)))
    return failure();
  if (result.getRank() != ids.getRank() + 1)
    return emitOpError() << "result must have rank " << ids.getRank() + 1
                         << " (ids rank + 1), got " << result;
  for (int64_t i = 0, e = ids.getRank(); i < e; ++i)
    if (!dimsCompatible(ids.getDimSize(i), result.getDimSize(i)))
      return emitOpError() << "result dimension " << i << " ("
                           << dimToString(result.getDimSize(i))
                           << ") does not match ids dimension "
                           << dimToString(ids.getDimSize(i));
  if (!dimsCompatible(table.getDimSize(1), result.getDimSize(ids.getRank())))
    return emitOpError() << "result row size ("
                         << dimToString(result.getDimSize(ids.getRank()))
                         << ") does not match table row size ("
                         << dimToString(table.getDimSize(1)) << ")";
  return verifyWidensExactly(*this, "table", table, result);
}

//===----------------------------------------------------------------------===//
// RMSNormOp
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::verify() {
  auto input = getInput().getType();
  auto weight = getWeight().getType();
  if (input.getRank() < 1)
    return emitOpError("input must have rank at least 1");
  if (failed(verifyRank(*this, "weight", weight, 1)))
    return failure();
  int64_t hidden = input.getDimSize(input.getRank() - 1);
  if (!dimsCompatible(hidden, weight.getDimSize(0)))
    return emitOpError() << "weight size (" << dimToString(weight.getDimSize(0))
                         << ") does not match the input's last dimension ("
                         << dimToString(hidden) << ")";
  if (failed(verifySameElementType(*this, "weight", input, weight)))
    return failure();
  if (!(getEpsilon().convertToDouble() > 0.0))
    return emitOpError() << "epsilon must be positive, got "
                         << getEpsilon().convertToDouble();
  return success();
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  auto input = getInput().getType();
  auto weight = getWeight().getType();
  auto result = getResult().getType();
  if (input.getRank() < 1)
    return emitOpError("input must have rank at least 1");
  if (failed(verifyRank(*this, "weight", weight, 2)))
    return failure();
  int64_t rank = input.getRank();
  int64_t inFeatures = input.getDimSize(rank - 1);
  if (!dimsCompatible(inFeatures, weight.getDimSize(1)))
    return emitOpError() << "input features (" << dimToString(inFeatures)
                         << ") do not match weight in_features ("
                         << dimToString(weight.getDimSize(1))
                         << "); weight is [out_features, in_features]";
  if (result.getRank() != rank)
    return emitOpError() << "result must have rank " << rank << ", got "
                         << result;
  for (int64_t i = 0; i < rank - 1; ++i)
    if (!dimsCompatible(input.getDimSize(i), result.getDimSize(i)))
      return emitOpError() << "result dimension " << i << " ("
                           << dimToString(result.getDimSize(i))
                           << ") does not match input dimension "
                           << dimToString(input.getDimSize(i));
  int64_t outFeatures = weight.getDimSize(0);
  if (!dimsCompatible(outFeatures, result.getDimSize(rank - 1)))
    return emitOpError() << "result features ("
                         << dimToString(result.getDimSize(rank - 1))
                         << ") do not match weight out_features ("
                         << dimToString(outFeatures) << ")";
  if (failed(verifyWidensExactly(*this, "weight", weight, input)) ||
      failed(verifySameElementType(*this, "result", input, result)))
    return failure();
  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (failed(verifyRank(*this, "bias", biasType, 1)))
      return failure();
    if (!dimsCompatible(biasType.getDimSize(0), outFeatures))
      return emitOpError() << "bias size ("
                           << dimToString(biasType.getDimSize(0))
                           << ") does not match weight out_features ("
                           << dimToString(outFeatures) << ")";
    if (failed(verifySameElementType(*this, "bias", input, biasType)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// RopeOp
//===----------------------------------------------------------------------===//

/// Checks the shape of a tensor that is rotated: [seq, heads, head_dim] with
/// an even, static head_dim.
static LogicalResult verifyRotatedShape(Operation *op, StringRef what,
                                        Type type) {
  if (failed(verifyRank(op, what, type, 3)))
    return failure();
  int64_t headDim = cast<RankedTensorType>(type).getDimSize(2);
  if (ShapedType::isDynamic(headDim))
    return op->emitOpError("head_dim (dimension 2) must be static");
  if (headDim <= 0)
    return op->emitOpError() << "head_dim must be positive, got " << headDim;
  if (headDim % 2 != 0)
    return op->emitOpError() << "head_dim must be even for the rotate-half "
                                "layout, got "
                             << headDim;
  return success();
}

RopeParams mlir::attn::getRopeParams(RopeOp op) {
  RopeParams params;
  params.theta = op.getTheta().convertToDouble();
  params.scaling = op.getScaling();
  auto toDouble = [](std::optional<llvm::APFloat> value) {
    return value ? std::optional(value->convertToDouble()) : std::nullopt;
  };
  params.factor = toDouble(op.getFactor());
  params.lowFreqFactor = toDouble(op.getLowFreqFactor());
  params.highFreqFactor = toDouble(op.getHighFreqFactor());
  params.originalMaxPositionEmbeddings = op.getOriginalMaxPositionEmbeddings();
  params.maxPositionEmbeddings = op.getMaxPositionEmbeddings();
  return params;
}

std::optional<RopeParams> mlir::attn::getQueryRopeParams(AttentionOp op) {
  DictionaryAttr rope = op.getRopeAttr();
  if (!rope)
    return std::nullopt;
  FailureOr<RopeParams> params =
      parseRopeParams(rope, [&] { return op.emitOpError(); });
  assert(succeeded(params) && "verified attn.attention");
  return *params;
}

DictionaryAttr mlir::attn::getRopeParamsAttr(RopeOp op) {
  SmallVector<NamedAttribute> entries;
  for (NamedAttribute entry : op->getAttrs())
    if (llvm::is_contained(RopeOp::getAttributeNames(), entry.getName()))
      entries.push_back(entry);
  // The default scaling is not stored; the dictionary spells it out.
  if (!op.getScalingAttr())
    entries.push_back(NamedAttribute(
        op.getScalingAttrName(),
        RopeScalingKindAttr::get(op.getContext(), RopeScalingKind::none)));
  return DictionaryAttr::get(op.getContext(), entries);
}

FailureOr<RopeParams>
mlir::attn::parseRopeParams(DictionaryAttr dict,
                            function_ref<InFlightDiagnostic()> emitError) {
  RopeParams params;
  bool hasTheta = false;
  for (NamedAttribute entry : dict) {
    StringRef name = entry.getName().strref();
    Attribute value = entry.getValue();
    auto real = dyn_cast<FloatAttr>(value);
    auto integer = dyn_cast<IntegerAttr>(value);
    std::optional<double> *realSlot =
        llvm::StringSwitch<std::optional<double> *>(name)
            .Case("factor", &params.factor)
            .Case("low_freq_factor", &params.lowFreqFactor)
            .Case("high_freq_factor", &params.highFreqFactor)
            .Default(nullptr);
    std::optional<int64_t> *integerSlot =
        llvm::StringSwitch<std::optional<int64_t> *>(name)
            .Case("original_max_position_embeddings",
                  &params.originalMaxPositionEmbeddings)
            .Case("max_position_embeddings", &params.maxPositionEmbeddings)
            .Default(nullptr);
    if (name == "theta" && real) {
      params.theta = real.getValueAsDouble();
      hasTheta = true;
    } else if (name == "scaling" && isa<RopeScalingKindAttr>(value)) {
      params.scaling = cast<RopeScalingKindAttr>(value).getValue();
    } else if (realSlot && real) {
      *realSlot = real.getValueAsDouble();
    } else if (integerSlot && integer) {
      *integerSlot = integer.getInt();
    } else if (name == "theta" || name == "scaling" || realSlot ||
               integerSlot) {
      return emitError() << "rope parameter '" << name
                         << "' has the wrong kind of value: " << value;
    } else {
      return emitError() << "unknown rope parameter '" << name
                         << "' (expected the attributes of attn.rope)";
    }
  }
  if (!hasTheta)
    return emitError() << "rope parameters need 'theta'";
  return params;
}

LogicalResult
mlir::attn::verifyRopeParams(const RopeParams &params,
                             function_ref<InFlightDiagnostic()> emitError) {
  if (!(params.theta > 0.0))
    return emitError() << "theta must be positive, got " << params.theta;
  auto requirePositive = [&](StringRef name,
                             std::optional<double> value) -> LogicalResult {
    if (!value)
      return emitError() << "scaling '" << stringifyEnum(params.scaling)
                         << "' requires '" << name << "'";
    if (!(*value > 0.0))
      return emitError() << "'" << name << "' must be positive, got " << *value;
    return success();
  };
  if (params.maxPositionEmbeddings && *params.maxPositionEmbeddings <= 0)
    return emitError() << "'max_position_embeddings' must be positive, got "
                       << *params.maxPositionEmbeddings;
  // A parameter that the scaling kind ignores is a sign that the config was
  // misread; refusing it beats silently computing another model.
  // max_position_embeddings is a property of the model, not of the scaling,
  // and may accompany any kind.
  if (params.scaling == RopeScalingKind::linear ||
      params.scaling == RopeScalingKind::dynamic)
    for (auto [name, present] :
         {std::pair<StringRef, bool>{"low_freq_factor",
                                     params.lowFreqFactor.has_value()},
          {"high_freq_factor", params.highFreqFactor.has_value()},
          {"original_max_position_embeddings",
           params.originalMaxPositionEmbeddings.has_value()}})
      if (present)
        return emitError() << "scaling '" << stringifyEnum(params.scaling)
                           << "' does not use '" << name << "'";
  switch (params.scaling) {
  case RopeScalingKind::none:
    if (params.factor || params.lowFreqFactor || params.highFreqFactor ||
        params.originalMaxPositionEmbeddings)
      return emitError() << "scaling parameters given without a scaling kind";
    return success();
  case RopeScalingKind::linear:
    return requirePositive("factor", params.factor);
  case RopeScalingKind::dynamic:
    if (failed(requirePositive("factor", params.factor)))
      return failure();
    if (!params.maxPositionEmbeddings)
      return emitError() << "scaling 'dynamic' requires a positive "
                            "'max_position_embeddings'";
    return success();
  case RopeScalingKind::llama3: {
    for (auto [name, value] :
         {std::pair<StringRef, std::optional<double>>{"factor", params.factor},
          {"low_freq_factor", params.lowFreqFactor},
          {"high_freq_factor", params.highFreqFactor}})
      if (failed(requirePositive(name, value)))
        return failure();
    if (!params.originalMaxPositionEmbeddings ||
        *params.originalMaxPositionEmbeddings <= 0)
      return emitError() << "scaling 'llama3' requires a positive "
                            "'original_max_position_embeddings'";
    if (*params.highFreqFactor <= *params.lowFreqFactor)
      return emitError() << "'high_freq_factor' (" << *params.highFreqFactor
                         << ") must exceed 'low_freq_factor' ("
                         << *params.lowFreqFactor << ")";
    return success();
  }
  }
  llvm_unreachable("unknown rope scaling kind");
}

LogicalResult RopeOp::verify() {
  if (failed(verifyRotatedShape(*this, "input", getInput().getType())))
    return failure();
  if (Value init = getInit())
    if (init.getType() != getInput().getType())
      return emitOpError() << "init type " << init.getType()
                           << " must match the input type "
                           << getInput().getType();
  return verifyRopeParams(getRopeParams(*this), [&] { return emitOpError(); });
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  auto query = getQuery().getType();
  auto key = getKey().getType();
  auto value = getValue().getType();
  auto result = getResult().getType();
  if (failed(verifyRank(*this, "query", query, 3)) ||
      failed(verifyRank(*this, "key", key, 3)) ||
      failed(verifyRank(*this, "value", value, 3)) ||
      failed(verifyRank(*this, "result", result, 3)))
    return failure();

  int64_t heads = query.getDimSize(1), kvHeads = key.getDimSize(1);
  if (ShapedType::isDynamic(heads) || ShapedType::isDynamic(kvHeads) ||
      ShapedType::isDynamic(value.getDimSize(1)))
    return emitOpError("head counts (dimension 1) must be static");
  if (heads <= 0 || kvHeads <= 0)
    return emitOpError() << "head counts must be positive, got " << heads
                         << " query heads and " << kvHeads
                         << " key/value heads";
  if (heads % kvHeads != 0)
    return emitOpError() << "query heads (" << heads
                         << ") must be a multiple of key/value heads ("
                         << kvHeads << ")";
  if (value.getDimSize(1) != kvHeads)
    return emitOpError() << "value heads (" << value.getDimSize(1)
                         << ") do not match key heads (" << kvHeads << ")";
  if (!dimsCompatible(query.getDimSize(2), key.getDimSize(2)))
    return emitOpError() << "query head_dim ("
                         << dimToString(query.getDimSize(2))
                         << ") does not match key head_dim ("
                         << dimToString(key.getDimSize(2)) << ")";
  if (!dimsCompatible(key.getDimSize(0), value.getDimSize(0)))
    return emitOpError() << "key sequence length ("
                         << dimToString(key.getDimSize(0))
                         << ") does not match value sequence length ("
                         << dimToString(value.getDimSize(0)) << ")";
  if (!ShapedType::isDynamic(query.getDimSize(0)) &&
      !ShapedType::isDynamic(key.getDimSize(0)) &&
      query.getDimSize(0) > key.getDimSize(0))
    return emitOpError() << "query length (" << query.getDimSize(0)
                         << ") exceeds key length (" << key.getDimSize(0)
                         << "): the queries are the last positions of the "
                            "key sequence";
  if (!dimsCompatible(result.getDimSize(0), query.getDimSize(0)) ||
      result.getDimSize(1) != heads ||
      !dimsCompatible(result.getDimSize(2), value.getDimSize(2)))
    return emitOpError() << "result type " << result
                         << " must be [query length, query heads, value "
                            "head_dim]";
  if (failed(verifySameElementType(*this, "key", query, key)) ||
      failed(verifySameElementType(*this, "value", query, value)) ||
      failed(verifySameElementType(*this, "result", query, result)))
    return failure();
  if (!(getScale().convertToDouble() > 0.0))
    return emitOpError() << "scale must be positive, got "
                         << getScale().convertToDouble();
  if (std::optional<int64_t> window = getSlidingWindow()) {
    if (*window <= 0)
      return emitOpError() << "sliding_window must be positive, got "
                           << *window;
    if (!getCausal())
      return emitOpError("sliding_window requires causal attention");
  }
  if (static_cast<bool>(getRope()) != static_cast<bool>(getRopeOffset()))
    return emitOpError("'rope' and the rope offset come together: both or "
                       "neither");
  if (DictionaryAttr rope = getRopeAttr()) {
    if (failed(verifyRotatedShape(*this, "query", query)))
      return failure();
    auto emitError = [&] { return emitOpError(); };
    FailureOr<RopeParams> params = parseRopeParams(rope, emitError);
    if (failed(params) || failed(verifyRopeParams(*params, emitError)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

/// The element-wise ops do not broadcast, not even a static size against a
/// dynamic one: their assembly prints a single type for every operand.
static LogicalResult verifyIdenticalTypes(Operation *op) {
  Type resultType = op->getResult(0).getType();
  for (auto [index, operand] : llvm::enumerate(op->getOperands()))
    if (operand.getType() != resultType)
      return op->emitOpError()
             << "operand #" << index << " type " << operand.getType()
             << " differs from result type " << resultType
             << "; element-wise ops do not broadcast";
  return success();
}

LogicalResult AddOp::verify() { return verifyIdenticalTypes(*this); }
LogicalResult MulOp::verify() { return verifyIdenticalTypes(*this); }
LogicalResult SiLUOp::verify() { return verifyIdenticalTypes(*this); }

//===----------------------------------------------------------------------===//
// SinusoidalPEOp
//===----------------------------------------------------------------------===//

LogicalResult SinusoidalPEOp::verify() {
  auto type = getResult().getType();
  if (ShapedType::isDynamic(type.getDimSize(1)))
    return emitOpError("the number of columns (dimension 1) must be static");
  if (type.getDimSize(1) <= 0)
    return emitOpError("the number of columns must be positive");
  bool dynamicLength = ShapedType::isDynamic(type.getDimSize(0));
  if (dynamicLength && !getLength())
    return emitOpError("a dynamic number of positions needs a length operand");
  if (!dynamicLength && getLength())
    return emitOpError("a length operand needs a dynamic number of positions");
  if (!(getBase().convertToDouble() > 0.0))
    return emitOpError() << "base must be positive, got "
                         << getBase().convertToDouble();
  return success();
}

#define GET_OP_CLASSES
#include "attn/Dialect/Attn/AttnOps.cpp.inc"
