//===- TargetMachine.h - The host (or --mcpu) TargetMachine -----*- C++ -*-===//

#ifndef ATTN_LIB_TARGET_CPU_TARGETMACHINE_H
#define ATTN_LIB_TARGET_CPU_TARGETMACHINE_H

#include "attn/Target/CPU/CPUTarget.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace mlir {
namespace attn {

/// A TargetMachine for the host triple and `options.cpu` (the host CPU and
/// its features when empty or "native"), producing position-independent
/// code. Emits an error on `module` and returns null for an unknown CPU.
std::unique_ptr<llvm::TargetMachine>
createCPUTargetMachine(ModuleOp module, const CPUTargetOptions &options);

/// Lowers `module` to the LLVM dialect if it is not there yet, translates it
/// to LLVM IR for `targetMachine` and optimises it at `options.optLevel`.
std::unique_ptr<llvm::Module>
translateAndOptimize(ModuleOp module, const CPUTargetOptions &options,
                     llvm::TargetMachine &targetMachine,
                     llvm::LLVMContext &llvmContext);

} // namespace attn
} // namespace mlir

#endif // ATTN_LIB_TARGET_CPU_TARGETMACHINE_H
