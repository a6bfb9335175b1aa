//===- PanelMatmul.h - The outer-product kernel on packed weights -*- C++
//-*-===//
//
// Part of --attn-vectorize-matmul: the contraction over column panels that
// --attn-pack-weights makes of a linear with a packed weight.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_TRANSFORMS_PANELMATMUL_H
#define ATTN_LIB_TRANSFORMS_PANELMATMUL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir {
namespace attn {

/// Tile sizes of the panel kernel.
struct PanelTileShape {
  /// f32 lanes per vector.
  int64_t lanes;
  /// Rows of A per register tile.
  int64_t rows;
  /// Steps of k per cache block.
  int64_t kBlock;
};

/// Whether `op` is C[m, p, j] += A[m, k] * P[p, k, j] on f32 buffers (P may
/// be bf16, widened in the body) with a static `j` extent that is a multiple
/// of `lanes`.
bool isPanelMatmul(linalg::GenericOp op, int64_t lanes);

/// Replaces a panel matmul by the register-tiled outer-product nest, under a
/// run-time check of the inner strides that the types do not prove.
void rewritePanelMatmul(linalg::GenericOp op, PanelTileShape shape);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_TRANSFORMS_PANELMATMUL_H
