//===- WeightRepacking.h - Weight layouts the kernels ask for ---*- C++ -*-===//
//
// The layouts a manifest may ask for (docs/abi.md, "Repacking"), applied
// once at load to the checkpoint's row-major tensors.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_LIB_WEIGHTREPACKING_H
#define ATTN_RUNTIME_LIB_WEIGHTREPACKING_H

#include <cstddef>
#include <cstdint>

namespace attn::rt {

/// The "panel" layout of a row-major [rows, cols] tensor of `elementSize`
/// (2 or 4) byte elements: dst[p][c][j] = src[p * width + j][c], `width`
/// dividing `rows`. `src` needs no alignment; the two must not overlap.
void packPanels(const void *src, void *dst, size_t elementSize, int64_t rows,
                int64_t cols, int64_t width);

} // namespace attn::rt

#endif // ATTN_RUNTIME_LIB_WEIGHTREPACKING_H
