//===- EmulatorFunction.cpp - A CUDA-compiled function on the CPU ---------===//

#include "EmulatorFunction.h"

#include "attn/GPU/CUDAPipeline.h"
#include "attn/GPU/CUDATarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

namespace attn_emu {

bool EmulatedFunction::compile(const std::string &source,
                               const std::string &name,
                               const std::string &pipelineOptions,
                               std::string &error) {
  mlir::attn::CUDATargetOptions target;
  target.arch = "sm_90";
  target.format = mlir::attn::CUDAKernelFormat::PTX;
  target.wrappersArchive = ATTN_EMULATOR_STUBS_ARCHIVE;
  target.pipelineOptions = pipelineOptions;
  auto link = [&](mlir::ModuleOp module, llvm::StringRef path) {
    mlir::DialectRegistry registry;
    mlir::attn::registerCUDATranslations(registry);
    module.getContext()->appendDialectRegistry(registry);
    // The kernels: the same pipeline stopped after the nvvm phase, so that
    // they and their names are the ones the library's launches ask for.
    mlir::attn::CUDAPipelineOptions pipeline;
    if (mlir::failed(mlir::attn::parseCUDAPipelineOptions(
            pipelineOptions, pipeline, [&](const llvm::Twine &message) {
              error += message.str();
              return mlir::failure();
            })))
      return false;
    pipeline.stopAfter = mlir::attn::CUDAPhase::NVVM;
    pipeline.arch = target.arch;
    mlir::OwningOpRef<mlir::ModuleOp> forKernels = module.clone();
    mlir::PassManager pm(module.getContext());
    mlir::attn::populateCUDAPipeline(pm, pipeline);
    if (mlir::failed(pm.run(*forKernels)))
      return false;
    emulated = EmulatedKernels::create(*forKernels, error);
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
