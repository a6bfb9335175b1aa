//===- WeightTable.cpp - The weight slots of a module ---------------------===//
//
// The order of the weight table is part of the ABI: the runtime fills the
// slots in manifest order and compiled code indexes them. Deriving it from a
// fixed walk of the module keeps the two in agreement without a second list
// to maintain.
//
//===----------------------------------------------------------------------===//

#include "attn/Compiler/Manifest.h"

#include "attn/Dialect/Attn/AttnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace mlir::attn;

/// The manifest spelling of an element type, or "" when it has none.
static StringRef dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  return "";
}

/// The parts of a fused weight of (logical) `shape`: tensors of its rank
/// whose first dimensions add up to its first and whose other dimensions are
/// its own, each per-layer exactly when the weight is.
static LogicalResult readParts(WeightOp op, Attribute attr,
                               ArrayRef<int64_t> shape,
                               std::vector<WeightPart> &parts) {
  auto malformed = [&]() {
    return op.emitOpError()
           << "has a malformed " << kPartsAttrName
           << " (expected a non-empty array of {name, shape} whose shapes "
              "stack along dim 0 into "
           << "[" << llvm::interleaved(shape) << "]"
           << ", with '{layer}' in every name exactly when the weight is "
              "per-layer)";
  };
  auto array = dyn_cast<ArrayAttr>(attr);
  if (!array || array.empty())
    return malformed();
  int64_t rows = 0;
  for (Attribute element : array) {
    auto record = dyn_cast<DictionaryAttr>(element);
    auto name = record ? record.getAs<StringAttr>("name") : StringAttr();
    auto partShape =
        record ? record.getAs<DenseI64ArrayAttr>("shape") : DenseI64ArrayAttr();
    if (!name || !partShape || partShape.size() != int64_t(shape.size()) ||
        partShape[0] < 1 ||
        partShape.asArrayRef().drop_front() != shape.drop_front() ||
        name.getValue().contains(WeightOp::kLayerPlaceholder) !=
            op.isPerLayer())
      return malformed();
    rows += partShape[0];
    parts.push_back({name.str(), SmallVector<int64_t>(partShape.asArrayRef())});
  }
  if (rows != shape.front())
    return malformed();
  return success();
}

const WeightSlot *WeightTable::lookup(StringRef name) const {
  for (const WeightSlot &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

/// The functions in manifest order: the entry points' weights first, in the
/// order the model uses them.
static SmallVector<func::FuncOp> functionsInManifestOrder(ModuleOp module) {
  SmallVector<func::FuncOp> ordered;
  for (StringRef name : {"prefill", "decoder_layer", "logits"})
    if (auto func = module.lookupSymbol<func::FuncOp>(name))
      ordered.push_back(func);
  for (auto func : module.getOps<func::FuncOp>())
    if (!llvm::is_contained(ordered, func))
      ordered.push_back(func);
  return ordered;
}

FailureOr<WeightTable> mlir::attn::buildWeightTable(ModuleOp module) {
  WeightTable table;
  auto config = module->getAttrOfType<DictionaryAttr>("attn.config");
  auto layers =
      config ? config.getAs<IntegerAttr>("num_hidden_layers") : IntegerAttr();
  if (!layers || layers.getInt() <= 0)
    return module.emitError("the weight table needs a positive integer "
                            "attn.config.num_hidden_layers on the module");
  table.numHiddenLayers = layers.getInt();

  llvm::StringMap<size_t> seen;
  for (func::FuncOp func : functionsInManifestOrder(module)) {
    WalkResult result = func.walk([&](WeightOp op) {
      auto type = op.getType();
      // A packed weight is listed with its checkpoint shape and the layout
      // the runtime gives it.
      ArrayRef<int64_t> shape = type.getShape();
      int64_t panelWidth = 0;
      if (auto layout = op->getAttrOfType<DictionaryAttr>(kLayoutAttrName)) {
        auto logical = layout.getAs<DenseI64ArrayAttr>("shape");
        auto width = layout.getAs<IntegerAttr>("width");
        if (!logical || !width ||
            layout.getAs<StringAttr>("kind") != kPanelLayout) {
          op.emitOpError() << "has a malformed " << kLayoutAttrName
                           << " (expected {kind = \"" << kPanelLayout
                           << "\", width, shape})";
          return WalkResult::interrupt();
        }
        shape = logical.asArrayRef();
        panelWidth = width.getInt();
      }
      std::vector<WeightPart> parts;
      if (Attribute attr = op->getAttr(kPartsAttrName)) {
        if (failed(readParts(op, attr, shape, parts)))
          return WalkResult::interrupt();
      }
      auto it = seen.find(op.getName());
      if (it != seen.end()) {
        const WeightSlot &first = table.entries[it->second];
        if (first.perLayer != op.isPerLayer() ||
            ArrayRef<int64_t>(first.shape) != shape ||
            first.panelWidth != panelWidth || first.parts != parts ||
            first.dtype != dtypeName(type.getElementType())) {
          op.emitOpError() << "weight '" << op.getName()
                           << "' is used with two different types or "
                              "per-layer kinds; the weight table holds one "
                              "tensor per name";
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      }
      StringRef dtype = dtypeName(type.getElementType());
      if (dtype.empty()) {
        op.emitOpError() << "weight '" << op.getName() << "' has element type "
                         << type.getElementType()
                         << ", which has no manifest dtype (f32, f16, bf16)";
        return WalkResult::interrupt();
      }
      WeightSlot entry;
      entry.name = op.getName().str();
      entry.shape.assign(shape.begin(), shape.end());
      entry.panelWidth = panelWidth;
      entry.parts = std::move(parts);
      entry.dtype = dtype.str();
      entry.perLayer = op.isPerLayer();
      entry.firstSlot = table.numSlots;
      table.numSlots += entry.perLayer ? table.numHiddenLayers : 1;
      seen[entry.name] = table.entries.size();
      table.entries.push_back(std::move(entry));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return table;
}
