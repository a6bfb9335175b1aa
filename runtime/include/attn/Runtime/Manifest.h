//===- Manifest.h - The manifest a model library embeds ---------*- C++ -*-===//
//
// The JSON document of docs/abi.md: the config echo, the ABI version, the
// KV-cache layout and the ordered weight list that fixes the weight table.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_MANIFEST_H
#define ATTN_RUNTIME_MANIFEST_H

#include "attn/Runtime/DType.h"
#include "attn/Runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::rt {

/// One checkpoint tensor of a fused weight (docs/abi.md, "Fused weights").
struct WeightPart {
  /// Per-layer names contain "{layer}" (in a manifest entry; expanded in a
  /// slot).
  std::string name;
  std::vector<int64_t> shape;
};

/// One entry of the manifest's "weights" list.
struct ManifestWeight {
  /// Per-layer names contain "{layer}".
  std::string name;
  std::vector<int64_t> shape;
  DType dtype;
  bool perLayer;
  /// Columns per panel of the "panel" layout, 0 for row-major.
  int64_t panelWidth = 0;
  /// The tensors whose rows, concatenated in order, make this one; empty
  /// when the checkpoint holds it under `name`.
  std::vector<WeightPart> parts;
};

/// One slot of the weight table: an entry, expanded per layer.
struct WeightSlot {
  std::string name;
  /// The checkpoint's shape; the tensor handed to compiled code has it
  /// unless `panelWidth` says otherwise.
  std::vector<int64_t> shape;
  DType dtype;
  /// Columns per panel when the runtime repacks the tensor, else 0.
  int64_t panelWidth = 0;
  /// The checkpoint tensors concatenated along dim 0 into this one, with
  /// "{layer}" replaced; empty when the checkpoint holds `name`.
  std::vector<WeightPart> parts;
};

struct Manifest {
  uint32_t abiVersion = 0;
  std::string modelType;
  int64_t numLayers = 0;
  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0;
  DType kvDType = DType::F32;
  /// config.max_position_embeddings; 0 when absent.
  int64_t maxPositionEmbeddings = 0;
  /// target.kind: "" for a CPU library (which has no "target"), "cuda" for
  /// one whose buffers live on an NVIDIA GPU (docs/abi.md).
  std::string targetKind;
  /// target.arch of a CUDA library, e.g. "sm_90".
  std::string targetArch;
  std::vector<ManifestWeight> weights;

  /// The weight table's slots in order: per-layer entries take numLayers
  /// consecutive slots, layer 0 first.
  std::vector<WeightSlot> slots() const;
};

/// Parses and validates `text`; `origin` (the library path) prefixes every
/// message. Fails with ATTN_ERROR_ABI_VERSION when "abi_version" is not
/// ATTN_ABI_VERSION and ATTN_ERROR_MANIFEST for anything else.
Status parseManifest(const std::string &text, const std::string &origin,
                     Manifest &result);

} // namespace attn::rt

#endif // ATTN_RUNTIME_MANIFEST_H
