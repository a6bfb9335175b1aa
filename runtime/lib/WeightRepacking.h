//===- WeightRepacking.h - Weight layouts the kernels ask for ---*- C++ -*-===//
//
// The layouts a manifest may ask for (docs/abi.md, "Repacking" and "Fused
// weights"), applied once at load to the checkpoint's row-major tensors.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_LIB_WEIGHTREPACKING_H
#define ATTN_RUNTIME_LIB_WEIGHTREPACKING_H

#include "attn/Runtime/AlignedBuffer.h"
#include "attn/Runtime/Manifest.h"
#include "attn/Runtime/SafeTensors.h"
#include "attn/Runtime/Status.h"

#include <cstddef>
#include <cstdint>

namespace attn::rt {

/// The "panel" layout of a row-major [rows, cols] tensor of `elementSize`
/// (2 or 4) byte elements: dst[p][c][j] = src[p * width + j][c], `width`
/// dividing `rows`. `src` needs no alignment; the two must not overlap.
void packPanels(const void *src, void *dst, size_t elementSize, int64_t rows,
                int64_t cols, int64_t width);

/// The host tensor the kernels read for `slot` (a parsed manifest's, so its
/// layout and parts are consistent with its shape): found in `store` by
/// name, or built from its parts; checked for shape and dtype; converted,
/// concatenated and packed as the slot asks. Sets `pointer` into the
/// mapping when the file's tensor can be used as it is, else into `owned`,
/// which it allocates (64-byte aligned). Errors name the tensor, and for a
/// part the fused weight too.
Status buildWeightTensor(const WeightStore &store, const WeightSlot &slot,
                         const void *&pointer, AlignedBuffer &owned);

} // namespace attn::rt

#endif // ATTN_RUNTIME_LIB_WEIGHTREPACKING_H
