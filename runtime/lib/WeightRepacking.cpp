//===- WeightRepacking.cpp - Weight layouts the kernels ask for -----------===//

#include "WeightRepacking.h"

#include <cstring>

namespace attn::rt {

template <size_t Size>
static void packPanelsOf(const unsigned char *src, unsigned char *dst,
                         int64_t rows, int64_t cols, int64_t width) {
  // Each source row is read once, in order; its elements land `width` apart
  // in one panel, which stays in cache while its rows are read.
  for (int64_t row = 0; row < rows; ++row) {
    int64_t panel = row / width, column = row % width;
    const unsigned char *from = src + size_t(row) * cols * Size;
    unsigned char *to = dst + (size_t(panel) * cols * width + column) * Size;
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(to + size_t(c) * width * Size, from + size_t(c) * Size, Size);
  }
}

void packPanels(const void *src, void *dst, size_t elementSize, int64_t rows,
                int64_t cols, int64_t width) {
  auto *from = static_cast<const unsigned char *>(src);
  auto *to = static_cast<unsigned char *>(dst);
  if (elementSize == 4)
    packPanelsOf<4>(from, to, rows, cols, width);
  else
    packPanelsOf<2>(from, to, rows, cols, width);
}

namespace {

/// A checkpoint tensor that the slot reads: the slot's own, or one part of
/// a fused slot.
struct Source {
  const std::string &name;
  const std::vector<int64_t> &shape;
  /// For messages: "" or " (part 2 of fused weight 'F')".
  std::string role;
};

} // namespace

static Status findSource(const WeightStore &store, const Source &source,
                         DType dtype, const TensorInfo *&result) {
  const LocatedTensor *found = store.find(source.name);
  if (!found)
    return Status::error(ATTN_ERROR_WEIGHT_MISMATCH,
                         store.path() + ": no tensor '" + source.name + "'" +
                             source.role + " (the model expects shape " +
                             formatShape(source.shape) + ", " +
                             dtypeName(dtype) + ")");
  const TensorInfo &tensor = *found->tensor;
  std::string prefix = found->file->path() + ": tensor '" + tensor.name + "'";
  if (tensor.shape != source.shape)
    return Status::error(
        ATTN_ERROR_WEIGHT_MISMATCH,
        prefix + source.role + " has shape " + formatShape(tensor.shape) +
            "; the model expects " + formatShape(source.shape));
  if (!tensor.dtype)
    return Status::error(ATTN_ERROR_WEIGHT_MISMATCH,
                         prefix + source.role + " has dtype " +
                             tensor.dtypeName +
                             "; the runtime reads F32, F16 or BF16 (the "
                             "model computes in " +
                             dtypeName(dtype) + ")");
  result = &tensor;
  return Status::success();
}

static Status allocate(AlignedBuffer &buffer, size_t bytes,
                       const std::string &name) {
  if (!buffer.allocate(bytes))
    return Status::error(ATTN_ERROR_OUT_OF_MEMORY,
                         "cannot allocate " + std::to_string(bytes) +
                             " bytes to convert tensor '" + name + "'");
  return Status::success();
}

Status buildWeightTensor(const WeightStore &store, const WeightSlot &slot,
                         const void *&pointer, AlignedBuffer &owned) {
  // The sources: the slot's own tensor, or its parts, whose rows follow
  // each other in the fused tensor.
  std::vector<Source> sources;
  if (slot.parts.empty())
    sources.push_back({slot.name, slot.shape, ""});
  for (size_t i = 0; i < slot.parts.size(); ++i)
    sources.push_back({slot.parts[i].name, slot.parts[i].shape,
                       " (part " + std::to_string(i) + " of fused weight '" +
                           slot.name + "')"});
  std::vector<const TensorInfo *> tensors(sources.size());
  for (size_t i = 0; i < sources.size(); ++i)
    ATTN_RETURN_IF_ERROR(findSource(store, sources[i], slot.dtype, tensors[i]));

  size_t elementSize = dtypeSize(slot.dtype);
  bool packed = slot.panelWidth > 0;
  const TensorInfo &first = *tensors.front();
  if (!packed && slot.parts.empty() && *first.dtype == slot.dtype &&
      reinterpret_cast<uintptr_t>(first.data) % elementSize == 0) {
    pointer = first.data;
    return Status::success();
  }

  size_t bytes = 0;
  for (const TensorInfo *tensor : tensors)
    bytes += tensor->byteSize / dtypeSize(*tensor->dtype) * elementSize;
  // The row-major tensor in the kernels' dtype: the file's own when it
  // needs no conversion and is only to be packed, else built in `owned`
  // (or in a scratch buffer when it is then packed).
  const void *rowMajor = first.data;
  AlignedBuffer scratch;
  if (!slot.parts.empty() || *first.dtype != slot.dtype || !packed) {
    AlignedBuffer &target = packed ? scratch : owned;
    ATTN_RETURN_IF_ERROR(allocate(target, bytes, slot.name));
    auto *to = static_cast<unsigned char *>(target.data());
    for (const TensorInfo *tensor : tensors) {
      size_t elements = tensor->byteSize / dtypeSize(*tensor->dtype);
      convertElements(tensor->data, *tensor->dtype, to, slot.dtype, elements);
      to += elements * elementSize;
    }
    rowMajor = target.data();
  }
  if (packed) {
    // The manifest checked that the width divides the rows of a 2-D shape.
    ATTN_RETURN_IF_ERROR(allocate(owned, bytes, slot.name));
    packPanels(rowMajor, owned.data(), elementSize, slot.shape[0],
               slot.shape[1], slot.panelWidth);
  }
  pointer = owned.data();
  return Status::success();
}

} // namespace attn::rt
