//===- WeightBinding.cpp - Filling the weight table from safetensors ------===//
//
// Each slot of the manifest's weight table is found by name, checked for
// shape and dtype, and bound: in place in the mapping when the file already
// holds what the kernels read at its natural alignment, else converted (or
// realigned) once into an owned 64-byte aligned buffer.
//
//===----------------------------------------------------------------------===//

#include "Model.h"
#include "WeightRepacking.h"

#include <cstdint>

namespace attn::rt {

static Status bindSlot(attn_model &model, const WeightSlot &slot,
                       const void *&pointer) {
  AlignedBuffer copy;
  ATTN_RETURN_IF_ERROR(buildWeightTensor(*model.weights, slot, pointer, copy));
  if (copy.data()) {
    model.copiedBytes += copy.size();
    model.copies.push_back(std::move(copy));
  }
  return Status::success();
}

Status bindWeights(attn_model &model, const std::string &weightsPath) {
  if (model.weights)
    return Status::error(ATTN_ERROR_STATE, "the weights of '" + model.path +
                                               "' are already loaded");
  std::unique_ptr<WeightStore> store;
  ATTN_RETURN_IF_ERROR(WeightStore::open(weightsPath, store));
  model.weights = std::move(store);
  std::vector<WeightSlot> slots = model.manifest.slots();
  std::vector<const void *> table(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    Status status = bindSlot(model, slots[i], table[i]);
    if (status.ok() && model.onDevice())
      status = uploadWeight(model, slots[i], table[i]);
    if (!status.ok()) {
      // Leave the model as it was, so that the caller may retry with
      // other weights.
      model.weights.reset();
      model.copies.clear();
      model.deviceWeights.clear();
      model.copiedBytes = 0;
      return status;
    }
  }
  model.table = std::move(table);
  return Status::success();
}

} // namespace attn::rt
