//===- CopiesToLinalg.h - memref.copy as linalg.copy ------------*- C++ -*-===//
//
// memref.copy lowers to a call of the runtime's memrefCopy for layouts LLVM
// cannot copy as one block, and to a host memcpy on GPU buffers; as
// linalg.copy it becomes loops (CPU) or a kernel (GPU) instead. The CPU and
// the CUDA pipelines choose different copies to rewrite.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_CONVERSION_COPIESTOLINALG_H
#define ATTN_CONVERSION_COPIESTOLINALG_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir {
namespace attn {

/// Replaces each memref.copy under `root` for which `select` holds by a
/// linalg.copy of the same buffers.
void rewriteCopiesAsLinalg(Operation *root,
                           function_ref<bool(memref::CopyOp)> select);

} // namespace attn
} // namespace mlir

#endif // ATTN_CONVERSION_COPIESTOLINALG_H
