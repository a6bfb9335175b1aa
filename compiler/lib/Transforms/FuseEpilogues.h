//===- FuseEpilogues.h - The steps of --attn-fuse-epilogues -----*- C++ -*-===//
//
// Each step rewrites the linalg-on-tensors IR of one function-like op and
// leaves dead producers for the driver's cleanup.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_TRANSFORMS_FUSEEPILOGUES_H
#define ATTN_TRANSFORMS_FUSEEPILOGUES_H

#include <cstdint>

namespace mlir {
class Operation;
class RewriterBase;
namespace attn {

/// Biases and residual adds after zero-init contractions become the
/// contractions' inits (AccumulateIntoInit.cpp).
void accumulateIntoInits(RewriterBase &rewriter, Operation *root);

/// Row reductions and the element-wise generics that read them, tiled
/// together into an scf.forall over blocks of `rows` rows
/// (FuseRowReductions.cpp).
void fuseRowReductions(RewriterBase &rewriter, Operation *root, int64_t rows);

} // namespace attn
} // namespace mlir

#endif // ATTN_TRANSFORMS_FUSEEPILOGUES_H
