//===- CUDATargetUtils.h - Shared steps of the CUDA target -----*- C++ -*-===//

#ifndef ATTN_LIB_GPU_CUDATARGETUTILS_H
#define ATTN_LIB_GPU_CUDATARGETUTILS_H

#include "attn/GPU/CUDAPipeline.h"
#include "attn/GPU/CUDATarget.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>

namespace mlir {
namespace attn {

/// Runs the CUDA pipeline of `options` on `module` up to `stopAfter`.
LogicalResult runCUDAPipeline(ModuleOp module,
                              const CUDAPipelineOptions &options);

/// The host side of `module` (at the `llvm` phase) as optimised LLVM IR for
/// the host, every symbol but the ABI ones internal. Emits an error and
/// returns null on failure.
std::unique_ptr<llvm::Module>
translateHostToLLVMIR(ModuleOp module, const CUDATargetOptions &options,
                      llvm::LLVMContext &context);

/// A position-independent object of `llvmModule` for the host.
LogicalResult emitHostObject(ModuleOp module, llvm::Module &llvmModule,
                             const CUDATargetOptions &options,
                             llvm::raw_ostream &os);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_GPU_CUDATARGETUTILS_H
