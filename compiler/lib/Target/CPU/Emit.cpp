//===- Emit.cpp - LLVM IR, assembly and objects for the CPU ---------------===//

#include "TargetMachine.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::attn;

/// Translates `module` for `options`' CPU, optimises it and hands the
/// target machine and the LLVM module to `emit`.
static LogicalResult withOptimizedModule(
    ModuleOp module, const CPUTargetOptions &options,
    llvm::function_ref<LogicalResult(llvm::TargetMachine &, llvm::Module &)>
        emit) {
  std::unique_ptr<llvm::TargetMachine> targetMachine =
      createCPUTargetMachine(module, options);
  if (!targetMachine)
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateAndOptimize(module, options, *targetMachine, llvmContext);
  if (!llvmModule)
    return failure();
  return emit(*targetMachine, *llvmModule);
}

LogicalResult mlir::attn::emitLLVMIR(ModuleOp module,
                                     const CPUTargetOptions &options,
                                     llvm::raw_ostream &os) {
  return withOptimizedModule(
      module, options, [&](llvm::TargetMachine &, llvm::Module &llvmModule) {
        llvmModule.print(os, nullptr);
        return success();
      });
}

/// Runs the code generator of `options`' CPU on `module`, writing `kind`.
static LogicalResult emitMachineCode(ModuleOp module,
                                     const CPUTargetOptions &options,
                                     llvm::CodeGenFileType kind,
                                     llvm::raw_ostream &os) {
  return withOptimizedModule(
      module, options,
      [&](llvm::TargetMachine &targetMachine, llvm::Module &llvmModule) {
        // The code generator wants a seekable stream; buffer, then copy out.
        llvm::SmallVector<char, 0> buffer;
        llvm::raw_svector_ostream bufferStream(buffer);
        llvm::legacy::PassManager codegen;
        if (targetMachine.addPassesToEmitFile(codegen, bufferStream, nullptr,
                                              kind)) {
          mlir::emitError(module.getLoc())
              << "the LLVM target for " << targetMachine.getTargetTriple().str()
              << " cannot emit this file type";
          return failure();
        }
        codegen.run(llvmModule);
        os.write(buffer.data(), buffer.size());
        return success();
      });
}

LogicalResult mlir::attn::emitAssembly(ModuleOp module,
                                       const CPUTargetOptions &options,
                                       llvm::raw_ostream &os) {
  return emitMachineCode(module, options, llvm::CodeGenFileType::AssemblyFile,
                         os);
}

LogicalResult mlir::attn::emitObject(ModuleOp module,
                                     const CPUTargetOptions &options,
                                     llvm::raw_ostream &os) {
  return emitMachineCode(module, options, llvm::CodeGenFileType::ObjectFile,
                         os);
}
