//===- TargetMachine.cpp - The host (or --mcpu) TargetMachine -------------===//

#include "TargetMachine.h"

#include "attn/Pipelines/CPUPipeline.h"
#include "attn/Target/HostTarget.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::attn;

std::unique_ptr<llvm::TargetMachine>
mlir::attn::createCPUTargetMachine(ModuleOp module,
                                   const CPUTargetOptions &options) {
  llvm::Triple triple;
  const llvm::Target *target = lookupHostTarget(module.getLoc(), triple);
  if (!target)
    return nullptr;

  bool host = options.cpu.empty() || options.cpu == "native";
  std::string cpu = host ? llvm::sys::getHostCPUName().str() : options.cpu;
  llvm::SubtargetFeatures features;
  if (host)
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.getKey(), feature.getValue());
  if (!options.features.empty())
    features.addFeaturesVector(
        llvm::SubtargetFeatures(options.features).getFeatures());

  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, cpu, ""));
  if (!subtarget || !subtarget->isCPUStringValid(cpu)) {
    mlir::emitError(module.getLoc())
        << "unknown CPU '" << cpu << "' for --mcpu on " << triple.str()
        << " (llc -mcpu=help lists the known ones)";
    return nullptr;
  }

  llvm::TargetOptions targetOptions;
  llvm::CodeGenOptLevel level =
      options.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
      : options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                              : llvm::CodeGenOptLevel::Default;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpu, features.getString(), targetOptions, llvm::Reloc::PIC_,
      std::nullopt, level));
}

FailureOr<int64_t>
mlir::attn::preferredF32Lanes(ModuleOp module,
                              const CPUTargetOptions &options) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createCPUTargetMachine(module, options);
  if (!machine)
    return failure();
  const llvm::MCSubtargetInfo &subtarget = *machine->getMCSubtargetInfo();
  if (subtarget.checkFeatures("+avx512f"))
    return 16;
  if (subtarget.checkFeatures("+avx2,+fma"))
    return 8;
  return 4;
}

/// Whether every op is already in the LLVM dialect (or is the module).
static bool isInLLVMDialect(ModuleOp module) {
  // OpenMP ops (the parallel loops) stay as they are after the pipeline:
  // they translate to LLVM IR directly.
  return !module
              .walk([](Operation *op) {
                return isa<ModuleOp>(op) ||
                               isa<LLVM::LLVMDialect, omp::OpenMPDialect>(
                                   op->getDialect())
                           ? WalkResult::advance()
                           : WalkResult::interrupt();
              })
              .wasInterrupted();
}

/// In a model library only the ABI symbols are exported: the model functions
/// (prefill, decoder_layer, helpers) become internal, which keeps them out of
/// the dynamic symbol table and lets LLVM inline and drop them freely.
/// Modules without the ABI (single kernels) keep their symbols.
static void internalizeAllButABI(llvm::Module &module) {
  static constexpr llvm::StringLiteral kExports[] = {
      "attn_abi_version", "attn_manifest", "attn_prefill", "attn_logits"};
  llvm::Function *version = module.getFunction(kExports[0]);
  if (!version || version->isDeclaration())
    return;
  auto internalize = [&](llvm::GlobalValue &value) {
    if (!value.isDeclaration() &&
        !llvm::is_contained(kExports, value.getName()))
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
  };
  for (llvm::Function &function : module)
    internalize(function);
  for (llvm::GlobalVariable &global : module.globals())
    internalize(global);
}

std::unique_ptr<llvm::Module> mlir::attn::translateAndOptimize(
    ModuleOp module, const CPUTargetOptions &options,
    llvm::TargetMachine &targetMachine, llvm::LLVMContext &llvmContext) {
  if (!isInLLVMDialect(module)) {
    PassManager pm(module.getContext());
    populateCPUPipeline(pm, CPUPipelineOptions());
    if (failed(pm.run(module)))
      return nullptr;
  }

  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "attn-model");
  if (!llvmModule) {
    mlir::emitError(module.getLoc(), "translation to LLVM IR failed");
    return nullptr;
  }
  internalizeAllButABI(*llvmModule);
  llvmModule->setDataLayout(targetMachine.createDataLayout());
  llvmModule->setTargetTriple(targetMachine.getTargetTriple());

  auto optimize = makeOptimizingTransformer(std::min(options.optLevel, 3u),
                                            /*sizeLevel=*/0, &targetMachine);
  if (llvm::Error error = optimize(llvmModule.get())) {
    mlir::emitError(module.getLoc())
        << "LLVM optimisation failed: " << llvm::toString(std::move(error));
    return nullptr;
  }
  return llvmModule;
}
