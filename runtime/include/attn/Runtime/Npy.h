//===- Npy.h - Writing NumPy .npy files -------------------------*- C++ -*-===//
//
// Logits are dumped as .npy so that numpy.load compares them with other
// implementations directly.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_NPY_H
#define ATTN_RUNTIME_NPY_H

#include "attn/Runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attn::rt {

/// Writes a little-endian float32 C-order array of `shape` (version 1.0).
Status writeNpyFloat32(const std::string &path, const float *data,
                       const std::vector<int64_t> &shape);

} // namespace attn::rt

#endif // ATTN_RUNTIME_NPY_H
