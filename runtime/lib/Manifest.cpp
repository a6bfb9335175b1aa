//===- Manifest.cpp - The manifest a model library embeds -----------------===//

#include "attn/Runtime/Manifest.h"

#include "attn/Runtime/SafeTensors.h"
#include "attn/abi.h"

#include "attn/Support/Json.h"

#include <algorithm>
#include <set>

namespace attn::rt {

using json = support::Json;
using support::describeJson;

/// Bounds that no real model reaches; they keep products of sizes far from
/// overflow and reject manifests that would make the runtime allocate
/// absurdly.
static constexpr int64_t kMaxExtent = int64_t(1) << 40;
static constexpr int64_t kMaxLayers = 1 << 16;
static const char kLayerPlaceholder[] = "{layer}";

namespace {
/// Reads fields of one JSON object, prefixing errors with where it is.
class ManifestReader {
public:
  ManifestReader(const std::string &origin) : origin(origin) {}

  Status error(const std::string &what) const {
    return Status::error(ATTN_ERROR_MANIFEST, origin + ": manifest: " + what);
  }

  Status positiveInt(const json &object, const std::string &key,
                     const std::string &where, int64_t limit,
                     int64_t &result) const {
    if (!object.contains(key))
      return error(where + "has no '" + key + "'");
    const json &value = object[key];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 ||
        value.get<int64_t>() > limit)
      return error(where + "'" + key + "' is " + describeJson(value) +
                   "; expected an integer in [1, " + std::to_string(limit) +
                   "]");
    result = value.get<int64_t>();
    return Status::success();
  }

  Status string(const json &object, const std::string &key,
                const std::string &where, std::string &result) const {
    if (!object.contains(key) || !object[key].is_string())
      return error(where + "has no string '" + key + "'");
    result = object[key].get<std::string>();
    return Status::success();
  }

  Status dtype(const json &object, const std::string &where,
               DType &result) const {
    std::string name;
    ATTN_RETURN_IF_ERROR(string(object, "dtype", where, name));
    std::optional<DType> parsed = parseDType(name);
    if (!parsed)
      return error(where + "dtype '" + name + "' is not one of f32, f16, bf16");
    result = *parsed;
    return Status::success();
  }

  /// A "layout" object: {"kind": "panel", "width": w}, w dividing the
  /// first of two dimensions (docs/abi.md, "Repacking").
  Status layout(const json &value, const std::string &where,
                ManifestWeight &weight) const {
    std::string at = where + "layout ";
    if (!value.is_object())
      return error(at + "is " + describeJson(value) + "; expected an object");
    std::string kind;
    ATTN_RETURN_IF_ERROR(string(value, "kind", at, kind));
    if (kind != "panel")
      return error(at + "kind '" + kind + "' is not 'panel'");
    ATTN_RETURN_IF_ERROR(
        positiveInt(value, "width", at, kMaxExtent, weight.panelWidth));
    if (weight.shape.size() != 2 || weight.shape[0] % weight.panelWidth != 0)
      return error(at + "width " + std::to_string(weight.panelWidth) +
                   " does not divide the rows of shape " +
                   formatShape(weight.shape) +
                   " (a panel layout needs a 2-D shape)");
    return Status::success();
  }

  /// The "target" object of a library that does not run on the CPU:
  /// {"kind": "cuda", "arch": "sm_90"} (docs/abi.md, "CUDA model
  /// libraries"). Any other kind is refused: its entry points would be
  /// called with buffers where they do not expect them.
  Status target(const json &value, Manifest &m) const {
    if (!value.is_object())
      return error("'target' is " + describeJson(value) +
                   "; expected an object");
    ATTN_RETURN_IF_ERROR(string(value, "kind", "target ", m.targetKind));
    if (m.targetKind != "cuda")
      return error("target kind '" + m.targetKind +
                   "' is not one this runtime runs (it runs 'cuda' "
                   "libraries, and CPU libraries, which have no 'target')");
    return string(value, "arch", "target ", m.targetArch);
  }

