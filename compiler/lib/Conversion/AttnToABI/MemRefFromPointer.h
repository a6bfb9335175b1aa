//===- MemRefFromPointer.h - View a raw pointer as a memref -----*- C++ -*-===//

#ifndef ATTN_LIB_CONVERSION_ATTNTOABI_MEMREFFROMPOINTER_H
#define ATTN_LIB_CONVERSION_ATTNTOABI_MEMREFFROMPOINTER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace attn {

/// A memref of `type` (identity layout) over the dense row-major buffer at
/// `pointer` (an `!llvm.ptr`), with `dynamicSize` (an index) for every
/// dynamic dimension. The memref descriptor is built in the LLVM dialect and
/// cast to `type`; the cast disappears when memrefs are lowered to LLVM.
Value createMemRefFromPointer(OpBuilder &b, Location loc, Value pointer,
                              MemRefType type, Value dynamicSize);

/// The same buffer as a tensor for bufferization: `restrict` (nothing else
/// aliases it in the IR) and, when `writable`, updated in place.
Value createTensorFromPointer(OpBuilder &b, Location loc, Value pointer,
                              RankedTensorType type, Value dynamicSize,
                              bool writable);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_CONVERSION_ATTNTOABI_MEMREFFROMPOINTER_H
