//===- Toolkit.cpp - Finding ptxas and registering translations -----------===//

#include "CUDATargetUtils.h"

#include "attn/GPU/CUDAArch.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

using namespace mlir;
using namespace mlir::attn;

void mlir::attn::registerCUDATranslations(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  // #gpu.select_object, which embeds the kernels in the host module.
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
}

std::optional<std::string> mlir::attn::findPtxas(StringRef toolkitPath) {
  SmallVector<std::string> roots;
  if (!toolkitPath.empty())
    roots.push_back(toolkitPath.str());
  else {
    for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
      if (std::optional<std::string> value =
              llvm::sys::Process::GetEnv(variable))
        roots.push_back(*value);
    roots.push_back("/usr/local/cuda");
  }
  for (const std::string &root : roots) {
    llvm::SmallString<128> path(root);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (!toolkitPath.empty())
    return std::nullopt;
  if (llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName("ptxas"))
    return *path;
  return std::nullopt;
}

std::string mlir::attn::describeCUDATarget(const CUDATargetOptions &options) {
  CUDAPipelineOptions pipeline;
  if (failed(parseCUDAPipelineOptions(options.pipelineOptions, pipeline,
                                      [](const Twine &) { return failure(); })))
    return options.arch;
  pipeline.arch = options.arch;
  std::string target = kernelTarget(pipeline);
  std::optional<CUDAArch> arch = lookupCUDAArch(target);
  if (target == options.arch || !arch)
    return options.arch;
  return options.arch + " (kernels for " + target +
         ": wgmma, run on compute capability " + std::to_string(arch->major) +
         "." + std::to_string(arch->minor) + " only)";
}

FailureOr<CUDAPipelineOptions> mlir::attn::resolvePipelineOptions(
    ModuleOp module, const CUDATargetOptions &options, CUDAPhase stopAfter) {
  if (!lookupCUDAArch(options.arch)) {
    mlir::emitError(module.getLoc())
        << "unknown CUDA architecture '" << options.arch
        << "' for --cuda-arch (expected one of " << knownCUDAArchs() << ")";
    return failure();
  }
  CUDAPipelineOptions pipeline;
  if (failed(parseCUDAPipelineOptions(
          options.pipelineOptions, pipeline, [&](const Twine &message) {
            return mlir::emitError(module.getLoc())
                   << "--pipeline-options: " << message;
          })))
    return failure();
  pipeline.stopAfter = stopAfter;
  pipeline.arch = options.arch;
  if (!pipeline.bf16Weights)
    pipeline.bf16Weights = options.bf16Checkpoint;
  pipeline.optLevel = std::min(options.optLevel, 3u);
  pipeline.format = CUDABinaryFormat::PTX;
  if (options.format == CUDAKernelFormat::PTX)
    return pipeline;

  std::optional<std::string> ptxas = findPtxas(options.toolkitPath);
  if (!ptxas) {
    if (options.format == CUDAKernelFormat::Auto)
      return pipeline;
    mlir::emitError(module.getLoc())
        << "a cubin needs ptxas, which was not found in "
        << (options.toolkitPath.empty()
                ? "$CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin or on "
                  "PATH"
                : options.toolkitPath + "/bin")
        << " (install the CUDA toolkit, or embed PTX)";
    return failure();
  }
  pipeline.format = CUDABinaryFormat::Cubin;
  // <toolkit>/bin/ptxas: MLIR's NVVM serialiser looks in <toolkit>/bin.
  pipeline.toolkitPath =
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas)).str();
  return pipeline;
}

LogicalResult mlir::attn::runCUDAPipeline(ModuleOp module,
                                          const CUDAPipelineOptions &options) {
  DialectRegistry registry;
  registerCUDATranslations(registry);
  module.getContext()->appendDialectRegistry(registry);
  PassManager pm(module.getContext());
  populateCUDAPipeline(pm, options);
  return pm.run(module);
}
