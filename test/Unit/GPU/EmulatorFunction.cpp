//===- EmulatorFunction.cpp - A CUDA-compiled function on the CPU ---------===//

#include "EmulatorFunction.h"

#include "attn/GPU/CUDAPipeline.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace attn_emu {

mlir::attn::CUDATargetOptions
emulatorTarget(const std::string &pipelineOptions) {
  mlir::attn::CUDATargetOptions target;
  target.arch = "sm_90";
  target.format = mlir::attn::CUDAKernelFormat::PTX;
  target.wrappersArchive = ATTN_EMULATOR_STUBS_ARCHIVE;
  target.pipelineOptions = pipelineOptions;
  return target;
}

std::unique_ptr<EmulatedKernels>
compileKernels(mlir::ModuleOp module,
               const mlir::attn::CUDATargetOptions &target,
               std::string &error) {
  mlir::DialectRegistry registry;
  mlir::attn::registerCUDATranslations(registry);
  module.getContext()->appendDialectRegistry(registry);
  // The settings compileToCUDALibrary resolves; the kernel format does not
  // matter to the nvvm phase.
  mlir::FailureOr<mlir::attn::CUDAPipelineOptions> pipeline =
      mlir::attn::resolvePipelineOptions(module, target,
                                         mlir::attn::CUDAPhase::NVVM);
  if (mlir::failed(pipeline)) {
    error += "the CUDA target's options do not resolve (diagnostic above)";
    return nullptr;
  }
  mlir::OwningOpRef<mlir::ModuleOp> forKernels = module.clone();
  mlir::PassManager pm(module.getContext());
  mlir::attn::populateCUDAPipeline(pm, *pipeline);
  if (mlir::failed(pm.run(*forKernels))) {
    error += "the CUDA pipeline failed before its nvvm phase";
    return nullptr;
  }
  return EmulatedKernels::create(*forKernels, error);
}

bool EmulatedFunction::compile(const std::string &source,
                               const std::string &name,
                               const std::string &pipelineOptions,
                               std::string &error) {
  mlir::attn::CUDATargetOptions target = emulatorTarget(pipelineOptions);
  auto link = [&](mlir::ModuleOp module, llvm::StringRef path) {
    emulated = compileKernels(module, target, error);
    return emulated && mlir::succeeded(mlir::attn::compileToCUDALibrary(
                           module, target, path));
  };
  // The library's constructors load its kernel module.
  bool loaded = library.compileWith(
      source, name, link, [&] { setNextModule(&emulated->kernels()); }, error);
  setNextModule(nullptr);
  return loaded;
}

} // namespace attn_emu