  /// A "parts" array: [{"name", "shape"}, ...], shapes of the entry's rank
  /// whose first dimensions add up to its first and whose other dimensions
  /// are its own, names per-layer exactly when the entry is (docs/abi.md,
  /// "Fused weights").
  Status parts(const json &value, const std::string &where,
               ManifestWeight &weight) const {
    if (!value.is_array() || value.empty())
      return error(where + "parts is " +
                   (value.is_array() ? "empty" : describeJson(value)) +
                   "; expected a non-empty array of {name, shape}");
    int64_t rows = 0;
    size_t index = 0;
    for (const json &entry : value) {
      std::string at = where + "parts[" + std::to_string(index++) + "] ";
      if (!entry.is_object())
        return error(at + "is " + describeJson(entry) +
                     "; expected an object {name, shape}");
      WeightPart part;
      ATTN_RETURN_IF_ERROR(string(entry, "name", at, part.name));
      at += "('" + part.name + "') ";
      bool hasPlaceholder =
          part.name.find(kLayerPlaceholder) != std::string::npos;
      if (hasPlaceholder != weight.perLayer)
        return error(at + (weight.perLayer
                               ? "lacks '{layer}' but the weight is per_layer"
                               : "has '{layer}' but the weight is not "
                                 "per_layer"));
      ATTN_RETURN_IF_ERROR(shape(entry, at, part.shape));
      if (part.shape.size() != weight.shape.size() ||
          !std::equal(part.shape.begin() + 1, part.shape.end(),
                      weight.shape.begin() + 1))
        return error(at + "shape " + formatShape(part.shape) +
                     " does not stack along dim 0 into the weight's shape " +
                     formatShape(weight.shape));
      rows += part.shape[0];
      weight.parts.push_back(std::move(part));
    }
    if (rows != weight.shape[0])
      return error(where + "parts have " + std::to_string(rows) +
                   " rows in all; the weight's shape " +
                   formatShape(weight.shape) + " has " +
                   std::to_string(weight.shape[0]));
    return Status::success();
  }

  /// A non-empty "shape" array of positive integers whose product stays
  /// within kMaxExtent.
  Status shape(const json &object, const std::string &where,
               std::vector<int64_t> &result) const {
    if (!object.contains("shape") || !object["shape"].is_array() ||
        object["shape"].empty())
      return error(where + "has no non-empty 'shape' array");
    int64_t elements = 1;
    for (const json &dim : object["shape"]) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < 1 ||
          dim.get<int64_t>() > kMaxExtent)
        return error(where + "shape entry " + describeJson(dim) +
                     " is not a positive integer");
      result.push_back(dim.get<int64_t>());
      if (__builtin_mul_overflow(elements, result.back(), &elements) ||
          elements > kMaxExtent)
        return error(where + "shape " + formatShape(result) + " is too large");
    }
    return Status::success();
  }

private:
  const std::string &origin;
};
} // namespace

