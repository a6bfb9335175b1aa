//===- KernelOnBuffers.h - Whole-op GPU kernels, matched before buffers ---===//
//
// The GPU kernels of whole attn ops (attention, RMSNorm) are matched before
// bufferisation, while the op is still one op, but they are loops over
// memory, and the deallocation pipeline refuses the barriers and shuffles
// of a kernel body (ops with unknown memory effects). So they are built in
// two steps:
//
//   1. createKernelCall, at tensor level: each tensor operand is read
//      through `bufferization.to_buffer` (read only, fully dynamic layout,
//      so that one-shot bufferisation passes whatever buffer it picks
//      without a copy), the result is a new `memref.alloc`, and the op
//      becomes a `func.call` of a private declaration (its inputs, then the
//      result buffer) whose `attn.gpu_kernel` attribute names the kernel
//      and holds its parameters; `bufferization.to_tensor ... restrict`
//      hands the result back. Bufferisation and deallocation see a call
//      that reads and writes its memref operands, which is what it does.
//   2. --attn-gpu-expand-kernel-calls, after bufferisation: each such call
//      is replaced by the kernels its kind's builder makes on the call's
//      buffers (ExpandKernelCalls.cpp dispatches on the kind).
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_LIB_GPU_KERNELONBUFFERS_H
#define ATTN_LIB_GPU_KERNELONBUFFERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir {
namespace attn {

/// The attribute of a kernel declaration: a dictionary with `kind` (a
/// string) and the kernel's parameters.
constexpr llvm::StringLiteral kGPUKernelAttrName = "attn.gpu_kernel";

/// Step 1: replaces nothing itself; returns, built at `b`'s insertion
/// point, the tensor of `resultType` (dynamic sizes `resultSizes`) that the
/// kernel of `kind` with `params` will compute from `inputs`.
Value createKernelCall(OpBuilder &b, Location loc, StringRef kind,
                       DictionaryAttr params, ValueRange inputs,
                       RankedTensorType resultType, ValueRange resultSizes);

/// The builders of step 2, one per kind, for ExpandKernelCalls.cpp: each
/// builds the kernels at `b`'s insertion point on `inputs` (the call's
/// memref operands but the last) and `output`, or reports at `loc` why the
/// call is not one it can build (only hand-written IR gets there) and
/// fails.
LogicalResult buildAttentionKernelCall(OpBuilder &b, Location loc,
                                       DictionaryAttr params,
                                       ArrayRef<Value> inputs, Value output);
LogicalResult buildRMSNormKernelCall(OpBuilder &b, Location loc,
                                     DictionaryAttr params,
                                     ArrayRef<Value> inputs, Value output);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_KERNELONBUFFERS_H
