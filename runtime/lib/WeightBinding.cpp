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

static Status mismatch(const LocatedTensor &found, const std::string &what) {
  return Status::error(ATTN_ERROR_WEIGHT_MISMATCH,
                       found.file->path() + ": tensor '" + found.tensor->name +
                           "' " + what);
}

static Status bindSlot(attn_model &model, const WeightSlot &slot,
                       const void *&pointer) {
  const LocatedTensor *found = model.weights->find(slot.name);
  if (!found)
    return Status::error(ATTN_ERROR_WEIGHT_MISMATCH,
                         model.weights->path() + ": no tensor '" + slot.name +
                             "' (the model expects shape " +
                             formatShape(slot.shape) + ", " +
                             dtypeName(slot.dtype) + ")");
  const TensorInfo &tensor = *found->tensor;
  if (tensor.shape != slot.shape)
    return mismatch(*found, "has shape " + formatShape(tensor.shape) +
                                "; the model expects " +
                                formatShape(slot.shape));
  if (!tensor.dtype)
    return mismatch(*found, "has dtype " + tensor.dtypeName +
                                "; the runtime reads F32, F16 or BF16 (the "
                                "model computes in " +
                                dtypeName(slot.dtype) + ")");
  size_t elements = tensor.byteSize / dtypeSize(*tensor.dtype);
  size_t alignment = dtypeSize(slot.dtype);
  bool packed = slot.panelWidth > 0;
  if (!packed && *tensor.dtype == slot.dtype &&
      reinterpret_cast<uintptr_t>(tensor.data) % alignment == 0) {
    pointer = tensor.data;
    return Status::success();
  }
  AlignedBuffer copy;
  size_t bytes = elements * dtypeSize(slot.dtype);
  if (!copy.allocate(bytes))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate " + std::to_string(bytes) +
                             " bytes to convert tensor '" + slot.name + "'");
  if (!packed) {
    convertElements(tensor.data, *tensor.dtype, copy.data(), slot.dtype,
                    elements);
  } else {
    // The manifest checked that the width divides the rows of a 2-D shape.
    const void *rowMajor = tensor.data;
    AlignedBuffer converted;
    if (*tensor.dtype != slot.dtype) {
      if (!converted.allocate(bytes))
        return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                             "cannot allocate " + std::to_string(bytes) +
                                 " bytes to convert tensor '" + slot.name +
                                 "'");
      convertElements(tensor.data, *tensor.dtype, converted.data(), slot.dtype,
                      elements);
      rowMajor = converted.data();
    }
    packPanels(rowMajor, copy.data(), dtypeSize(slot.dtype), slot.shape[0],
               slot.shape[1], slot.panelWidth);
  }
  pointer = copy.data();
  model.copiedBytes += bytes;
  model.copies.push_back(std::move(copy));
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
    if (!status.ok()) {
      // Leave the model as it was, so that the caller may retry with
      // other weights.
      model.weights.reset();
      model.copies.clear();
      model.copiedBytes = 0;
      return status;
    }
  }
  model.table = std::move(table);
  return Status::success();
}

} // namespace attn::rt
