//===- Manifest.h - The manifest and weight table of a module ---*- C++ -*-===//
//
// The manifest (docs/abi.md) and the weight-table layout are derived from the
// module alone: its `attn.abi_version` and `attn.config` attributes and its
// attn.weight ops. The frontend writes them; the backends embed the manifest
// in the library and index `attn_call::weights` with the slots listed here.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_COMPILER_MANIFEST_H
#define ATTN_COMPILER_MANIFEST_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace attn {

/// The discardable attribute of an attn.weight whose tensor the runtime
/// reorders at load: {kind = "panel", width, shape = logical [out, in]}.
constexpr llvm::StringLiteral kLayoutAttrName = "attn.layout";
/// P[n / width, k, n % width] = W[n, k] (docs/abi.md, "Repacking").
constexpr llvm::StringLiteral kPanelLayout = "panel";
/// The discardable attribute of an attn.weight that the runtime builds by
/// concatenating checkpoint tensors along dim 0, in order:
/// [{name, shape}, ...] (docs/abi.md, "Fused weights").
constexpr llvm::StringLiteral kPartsAttrName = "attn.parts";

/// One checkpoint tensor of a fused weight.
struct WeightPart {
  /// The Hugging Face tensor name; per-layer names contain `{layer}`.
  std::string name;
  SmallVector<int64_t> shape;

  bool operator==(const WeightPart &other) const {
    return name == other.name && shape == other.shape;
  }
};

/// One manifest weight entry and the slots it takes in the weight table.
struct WeightSlot {
  /// The Hugging Face tensor name; per-layer names contain `{layer}`.
  std::string name;
  SmallVector<int64_t> shape;
  /// The element type the kernels read: "f32", "f16" or "bf16".
  std::string dtype;
  /// One tensor per layer (`num_hidden_layers` consecutive slots).
  bool perLayer = false;
  /// Columns per panel when the runtime packs the tensor (`kPanelLayout`);
  /// 0 for the checkpoint's row-major layout. `shape` stays the
  /// checkpoint's.
  int64_t panelWidth = 0;
  /// The checkpoint tensors whose rows, concatenated in order, make this
  /// one; empty for a tensor read under `name`.
  std::vector<WeightPart> parts;
  /// Index in `attn_call::weights` of the tensor (of layer 0 if per-layer).
  int64_t firstSlot = 0;
};

/// The weight table of a module, in manifest order.
struct WeightTable {
  SmallVector<WeightSlot> entries;
  int64_t numHiddenLayers = 0;
  /// The length of `attn_call::weights`.
  int64_t numSlots = 0;

  /// The entry named `name` (with `{layer}` for per-layer weights), or null.
  const WeightSlot *lookup(StringRef name) const;
};

/// Collects the weights of `module` in order of first appearance walking
/// @prefill, @decoder_layer, @logits, then any other function. Emits an error
/// at the offending op and fails when one name is used with two types,
/// layouts or part lists or both per-layer and not, an element type has no
/// manifest dtype, an `attn.layout` or `attn.parts` is malformed, or the
/// module lacks `attn.config.num_hidden_layers`.
FailureOr<WeightTable> buildWeightTable(ModuleOp module);

/// The manifest JSON of `module` (docs/abi.md), pretty-printed. Returns an
/// empty string after emitting an error on the module when it lacks
/// `attn.abi_version` or `attn.config`, or when buildWeightTable fails.
std::string buildManifestJson(ModuleOp module);

} // namespace attn
} // namespace mlir

#endif // ATTN_COMPILER_MANIFEST_H
