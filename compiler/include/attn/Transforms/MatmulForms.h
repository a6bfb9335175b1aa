//===- MatmulForms.h - The matmuls the kernel passes recognise --*- C++ -*-===//
//
// attn.linear lowers to one contraction form; the CPU kernels
// (--attn-vectorize-matmul) and the GPU kernels (--attn-gpu-tile-matmul)
// both replace it, so they match it with one predicate.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TRANSFORMS_MATMULFORMS_H
#define ATTN_TRANSFORMS_MATMULFORMS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir {
namespace attn {

/// Whether `op` is C[m, n] += A[m, k] * B[n, k] on f32 buffers: the
/// lowering of attn.linear, with the weight in its checkpoint layout
/// [out, in]. B may also be a bf16 buffer whose elements the body widens to
/// f32 (a weight of --attn-narrow-weights); the kernels of both passes read
/// either.
bool isTransposedMatmul(linalg::GenericOp op);

} // namespace attn
} // namespace mlir

#endif // ATTN_TRANSFORMS_MATMULFORMS_H
