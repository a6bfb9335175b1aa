//===- HostObject.cpp - The host side of a CUDA model library -------------===//
//
// The host code (entry points, layer loop, launches, the embedded kernels)
// is compiled for the generic CPU of the host triple: it does little work,
// and a library built on one machine must load on the GPU machine.
//
//===----------------------------------------------------------------------===//

#include "CUDATargetUtils.h"

#include "attn/Target/HostTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::attn;

static std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(ModuleOp module, const CUDATargetOptions &options) {
  llvm::Triple triple;
  const llvm::Target *target = lookupHostTarget(module.getLoc(), triple);
  if (!target)
    return nullptr;
  llvm::CodeGenOptLevel level = options.optLevel == 0
                                    ? llvm::CodeGenOptLevel::None
                                    : llvm::CodeGenOptLevel::Default;
  // The kernel module is loaded by a constructor; without crt files only
  // .init_array (not .ctors) runs when the library is loaded.
  llvm::TargetOptions targetOptions;
  targetOptions.UseInitArray = true;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, "", "", targetOptions, llvm::Reloc::PIC_, std::nullopt, level));
}

/// Only the ABI symbols of a model library stay exported; LLVM's own globals
/// (the constructors that load the kernel modules) keep their linkage.
/// Modules without the ABI (attn-bench's lone attention) keep their symbols,
/// as on the CPU.
static void internalizeAllButABI(llvm::Module &module) {
  static constexpr llvm::StringLiteral kExports[] = {
      "attn_abi_version", "attn_manifest", "attn_prefill", "attn_logits"};
  llvm::Function *version = module.getFunction(kExports[0]);
  if (!version || version->isDeclaration())
    return;
  auto internalize = [&](llvm::GlobalValue &value) {
    if (!value.isDeclaration() && !value.getName().starts_with("llvm.") &&
        !llvm::is_contained(kExports, value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  };
  for (llvm::Function &function : module)
    internalize(function);
  for (llvm::GlobalVariable &global : module.globals())
    internalize(global);
}

std::unique_ptr<llvm::Module>
mlir::attn::translateHostToLLVMIR(ModuleOp module,
                                  const CUDATargetOptions &options,
                                  llvm::LLVMContext &context) {
  std::unique_ptr<llvm::TargetMachine> targetMachine =
      createHostTargetMachine(module, options);
  if (!targetMachine)
    return nullptr;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "attn-cuda-model");
  if (!llvmModule) {
    mlir::emitError(module.getLoc(), "translation to LLVM IR failed");
    return nullptr;
  }
  internalizeAllButABI(*llvmModule);
  llvmModule->setDataLayout(targetMachine->createDataLayout());
  llvmModule->setTargetTriple(targetMachine->getTargetTriple());
  auto optimize =
      makeOptimizingTransformer(std::min(options.optLevel, 3u),
                                /*sizeLevel=*/0, targetMachine.get());
  if (llvm::Error error = optimize(llvmModule.get())) {
    mlir::emitError(module.getLoc())
        << "LLVM optimisation failed: " << llvm::toString(std::move(error));
    return nullptr;
  }
  return llvmModule;
}

LogicalResult mlir::attn::emitHostObject(ModuleOp module,
                                         llvm::Module &llvmModule,
                                         const CUDATargetOptions &options,
                                         llvm::raw_ostream &os) {
  std::unique_ptr<llvm::TargetMachine> targetMachine =
      createHostTargetMachine(module, options);
  if (!targetMachine)
    return failure();
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream bufferStream(buffer);
  llvm::legacy::PassManager codegen;
  if (targetMachine->addPassesToEmitFile(codegen, bufferStream, nullptr,
                                         llvm::CodeGenFileType::ObjectFile)) {
    mlir::emitError(module.getLoc())
        << "the LLVM target for " << targetMachine->getTargetTriple().str()
        << " cannot emit objects";
    return failure();
  }
  codegen.run(llvmModule);
  os.write(buffer.data(), buffer.size());
  return success();
}

LogicalResult mlir::attn::emitCUDAHostLLVMIR(ModuleOp module,
                                             const CUDATargetOptions &options,
                                             llvm::raw_ostream &os) {
  FailureOr<CUDAPipelineOptions> pipeline =
      resolvePipelineOptions(module, options, CUDAPhase::LLVM);
  if (failed(pipeline) || failed(runCUDAPipeline(module, *pipeline)))
    return failure();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateHostToLLVMIR(module, options, context);
  if (!llvmModule)
    return failure();
  llvmModule->print(os, nullptr);
  return success();
}
