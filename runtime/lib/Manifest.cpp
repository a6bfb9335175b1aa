//===- Manifest.cpp - The manifest a model library embeds -----------------===//

#include "attn/Runtime/Manifest.h"

#include "attn/Runtime/SafeTensors.h"
#include "attn/abi.h"

#include "attn/Support/Json.h"

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
    if (!entry.contains("shape") || !entry["shape"].is_array() ||
        entry["shape"].empty())
      return reader.error(where + "has no non-empty 'shape' array");
    int64_t elements = 1;
    for (const json &dim : entry["shape"]) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < 1 ||
          dim.get<int64_t>() > kMaxExtent)
        return reader.error(where + "shape entry " + describeJson(dim) +
                            " is not a positive integer");
      weight.shape.push_back(dim.get<int64_t>());
      if (__builtin_mul_overflow(elements, weight.shape.back(), &elements) ||
          elements > kMaxExtent)
        return reader.error(where + "shape " + formatShape(weight.shape) +
                            " is too large");
    }
    if (entry.contains("layout"))
      ATTN_RETURN_IF_ERROR(reader.layout(entry["layout"], where, weight));
    m.weights.push_back(std::move(weight));
  }
  if (m.weights.empty())
    return reader.error("'weights' is empty");
  result = std::move(m);
  return Status::success();
}

std::vector<WeightSlot> Manifest::slots() const {
  std::vector<WeightSlot> result;
  for (const ManifestWeight &weight : weights) {
    if (!weight.perLayer) {
      result.push_back(
          {weight.name, weight.shape, weight.dtype, weight.panelWidth});
      continue;
    }
    for (int64_t layer = 0; layer < numLayers; ++layer) {
      std::string name = weight.name;
      size_t at;
      while ((at = name.find(kLayerPlaceholder)) != std::string::npos)
        name.replace(at, sizeof(kLayerPlaceholder) - 1, std::to_string(layer));
      result.push_back(
          {std::move(name), weight.shape, weight.dtype, weight.panelWidth});
    }
  }
  return result;
}

} // namespace attn::rt
