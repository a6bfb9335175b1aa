//===- Manifest.cpp - The manifest JSON of a module -----------------------===//

#include "attn/Compiler/Manifest.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using namespace mlir::attn;

using Json = nlohmann::ordered_json;

/// Converts the config echo to JSON. Only the attribute kinds the frontend
/// writes appear; anything else becomes null rather than a guess.
static Json toJson(Attribute attr) {
  if (auto dict = dyn_cast<DictionaryAttr>(attr)) {
    Json object = Json::object();
    for (NamedAttribute field : dict)
      object[field.getName().str()] = toJson(field.getValue());
    return object;
  }
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    Json list = Json::array();
    for (Attribute element : array)
      list.push_back(toJson(element));
    return list;
  }
  if (auto b = dyn_cast<BoolAttr>(attr))
    return b.getValue();
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getInt();
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto s = dyn_cast<StringAttr>(attr))
    return s.str();
  return nullptr;
}

/// The element type of @prefill's key cache, f32 when there is no
/// @prefill to ask.
static std::string kvCacheDtype(ModuleOp module) {
  auto prefill = module.lookupSymbol<func::FuncOp>("prefill");
  if (!prefill || prefill.getNumArguments() < 3)
    return "f32";
  Type element = getElementTypeOrSelf(prefill.getArgumentTypes()[2]);
  if (element.isF16())
    return "f16";
  if (element.isBF16())
    return "bf16";
  return "f32";
}

std::string mlir::attn::buildManifestJson(ModuleOp module) {
  auto version = module->getAttrOfType<IntegerAttr>("attn.abi_version");
  auto config = module->getAttrOfType<DictionaryAttr>("attn.config");
  if (!version || !config) {
    module.emitError("the manifest needs the module attributes "
                     "attn.abi_version (integer) and attn.config "
                     "(dictionary) that attnc's frontend writes");
    return "";
  }
  FailureOr<WeightTable> table = buildWeightTable(module);
  if (failed(table))
    return "";

  auto integer = [&](StringRef key) -> Json {
    if (auto attr = config.getAs<IntegerAttr>(key))
      return attr.getInt();
    return nullptr;
  };
  auto modelType = config.getAs<StringAttr>("model_type");
  Json manifest = Json::object();
  manifest["abi_version"] = version.getInt();
  manifest["model_type"] = modelType ? Json(modelType.str()) : Json(nullptr);
  manifest["config"] = toJson(config);
  manifest["num_hidden_layers"] = table->numHiddenLayers;
  manifest["vocab_size"] = integer("vocab_size");
  manifest["hidden_size"] = integer("hidden_size");
  manifest["kv_cache"] = {
      {"num_key_value_heads", integer("num_key_value_heads")},
      {"head_dim", integer("head_dim")},
      {"dtype", kvCacheDtype(module)}};
  Json weights = Json::array();
  for (const WeightSlot &entry : table->entries) {
    Json weight = {{"name", entry.name},
                   {"shape", entry.shape},
                   {"dtype", entry.dtype},
                   {"per_layer", entry.perLayer}};
    if (entry.panelWidth > 0)
      weight["layout"] = {{"kind", kPanelLayout.str()},
                          {"width", entry.panelWidth}};
    if (!entry.parts.empty()) {
      Json parts = Json::array();
      for (const WeightPart &part : entry.parts)
        parts.push_back({{"name", part.name}, {"shape", part.shape}});
      weight["parts"] = std::move(parts);
    }
    weights.push_back(std::move(weight));
  }
  manifest["weights"] = std::move(weights);
  // Attribute strings need not be UTF-8; replacing bad bytes keeps dump()
  // from aborting (it would throw, and exceptions are off).
  return manifest.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}
