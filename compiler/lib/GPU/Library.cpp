//===- Library.cpp - Link the CUDA model library --------------------------===//
//
// model.so = the host object (entry points, launches, embedded kernels) +
// the launch functions of runtime/lib/cuda (a static archive whose symbols
// stay hidden), linked with ld.lld against libc only. The library reaches the
// CUDA driver by dlopen("libcuda.so.1") when it is loaded, so building and
// loading it needs no CUDA installation.
//
//===----------------------------------------------------------------------===//

#include "CUDATargetUtils.h"

#include "attn/Target/Linker.h"

#include "llvm/Support/FileSystem.h"

using namespace mlir;
using namespace mlir::attn;

static std::string findWrappers(ModuleOp module,
                                const CUDATargetOptions &options) {
  std::string path = options.wrappersArchive.empty()
                         ? std::string(ATTN_CUDA_WRAPPERS_ARCHIVE)
                         : options.wrappersArchive;
  if (llvm::sys::fs::exists(path))
    return path;
  mlir::emitError(module.getLoc())
      << "the CUDA launch functions archive '" << path
      << "' does not exist (build the AttnCUDAWrappers target)";
  return "";
}

LogicalResult mlir::attn::compileToCUDALibrary(ModuleOp module,
                                               const CUDATargetOptions &options,
                                               StringRef outputPath) {
  std::string linker = findLinker(module.getLoc(), options.linkerPath);
  std::string wrappers = findWrappers(module, options);
  if (linker.empty() || wrappers.empty())
    return failure();
  FailureOr<CUDAPipelineOptions> pipeline =
      resolvePipelineOptions(module, options, CUDAPhase::LLVM);
  if (failed(pipeline) || failed(runCUDAPipeline(module, *pipeline)))
    return failure();

  // --exclude-libs keeps the archive's mgpu* functions out of the dynamic
  // symbol table, so that two model libraries in one process do not share
  // (or fight over) them.
  std::string extraArguments[] = {wrappers, "--exclude-libs=ALL"};
  return linkSharedLibrary(
      module.getLoc(), linker, outputPath, "attn-cuda-model",
      [&](raw_ostream &object) -> LogicalResult {
        llvm::LLVMContext context;
        std::unique_ptr<llvm::Module> llvmModule =
            translateHostToLLVMIR(module, options, context);
        if (!llvmModule)
          return failure();
        return emitHostObject(module, *llvmModule, options, object);
      },
      extraArguments, /*libraries=*/{"-lc"});
}