Status parseManifest(const std::string &text, const std::string &origin,
                     Manifest &result) {
  ManifestReader reader(origin);
  json doc;
  support::JsonSyntaxError syntax;
  if (!support::parseJson(text, doc, syntax))
    return reader.error("not valid JSON at " + syntax.lineAndColumn() + ": " +
                        syntax.reason);
  if (!doc.is_object())
    return reader.error("not a JSON object");

  Manifest m;
  if (!doc.contains("abi_version") || !doc["abi_version"].is_number_integer())
    return reader.error("has no integer 'abi_version'");
  if (doc["abi_version"].get<int64_t>() != int64_t(ATTN_ABI_VERSION))
    return Status::error(ATTN_ERROR_ABI_VERSION,
                         origin + ": manifest: abi_version is " +
                             doc["abi_version"].dump() +
                             "; this runtime supports version " +
                             std::to_string(ATTN_ABI_VERSION));
  m.abiVersion = ATTN_ABI_VERSION;
  ATTN_RETURN_IF_ERROR(reader.string(doc, "model_type", "", m.modelType));
  if (!doc.contains("config") || !doc["config"].is_object())
    return reader.error("has no 'config' object");
  const json &config = doc["config"];
  if (config.contains("max_position_embeddings"))
    ATTN_RETURN_IF_ERROR(reader.positiveInt(config, "max_position_embeddings",
                                            "config ", kMaxExtent,
                                            m.maxPositionEmbeddings));
  if (doc.contains("target"))
    ATTN_RETURN_IF_ERROR(reader.target(doc["target"], m));
  ATTN_RETURN_IF_ERROR(reader.positiveInt(doc, "num_hidden_layers", "",
                                          kMaxLayers, m.numLayers));
  ATTN_RETURN_IF_ERROR(
      reader.positiveInt(doc, "vocab_size", "", kMaxExtent, m.vocabSize));
  ATTN_RETURN_IF_ERROR(
      reader.positiveInt(doc, "hidden_size", "", kMaxExtent, m.hiddenSize));

  if (!doc.contains("kv_cache") || !doc["kv_cache"].is_object())
    return reader.error("has no 'kv_cache' object");
  const json &kv = doc["kv_cache"];
  ATTN_RETURN_IF_ERROR(reader.positiveInt(
      kv, "num_key_value_heads", "kv_cache ", kMaxExtent, m.numKVHeads));
  ATTN_RETURN_IF_ERROR(
      reader.positiveInt(kv, "head_dim", "kv_cache ", kMaxExtent, m.headDim));
  ATTN_RETURN_IF_ERROR(reader.dtype(kv, "kv_cache ", m.kvDType));

  if (!doc.contains("weights") || !doc["weights"].is_array())
    return reader.error("has no 'weights' array");
  std::set<std::string> seen;
  size_t index = 0;
  for (const json &entry : doc["weights"]) {
    std::string where = "weights[" + std::to_string(index++) + "] ";
    if (!entry.is_object())
      return reader.error(where + "is not an object");
    ManifestWeight weight;
    ATTN_RETURN_IF_ERROR(reader.string(entry, "name", where, weight.name));
    where += "('" + weight.name + "') ";
    if (!entry.contains("per_layer") || !entry["per_layer"].is_boolean())
      return reader.error(where + "has no boolean 'per_layer'");
    weight.perLayer = entry["per_layer"].get<bool>();
    bool hasPlaceholder =
        weight.name.find(kLayerPlaceholder) != std::string::npos;
    if (weight.perLayer != hasPlaceholder)
      return reader.error(where + (weight.perLayer
                                       ? "is per_layer but its name lacks "
                                         "'{layer}'"
                                       : "has '{layer}' in its name but is "
                                         "not per_layer"));
    if (!seen.insert(weight.name).second)
      return reader.error(where + "appears twice");
    ATTN_RETURN_IF_ERROR(reader.dtype(entry, where, weight.dtype));
    ATTN_RETURN_IF_ERROR(reader.shape(entry, where, weight.shape));
    if (entry.contains("parts"))
      ATTN_RETURN_IF_ERROR(reader.parts(entry["parts"], where, weight));
    if (entry.contains("layout"))
      ATTN_RETURN_IF_ERROR(reader.layout(entry["layout"], where, weight));
    m.weights.push_back(std::move(weight));
  }
  if (m.weights.empty())
    return reader.error("'weights' is empty");
  result = std::move(m);
  return Status::success();
}

/// `name` with every "{layer}" replaced by `layer`.
static std::string forLayer(std::string name, int64_t layer) {
  size_t at;
  while ((at = name.find(kLayerPlaceholder)) != std::string::npos)
    name.replace(at, sizeof(kLayerPlaceholder) - 1, std::to_string(layer));
  return name;
}

std::vector<WeightSlot> Manifest::slots() const {
  std::vector<WeightSlot> result;
  for (const ManifestWeight &weight : weights) {
    if (!weight.perLayer) {
      result.push_back({weight.name, weight.shape, weight.dtype,
                        weight.panelWidth, weight.parts});
      continue;
    }
    for (int64_t layer = 0; layer < numLayers; ++layer) {
      std::vector<WeightPart> parts;
      for (const WeightPart &part : weight.parts)
        parts.push_back({forLayer(part.name, layer), part.shape});
      result.push_back({forLayer(weight.name, layer), weight.shape,
                        weight.dtype, weight.panelWidth, std::move(parts)});
    }
  }
  return result;
}

} // namespace attn::rt
